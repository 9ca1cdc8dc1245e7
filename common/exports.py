"""CSV and XLSX exports of the staff lists.

Each app declares its lists in its own `exports.py` with `register_export(ListExport(...))`, so that this
module imports no app. A list export names its columns and builds its rows from the user and the list's
query string. It applies the list page's scope (`visible_to`) and filters (django-filter), so an export
contains exactly the rows the page shows, on every page.

Up to EXPORT_INLINE_MAX_ROWS rows, the file is built during the request. Above that, an ExportJob is queued
and a Celery task builds the file, with the progress shown on the job's page (common.export_views).

The CSV targets Excel in French locales: UTF-8 with a BOM, « ; » between cells and a decimal comma. XLSX cells
keep numbers, amounts and dates as such, with number formats that Excel shows as « 1 234,56 $ » in French.
"""

from __future__ import annotations

import csv
import datetime
import io
import logging
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from decimal import Decimal
from enum import Enum
from types import SimpleNamespace

from celery import shared_task
from django.conf import settings
from django.core.files.base import ContentFile
from django.db import IntegrityError, transaction
from django.db.models import QuerySet
from django.http import QueryDict
from django.utils import timezone, translation
from django.utils.module_loading import autodiscover_modules
from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter

from common.models import ExportFormat, ExportJob, ExportState

logger = logging.getLogger(__name__)

# A spreadsheet reads a cell that starts with one of these as a formula (CSV injection).
FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")
PROGRESS_EVERY = 250
# A running job whose worker died is taken again after this delay.
STALE_AFTER = datetime.timedelta(minutes=30)


class Kind(Enum):
    """The type of a column's values, which sets their XLSX number format and their CSV text."""

    TEXT = ""
    INTEGER = "#,##0"
    DECIMAL = "#,##0.00"
    MONEY = '#,##0.00\\ "$"'
    DATE = "yyyy-mm-dd"
    DATETIME = "yyyy-mm-dd hh:mm"


@dataclass(frozen=True)
class Column:
    header: str  # a lazy translation, rendered in the export's language
    value: Callable[[object], object]
    kind: Kind = Kind.TEXT


@dataclass(frozen=True)
class ListExport:
    """A staff list that can be exported.

    `rows(user, parameters)` returns the queryset the list page would show `user` for the query string
    `parameters`, or None when the user may not see the list at all (the view then returns 404).
    """

    name: str
    title: str  # a lazy translation, used in the file name
    columns: Sequence[Column]
    rows: Callable[[object, QueryDict], QuerySet | None]


_exports: dict[str, ListExport] = {}
_discovered = False


def register_export(export: ListExport) -> ListExport:
    _exports[export.name] = export
    return export


def get_export(name: str) -> ListExport | None:
    global _discovered
    if not _discovered:
        autodiscover_modules("exports")
        _discovered = True
    return _exports.get(name)


def filtered_rows(filterset_class, parameters: QueryDict, queryset: QuerySet, user) -> QuerySet:
    """Filter `queryset` as the list page does: invalid filters give no rows rather than a wider list.

    Filter sets read `request.user` for their choices; a job built in a worker has no request, so both
    paths pass the user the same way.
    """
    filterset = filterset_class(parameters or None, queryset=queryset, request=SimpleNamespace(user=user))
    if filterset.is_bound and not filterset.is_valid():
        return queryset.none()
    return filterset.qs


def normalised_parameters(parameters: QueryDict) -> str:
    """Return the query string without the page number, sorted, so that equal filters give equal strings."""
    kept = QueryDict(mutable=True)
    for key in sorted(parameters):
        if key == "page":
            continue
        values = [value for value in parameters.getlist(key) if value != ""]
        if values:
            kept.setlist(key, sorted(values))
    return kept.urlencode()


def export_filename(export: ListExport, file_format: str) -> str:
    return f"{export.title} {timezone.localdate():%Y-%m-%d}.{file_format}"


# Values


def _plain(value):
    """Turn a value into what a cell contains: text, int, Decimal, date or naive local datetime, or None."""
    if isinstance(value, bool):
        return _("Yes") if value else _("No")
    if isinstance(value, datetime.datetime):
        return timezone.localtime(value).replace(tzinfo=None) if timezone.is_aware(value) else value
    if value is None or isinstance(value, (str, int, Decimal, datetime.date)):
        return value
    if isinstance(value, float):
        return Decimal(str(value))
    return str(value)


def csv_text(value) -> str:
    """Write a cell for a French Excel: decimal comma, ISO dates, and a quote before a formula-like text."""
    value = _plain(value)
    if value is None:
        return ""
    if isinstance(value, Decimal):
        return f"{value:.2f}".replace(".", ",")
    if isinstance(value, datetime.datetime):
        return f"{value:%Y-%m-%d %H:%M}"
    if isinstance(value, datetime.date):
        return f"{value:%Y-%m-%d}"
    text = str(value)
    return f"'{text}" if text.startswith(FORMULA_PREFIXES) else text


def _values(export: ListExport, rows: Iterable) -> Iterator[list]:
    for row in rows:
        yield [_plain(column.value(row)) for column in export.columns]


def _counting(rows: Iterable, on_progress: Callable[[int], None] | None) -> Iterator:
    count = 0
    for count, row in enumerate(rows, start=1):
        yield row
        if on_progress and count % PROGRESS_EVERY == 0:
            on_progress(count)
    if on_progress:
        on_progress(count)


def write_csv(export: ListExport, rows: Iterable, on_progress=None) -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=";", lineterminator="\r\n")
    writer.writerow([str(column.header) for column in export.columns])
    for values in _values(export, _counting(rows, on_progress)):
        writer.writerow([csv_text(value) for value in values])
    return buffer.getvalue().encode("utf-8-sig")


