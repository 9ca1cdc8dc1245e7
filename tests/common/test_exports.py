"""Exports of the staff lists: file formats, scope and filters, and the background job for long lists."""

import csv
import io
import threading
from datetime import datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
from django.db import connection
from django.http import QueryDict
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from openpyxl import load_workbook

from applications.models import Application, ApplicationState, RequestedAmount
from common import exports
from common.models import ExportJob, ExportState
from tests.applications.test_staff_list import make_application
from tests.conftest import requires_postgresql
from tests.factories import CallFactory, MembershipFactory, UserFactory
from tests.reviews.test_decisions import restore_role_groups

pytestmark = pytest.mark.django_db

MONTREAL = ZoneInfo("America/Montreal")


def submitted(call=None, *, title="Projet", requested=("1234.56",), **fields) -> Application:
    submitted_at = fields.pop("submitted_at", datetime(2026, 11, 3, 14, 30, tzinfo=MONTREAL))
    application = make_application(
        call, title=title, state=fields.pop("state", ApplicationState.SUBMITTED), submitted_at=submitted_at, **fields
    )
    for year, amount in enumerate(requested, start=1):
        RequestedAmount.objects.create(application=application, project_year=year, amount=Decimal(amount))
    return application


def csv_rows(response) -> list[list[str]]:
    content = b"".join(response.streaming_content) if response.streaming else response.content
    assert content.startswith("\ufeff".encode())
    return list(csv.reader(io.StringIO(content.decode("utf-8-sig")), delimiter=";"))


def xlsx_rows(content: bytes) -> list[tuple]:
    sheet = load_workbook(io.BytesIO(content)).active
    return [tuple(cell for cell in row) for row in sheet.iter_rows()]


# Formats


def test_csv_has_french_headers_and_decimal_comma(client, officer):
    submitted(title="Pairs aidants", reference="ECI-2027-0001", requested=("1234.5", "1000"))
    client.force_login(officer)

    response = client.get(reverse("common:export", args=["demandes", "csv"]))

    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"].startswith('attachment; filename="Demandes ')
    header, row = csv_rows(response)
    assert header[:3] == ["Numéro de dossier", "Titre du projet", "Organisme"]
    assert row[0] == "ECI-2027-0001"
    assert row[header.index("Montant demandé")] == "2234,50"
    assert row[header.index("Date de dépôt")] == "2026-11-03 14:30"


def test_csv_quotes_a_text_read_as_formula(client, officer):
    submitted(title="=HYPERLINK(1)")
    client.force_login(officer)

    header, row = csv_rows(client.get(reverse("common:export", args=["demandes", "csv"])))

    assert row[header.index("Titre du projet")] == "'=HYPERLINK(1)"


def test_xlsx_keeps_numbers_and_dates_as_such(client, officer):
    submitted(title="=1+1", requested=("1234.56",))
    client.force_login(officer)

    response = client.get(reverse("common:export", args=["demandes", "xlsx"]))

    assert response.status_code == 200
    sheet = load_workbook(io.BytesIO(response.content)).active
    header = [cell.value for cell in sheet[1]]
    amount = sheet.cell(row=2, column=header.index("Montant demandé") + 1)
    assert amount.value == pytest.approx(1234.56)
    assert amount.data_type == "n"
    assert amount.number_format == '#,##0.00\\ "$"'
    submitted_on = sheet.cell(row=2, column=header.index("Date de dépôt") + 1)
    assert submitted_on.value == datetime(2026, 11, 3, 14, 30)
    assert submitted_on.number_format == "yyyy-mm-dd hh:mm"
    title = sheet.cell(row=2, column=header.index("Titre du projet") + 1)
    assert (title.value, title.data_type) == ("=1+1", "s")


def test_xlsx_columns_are_wide_enough(client, officer):
    submitted()
    client.force_login(officer)

    sheet = load_workbook(io.BytesIO(client.get(reverse("common:export", args=["demandes", "xlsx"])).content)).active

    widths = {cell.value: sheet.column_dimensions[cell.column_letter].width for cell in sheet[1]}
    assert widths["Titre du projet"] == 30
    assert widths["Montant demandé"] == 17
    assert widths["Date de dépôt"] == 17


