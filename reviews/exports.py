"""Exports of a call's ranking (CSV and XLSX tables and the committee docket in PDF), and of a reviewer's list.

Every export is built from rank_call, so its figures are those of the ranking page, and from the same
masking rule: a committee member in conflict with a file's organization gets only its rank and reference.
The CSV targets Excel in French locales: UTF-8 with a BOM, « ; » between cells and a decimal comma.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from openpyxl import Workbook
from openpyxl.styles import Font

from accounts.models import Role
from common.documents import render_pdf
from common.exports import Column, Kind, ListExport, csv_text, register_export
from grants.models import Call
from reviews import committee, selectors
from reviews.ranking import RankedFile, Ranking, rank_call

DOCKET_LANGUAGE = "fr"
CENT = Decimal("0.01")


@dataclass
class ExportRow:
    rank: int
    reference: str
    conflicted: bool
    file: RankedFile | None = None  # None when the row is masked
    amounts: list[Decimal | None] = field(default_factory=list)  # one per fiscal year of the ranking

    @property
    def recommendation(self) -> str:
        recommendation = self.file.recommendation if self.file else None
        return recommendation.get_decision_display() if recommendation else ""


@dataclass
class RankingTable:
    call: Call
    ranking: Ranking
    rows: list[ExportRow]


def ranking_table(call: Call, user) -> RankingTable:
    """Rank the call and mask the files whose organization `user`, as a committee member, is in conflict with."""
    ranking = rank_call(call)
    is_member = user.has_role(Role.COMMITTEE_MEMBER)
    conflicted = committee.conflicted_organization_ids(user) if is_member else set()
    rows = []
    for item in ranking.files:
        reference = item.application.reference
        if item.application.organization_id in conflicted:
            rows.append(ExportRow(rank=item.rank, reference=reference, conflicted=True))
            continue
        amounts = [item.amounts_by_fiscal_year.get(label) for label in ranking.fiscal_years]
        rows.append(ExportRow(rank=item.rank, reference=reference, conflicted=False, file=item, amounts=amounts))
    return RankingTable(call=call, ranking=ranking, rows=rows)


def export_filename(call: Call, extension: str) -> str:
    return f"Classement {call.code}.{extension}"


def docket_filename(call: Call) -> str:
    return f"Ordre du jour du comité {call.code}.pdf"


def two_places(value: Decimal | None) -> Decimal | None:
    return None if value is None else Decimal(value).quantize(CENT, rounding=ROUND_HALF_UP)


def header(table: RankingTable) -> list[str]:
    return [
        _("Rank"),
        _("Reference number"),
        _("Project title"),
        _("Organization"),
        _("Score (mean)"),
        _("Median"),
        _("Spread"),
        _("Normalised score (information only)"),
        _("Passing score reached"),
        _("Within the budget envelope"),
        *[_("Requested %(label)s") % {"label": label} for label in table.ranking.fiscal_years],
        _("Committee recommendation"),
    ]


def cells(row: ExportRow, fiscal_years: int) -> list:
    """Return the row's values: Decimals for the figures, text elsewhere, None for an empty cell."""
    if row.conflicted:
        return [row.rank, row.reference, _("Conflict of interest"), *[None] * (8 + fiscal_years)]
    item = row.file
    statistics = item.statistics
    return [
        row.rank,
        row.reference,
        item.application.title,
        item.application.organization.name,
        two_places(statistics.mean),
        two_places(statistics.median),
        two_places(statistics.spread),
        two_places(item.normalised),
        _("Yes") if item.passes else _("No"),
        _("Yes") if item.within_envelope else _("No"),
        *[two_places(amount) for amount in row.amounts],
        row.recommendation,
    ]


def ranking_csv(table: RankingTable) -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=";", lineterminator="\r\n")
    writer.writerow(header(table))
    fiscal_years = len(table.ranking.fiscal_years)
    for row in table.rows:
        writer.writerow([csv_text(value) for value in cells(row, fiscal_years)])
    return buffer.getvalue().encode("utf-8-sig")


def ranking_xlsx(table: RankingTable) -> bytes:
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = _("Ranking")[:31]
    sheet.append(header(table))
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    fiscal_years = len(table.ranking.fiscal_years)
    for row in table.rows:
        sheet.append(cells(row, fiscal_years))
        for cell in sheet[sheet.max_row]:
            if isinstance(cell.value, Decimal):
                cell.number_format = "#,##0.00"
            elif isinstance(cell.value, str):
                # openpyxl would store a text that starts with « = » as a formula.
                cell.data_type = "s"
    sheet.freeze_panes = "C2"
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def docket_pdf(table: RankingTable) -> bytes:
    """Render the committee docket in French: the funding line by fiscal year and the masked ranking."""
    with translation.override(DOCKET_LANGUAGE):
        context = {
            "call": table.call,
            "ranking": table.ranking,
            "rows": table.rows,
            "masked_colspan": 9 + len(table.ranking.fiscal_years),
            # As on the ranking page: the sums committed would reveal a masked file's amounts.
            "hide_commitments": any(row.conflicted for row in table.rows),
            "generated_at": timezone.localtime(),
        }
    return render_pdf(template_name="pdf/reviews/docket.html", context=context, language=DOCKET_LANGUAGE)


# The reviewer's list of assignments: their own only, as on « My review assignments ».


def assignment_rows(user, parameters):
    return selectors.my_assignments(user).order_by("due_on", "pk")


register_export(
    ListExport(
        name="affectations",
        title=gettext_lazy("My review assignments"),
        rows=assignment_rows,
        columns=[
            Column(gettext_lazy("Reference number"), lambda a: a.application.reference),
            Column(gettext_lazy("Project title"), lambda a: a.application.title),
            Column(gettext_lazy("Organization"), lambda a: a.application.organization.name),
            Column(gettext_lazy("Call for projects"), lambda a: a.application.call.code),
            Column(gettext_lazy("Due date"), lambda a: a.due_on, Kind.DATE),
            Column(gettext_lazy("State"), lambda a: a.get_state_display()),
        ],
    )
)
