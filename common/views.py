import logging

from django.contrib.auth.mixins import LoginRequiredMixin
from django.http import Http404, HttpResponse
from django.template import engines
from django.views import View

from common.files import MissingStoredFile, file_response
from common.models import Document

logger = logging.getLogger(__name__)

# Kept inline because the site has no base template yet.
# TODO: move to a template that extends the site's base layout once it exists.
FILE_UNAVAILABLE_TEMPLATE = """{% load i18n %}<!DOCTYPE html>
<html lang="{{ LANGUAGE_CODE|default:'fr' }}">
<head><meta charset="utf-8"><title>{% translate "File unavailable" %}</title></head>
<body>
  <main>
    <h1>{% translate "File unavailable" %}</h1>
    <p>{% blocktranslate with filename=document.filename %}The file “{{ filename }}” cannot be downloaded at the moment.{% endblocktranslate %}</p>
    <p>{% blocktranslate with reference=document.pk %}Contact the program team and give them the reference {{ reference }}.{% endblocktranslate %}</p>
    <p><a href="{% url 'home' %}">{% translate "Back to the home page" %}</a></p>
  </main>
</body>
</html>
"""


class DocumentDownloadView(LoginRequiredMixin, View):
    """Send a generated document to a user who may view the object it belongs to.

    An unknown id and a refused permission both answer 404, so the response never reveals that a document
    exists. A document whose stored file is missing gets a short page with status 410, not a server error.
    """

    def get(self, request, pk: int):
        document = Document.objects.select_related("content_type").filter(pk=pk).first()
        if document is None or not request.user.has_perm("common.view_document", document):
            raise Http404("No document found.")

        try:
            return file_response(document.file, document.filename)
        except MissingStoredFile:
            logger.error(
                "Document %s (%s v%s) has no stored file %r.",
                document.pk,
                document.kind,
                document.version,
                document.file.name,
            )
            page = engines["django"].from_string(FILE_UNAVAILABLE_TEMPLATE)
            return HttpResponse(page.render({"document": document}, request), status=410)