def test_english_export_has_english_headers(client, officer, settings):
    submitted()
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    client.force_login(officer)

    header, _row = csv_rows(client.get(reverse("common:export", args=["demandes", "csv"])))

    assert header[0] == "Reference number"


# Scope and filters


def test_export_follows_the_list_filters(client, officer):
    call, other_call = CallFactory(), CallFactory()
    kept = submitted(call, reference="ECI-A-0001")
    submitted(other_call, reference="ECI-B-0001")
    client.force_login(officer)

    response = client.get(reverse("common:export", args=["demandes", "csv"]), {"call": call.pk})

    assert [row[0] for row in csv_rows(response)[1:]] == [kept.reference]


def test_invalid_filter_exports_no_row_rather_than_everything(client, officer):
    submitted()
    client.force_login(officer)

    response = client.get(reverse("common:export", args=["demandes", "csv"]), {"submitted_from": "demain"})

    assert csv_rows(response)[1:] == []


def test_organization_export_holds_only_its_own_files(client):
    mine = submitted(reference="ECI-2027-0001")
    submitted(reference="ECI-2027-0002")
    member = MembershipFactory(organization=mine.organization).user
    client.force_login(member)

    response = client.get(reverse("common:export", args=["demandes", "xlsx"]))

    rows = xlsx_rows(response.content)
    assert [row[0].value for row in rows[1:]] == ["ECI-2027-0001"]


@pytest.mark.parametrize("name", ["conventions", "rapports", "versements", "candidatures", "organismes"])
def test_staff_exports_answer_404_to_an_organization_member(client, representative, name):
    client.force_login(representative)

    assert client.get(reverse("common:export", args=[name, "csv"])).status_code == 404


@pytest.mark.parametrize("name", ["demandes", "conventions", "rapports", "versements", "candidatures", "organismes"])
def test_staff_exports_open_to_the_program_manager(client, manager, name):
    client.force_login(manager)

    response = client.get(reverse("common:export", args=[name, "xlsx"]))

    assert response.status_code == 200
    assert load_workbook(io.BytesIO(response.content)).active.max_row == 1


def test_unknown_list_or_format_answers_404(client, officer):
    client.force_login(officer)

    assert client.get(reverse("common:export", args=["inconnue", "csv"])).status_code == 404
    assert client.get(reverse("common:export", args=["demandes", "pdf"])).status_code == 404


def test_export_sends_anonymous_to_login(client):
    response = client.get(reverse("common:export", args=["demandes", "csv"]))

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:login"))


def export_query_count(client, user) -> int:
    client.force_login(user)
    with CaptureQueriesContext(connection) as queries:
        assert client.get(reverse("common:export", args=["demandes", "xlsx"])).status_code == 200
    return len(queries)


def test_export_query_count_same_for_one_and_three_rows(client, officer):
    submitted()
    one = export_query_count(client, officer)
    submitted()
    submitted()

    assert export_query_count(client, officer) == one


# Long lists: the background job


@pytest.fixture
def inline_limit_one(settings):
    settings.EXPORT_INLINE_MAX_ROWS = 1


def test_long_list_is_built_by_a_job_with_a_download_link(
    client, officer, inline_limit_one, django_capture_on_commit_callbacks
):
    for number in range(1, 4):
        submitted(reference=f"ECI-2027-{number:04}")
    client.force_login(officer)

    with django_capture_on_commit_callbacks(execute=True):
        response = client.get(reverse("common:export", args=["demandes", "csv"]), {"state": "submitted"})

    job = ExportJob.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("common:export_job", args=[job.pk])
    assert (job.state, job.total, job.processed, job.parameters) == (ExportState.DONE, 3, 3, "state=submitted")
    page = client.get(response["Location"])
    assert reverse("common:export_download", args=[job.pk]) in page.content.decode()
    download = client.get(reverse("common:export_download", args=[job.pk]))
    assert [row[0] for row in csv_rows(download)[1:]] == [
        "ECI-2027-0003",
        "ECI-2027-0002",
        "ECI-2027-0001",
    ]  # the list order


def test_job_progress_is_readable_while_it_waits(client, officer, inline_limit_one):
    submitted()
    submitted()
    client.force_login(officer)

    response = client.get(reverse("common:export", args=["demandes", "xlsx"]))

    job = ExportJob.objects.get()
    page = client.get(response["Location"])
    assert "<progress" in page.content.decode()
    assert reverse("common:export_download", args=[job.pk]) not in page.content.decode().split("hidden")[0]
    status = client.get(reverse("common:export_job_status", args=[job.pk])).json()
    assert status == {"state": "pending", "label": "En attente", "processed": 0, "total": 2, "percent": 0}
    assert client.get(reverse("common:export_download", args=[job.pk]))["Location"] == response["Location"]


