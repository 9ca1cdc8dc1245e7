import logging

from django.contrib.auth.mixins import LoginRequiredMixin
from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.views import View

from common.files import MissingStoredFile, file_response
from common.models import Document

logger = logging.getLogger(__name__)


class DocumentDownloadView(LoginRequiredMixin, View):
    """Send a generated document to a user who may view the object it belongs to.

    An unknown id and a refused permission both return 404, so the response never reveals that a document
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
            return self.file_unavailable(request, document)

    def file_unavailable(self, request, document: Document) -> HttpResponse:
        context = {"filename": document.filename, "reference": document.pk}
        return render(request, "common/file_missing.html", context, status=410)
