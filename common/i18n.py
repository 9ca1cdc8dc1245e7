from django.utils.translation import get_language


def localized(instance, field: str) -> str:
    """Return `field_fr` or `field_en` of `instance` for the active language, French when English is empty."""
    language = (get_language() or "fr")[:2]
    if language == "en":
        value = getattr(instance, f"{field}_en", "")
        if value:
            return value
    return getattr(instance, f"{field}_fr")
