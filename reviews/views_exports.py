"""Downloads of a call's ranking: CSV, XLSX and the committee docket in PDF.

Same access as the ranking page (reviews.views_committee.RankingAccessMixin), and the same masking of the
files a committee member is in conflict with (reviews.exports.ranking_table).
"""

from django.http import HttpResponse
from django.shortcuts import get_object_or_404
from django.urls import path
from django.views import View

from common.files import ALLOWED_TYPES, content_disposition
from grants.models import Call
from reviews import exports
from reviews.views_committee import RankingAccessMixin


def download(content: bytes, *, content_type: str, filename: str, as_attachment: bool = True) -> HttpResponse:
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = content_disposition(filename, as_attachment=as_attachment)
    response["Cache-Control"] = "private, no-store"
    response["X-Content-Type-Options"] = "nosniff"
    return response


class RankingCsvView(RankingAccessMixin, View):
    def get(self, request, code):
        call = get_object_or_404(Call, code=code)
        content = exports.ranking_csv(exports.ranking_table(call, request.user))
        return download(content, content_type="text/csv; charset=utf-8", filename=exports.export_filename(call, "csv"))


class RankingXlsxView(RankingAccessMixin, View):
    def get(self, request, code):
        call = get_object_or_404(Call, code=code)
        content = exports.ranking_xlsx(exports.ranking_table(call, request.user))
        return download(
            content, content_type=ALLOWED_TYPES["xlsx"].mime_type, filename=exports.export_filename(call, "xlsx")
        )


class DocketView(RankingAccessMixin, View):
    def get(self, request, code):
        call = get_object_or_404(Call, code=code)
        content = exports.docket_pdf(exports.ranking_table(call, request.user))
        return download(
            content, content_type="application/pdf", filename=exports.docket_filename(call), as_attachment=False
        )


urlpatterns = [
    path("appels/<slug:code>/classement.csv", RankingCsvView.as_view(), name="ranking_csv"),
    path("appels/<slug:code>/classement.xlsx", RankingXlsxView.as_view(), name="ranking_xlsx"),
    path("appels/<slug:code>/ordre-du-jour.pdf", DocketView.as_view(), name="docket"),
]
