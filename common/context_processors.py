from django.conf import settings


def site(request):
    return {
        "SITE_URL": settings.SITE_URL,
        # Lists longer than this are exported by a background job (common.exports).
        "EXPORT_INLINE_MAX_ROWS": settings.EXPORT_INLINE_MAX_ROWS,
    }