def test_identical_requests_share_one_job(client, officer, inline_limit_one):
    submitted()
    submitted()
    client.force_login(officer)
    url = reverse("common:export", args=["demandes", "csv"])

    first = client.get(url, {"state": ["submitted"], "page": "2"})
    second = client.get(url, {"state": "submitted"})

    assert first["Location"] == second["Location"]
    assert ExportJob.objects.count() == 1


def test_task_delivered_twice_builds_the_file_once(officer, inline_limit_one):
    submitted()
    submitted()
    job = exports.request_export_job(
        user=officer, export=exports.get_export("demandes"), file_format="csv", parameters=QueryDict(), total=2
    )

    exports.build_export_task(job.pk)
    job.refresh_from_db()
    first_file, finished_at = job.file.name, job.finished_at
    exports.build_export_task(job.pk)
    job.refresh_from_db()

    assert (job.state, job.file.name, job.finished_at) == (ExportState.DONE, first_file, finished_at)


def test_job_is_rebuilt_with_the_scope_of_its_user(inline_limit_one):
    mine = submitted(reference="ECI-2027-0001")
    submitted(reference="ECI-2027-0002")
    member = MembershipFactory(organization=mine.organization).user
    job = exports.request_export_job(
        user=member, export=exports.get_export("demandes"), file_format="xlsx", parameters=QueryDict(), total=1
    )

    exports.build_export_task(job.pk)

    job.refresh_from_db()
    with job.file.open("rb") as handle:
        rows = xlsx_rows(handle.read())
    assert [row[0].value for row in rows[1:]] == ["ECI-2027-0001"]


def test_job_of_another_user_answers_404(client, officer, inline_limit_one):
    submitted()
    submitted()
    job = exports.request_export_job(
        user=officer, export=exports.get_export("demandes"), file_format="csv", parameters=QueryDict(), total=2
    )
    exports.build_export_task(job.pk)
    client.force_login(UserFactory(roles=["program_officer"]))

    for name in ("common:export_job", "common:export_job_status", "common:export_download"):
        assert client.get(reverse(name, args=[job.pk])).status_code == 404


def test_job_for_a_list_no_longer_open_fails_without_a_file(inline_limit_one):
    finance_user = UserFactory(roles=["finance_officer"])
    job = exports.request_export_job(
        user=finance_user, export=exports.get_export("conventions"), file_format="csv", parameters=QueryDict(), total=5
    )
    finance_user.groups.clear()

    exports.build_export_task(job.pk)

    job.refresh_from_db()
    assert (job.state, job.file.name) == (ExportState.FAILED, "")


def test_my_exports_lists_only_my_jobs(client, officer, manager, inline_limit_one):
    submitted()
    submitted()
    export = exports.get_export("demandes")
    exports.request_export_job(user=officer, export=export, file_format="csv", parameters=QueryDict(), total=2)
    theirs = exports.request_export_job(user=manager, export=export, file_format="csv", parameters=QueryDict(), total=2)
    client.force_login(officer)

    response = client.get(reverse("common:export_jobs"))

    assert len(response.context["jobs"]) == 1
    assert reverse("common:export_job", args=[theirs.pk]) not in response.content.decode()


@requires_postgresql
@pytest.mark.django_db(transaction=True)
def test_concurrent_identical_requests_create_one_job():
    # A transactional test starts from tables emptied by the previous one, role groups included.
    restore_role_groups()
    officer = UserFactory(roles=["program_officer"])
    export = exports.get_export("demandes")
    barrier = threading.Barrier(3)
    jobs, errors = [], []

    def request():
        try:
            barrier.wait()
            jobs.append(
                exports.request_export_job(
                    user=officer, export=export, file_format="xlsx", parameters=QueryDict("state=submitted"), total=9
                ).pk
            )
        except Exception as error:  # reported by the assertion below
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=request) for _ in range(3)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert errors == []
    assert len(set(jobs)) == 1
    assert ExportJob.objects.count() == 1
