"""The open-data export of approved projects: public, complete for approved files, free of personal information."""

import csv
import io
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from openpyxl import load_workbook

from accounts.models import User
from tests.factories import UserFactory
from tests.payments.conftest import approved_agreement, funded_call
from tests.reviews.test_ranking import evaluated_file

pytestmark = pytest.mark.django_db


def download(client, file_format):
    response = client.get(reverse("oversight:open_data_download", args=[file_format]))
    assert response.status_code == 200
    return response


def test_page_is_public_and_links_both_files(client):
    response = client.get(reverse("oversight:open_data"))

    assert response.status_code == 200
    content = response.content.decode()
    assert reverse("oversight:open_data_download", args=["csv"]) in content
    assert reverse("oversight:open_data_download", args=["xlsx"]) in content


def test_export_lists_approved_projects_with_amount_and_fiscal_years(client):
    call = funded_call()
    agreement = approved_agreement(("40000", "30000"), call=call)
    evaluated_file(call, ["50", "40"])  # evaluated, never approved

    rows = list(load_workbook(io.BytesIO(download(client, "xlsx").content)).active.iter_rows(values_only=True))

    header, *data = rows
    assert len(data) == 1
    row = dict(zip(header, data[0], strict=True))
    application = agreement.application
    assert row["Numéro de dossier"] == application.reference
    assert row["Organisme"] == application.organization.name
    assert Decimal(str(row["Montant accordé"])) == Decimal("70000")
    assert row["Exercices financiers des montants accordés"] == "2027-2028 ; 2028-2029"


def test_export_holds_no_personal_information(client):
    agreement = approved_agreement(("40000",))

    content = download(client, "csv").content.decode("utf-8-sig")

    people = User.objects.all()
    assert people.exists()
    for person in people:
        assert person.email not in content
        assert not person.last_name or person.last_name not in content
    assert agreement.application.reference in content
    header = next(csv.reader(io.StringIO(content), delimiter=";"))
    assert not {"Courriel", "Téléphone", "Mandataire"} & set(header)


def query_count(client) -> int:
    with CaptureQueriesContext(connection) as queries:
        download(client, "csv")
    return len(queries)


def test_query_count_same_for_one_and_three_projects(client):
    call = funded_call()
    approved_agreement(("40000",), call=call)
    one = query_count(client)
    approved_agreement(("40000",), call=call)
    approved_agreement(("40000",), call=call)

    assert query_count(client) == one


def test_unknown_format_answers_404(client):
    assert client.get(reverse("oversight:open_data_download", args=["pdf"])).status_code == 404


@pytest.mark.parametrize(("role", "shown"), [("program_manager", True), ("finance_officer", True), ("reviewer", False)])
def test_role_dashboard_offers_the_program_dashboard(client, role, shown):
    client.force_login(UserFactory(roles=[role]))

    response = client.get(reverse("accounts:dashboard"))

    templates = [panel.template for panel in response.context["panels"]]
    assert ("oversight/panels/oversight.html" in templates) is shown