def write_xlsx(export: ListExport, rows: Iterable, on_progress=None) -> bytes:
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(str(export.title)[:31])
    sheet.freeze_panes = "A2"
    # A write-only sheet takes its widths before its rows, so they come from each header and kind, not the values.
    for index, column in enumerate(export.columns, start=1):
        sheet.column_dimensions[get_column_letter(index)].width = column_width(column)
    header = []
    for column in export.columns:
        cell = WriteOnlyCell(sheet, value=str(column.header))
        cell.font = Font(bold=True)
        header.append(cell)
    sheet.append(header)
    for values in _values(export, _counting(rows, on_progress)):
        sheet.append([_xlsx_cell(sheet, column, value) for column, value in zip(export.columns, values, strict=True)])
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


# Widths in characters of the default font, wide enough for the values of each kind.
KIND_WIDTHS = {Kind.TEXT: 30, Kind.INTEGER: 10, Kind.DECIMAL: 12, Kind.MONEY: 16, Kind.DATE: 12, Kind.DATETIME: 17}
MAX_COLUMN_WIDTH = 60


def column_width(column: Column) -> int:
    """Return the XLSX width of `column`: its kind's, or its header's length when that is wider."""
    return min(max(KIND_WIDTHS[column.kind], len(str(column.header)) + 2), MAX_COLUMN_WIDTH)


def _xlsx_cell(sheet, column: Column, value) -> WriteOnlyCell:
    cell = WriteOnlyCell(sheet, value=value)
    if isinstance(value, str):
        # openpyxl would store a text that starts with « = » as a formula.
        cell.data_type = "s"
    elif value is not None and column.kind is not Kind.TEXT:
        cell.number_format = column.kind.value
    elif isinstance(value, datetime.datetime):
        cell.number_format = Kind.DATETIME.value
    elif isinstance(value, datetime.date):
        cell.number_format = Kind.DATE.value
    return cell


WRITERS = {ExportFormat.CSV: write_csv, ExportFormat.XLSX: write_xlsx}
CONTENT_TYPES = {
    ExportFormat.CSV: "text/csv; charset=utf-8",
    ExportFormat.XLSX: "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}


def build(export: ListExport, queryset: QuerySet, file_format: str, on_progress=None) -> bytes:
    return WRITERS[file_format](export, queryset.iterator(chunk_size=1000), on_progress)


# Jobs


def request_export_job(*, user, export: ListExport, file_format: str, parameters: QueryDict, total: int) -> ExportJob:
    """Queue the export for `user`, or return the identical one already in progress.

    Two identical requests at once give one job: the partial unique constraint refuses the second, which
    then returns the first.
    """
    fields = {
        "user": user,
        "export_name": export.name,
        "file_format": file_format,
        "parameters": normalised_parameters(parameters),
    }
    existing = ExportJob.objects.filter(**fields, state__in=[ExportState.PENDING, ExportState.RUNNING]).first()
    if existing:
        return existing
    try:
        with transaction.atomic():
            job = ExportJob.objects.create(**fields, language=translation.get_language() or "fr", total=total)
    except IntegrityError:
        return ExportJob.objects.get(**fields, state__in=[ExportState.PENDING, ExportState.RUNNING])
    logger.info("Export %s queued for user %s (%s rows).", job.pk, user.pk, total)
    transaction.on_commit(lambda: build_export_task.delay(job.pk))
    return job


def _claim(job_id: int) -> bool:
    """Mark the job running if it is waiting (or its worker died); False when another run has it or it is done."""
    now = timezone.now()
    waiting = ExportJob.objects.filter(pk=job_id, state=ExportState.PENDING)
    stale = ExportJob.objects.filter(pk=job_id, state=ExportState.RUNNING, started_at__lt=now - STALE_AFTER)
    return bool(
        waiting.update(state=ExportState.RUNNING, started_at=now, processed=0)
        or stale.update(started_at=now, processed=0)
    )


def run_export_job(job_id: int) -> None:
    """Build the job's file once; a second delivery of the task finds it taken or done and does nothing."""
    if not _claim(job_id):
        logger.info("Export %s is already taken or finished; nothing to do.", job_id)
        return
    job = ExportJob.objects.select_related("user").get(pk=job_id)
    export = get_export(job.export_name)
    with translation.override(job.language):
        queryset = export.rows(job.user, QueryDict(job.parameters)) if export else None
        if queryset is None:
            ExportJob.objects.filter(pk=job.pk).update(state=ExportState.FAILED, finished_at=timezone.now())
            logger.warning("Export %s failed: the list is no longer open to user %s.", job.pk, job.user_id)
            return
        total = queryset.count()
        ExportJob.objects.filter(pk=job.pk).update(total=total)

        def on_progress(processed):
            ExportJob.objects.filter(pk=job.pk).update(processed=processed)

        content = build(export, queryset, job.file_format, on_progress)
        filename = export_filename(export, job.file_format)
    job.file.save(filename, ContentFile(content), save=False)
    ExportJob.objects.filter(pk=job.pk).update(
        file=job.file.name, filename=filename, state=ExportState.DONE, processed=total, finished_at=timezone.now()
    )
    logger.info("Export %s done: %s rows.", job.pk, total)


@shared_task(name="common.build_export")
def build_export_task(job_id: int) -> None:
    try:
        run_export_job(job_id)
    except Exception:
        # The job's page shows the failure so the user can request the export again. A retry of the same
        # delivery would fail the same way.
        ExportJob.objects.filter(pk=job_id).update(state=ExportState.FAILED, finished_at=timezone.now())
        logger.exception("Export %s failed.", job_id)


def inline_limit() -> int:
    return settings.EXPORT_INLINE_MAX_ROWS
