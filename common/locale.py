from django.conf import settings
from django.utils import translation


class FrenchFirstLocaleMiddleware:
    """Speak French unless the person chose English with the language switcher.

    Django's LocaleMiddleware would follow the browser's Accept-Language header, but this service is French
    first (Charte de la langue française): English is offered, never imposed by a browser setting.
    """

    def __init__(self, get_response):
        self.get_response = get_response
        self.supported = {code for code, _name in settings.LANGUAGES}

    def __call__(self, request):
        chosen = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME, "")
        language = chosen if chosen in self.supported else settings.LANGUAGE_CODE
        translation.activate(language)
        request.LANGUAGE_CODE = language
        response = self.get_response(request)
        response.headers.setdefault("Content-Language", language)
        return response
