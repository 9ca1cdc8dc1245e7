"""Exports of the ranking (CSV, XLSX) and the committee docket in PDF: figures, masking and access."""

import csv
import io
from decimal import Decimal

import pytest
from django.urls import reverse
from openpyxl import load_workbook
from pypdf import PdfReader

from grants.models import Envelope
from reviews.models import Affiliation, ConflictKind
from reviews.ranking import rank_call
from tests.factories import CallFactory, UserFactory
from tests.reviews.test_ranking import add_review, evaluated_file, reviewer_with_totals

pytestmark = pytest.mark.django_db


@pytest.fixture
def call():
    call = CallFactory(code="ECI-2027", passing_score=Decimal("60"))
    Envelope.objects.filter(call=call).delete()
    Envelope.objects.create(call=call, fiscal_year="2027-2028", amount=Decimal("100000"))
    Envelope.objects.create(call=call, fiscal_year="2028-2029", amount=Decimal("70000"))
    return call


@pytest.fixture
def files(call):
    """Three ranked files; project years start on 1 July, so year 1 is 2027-2028 and year 2 is 2028-2029."""
    return [
        evaluated_file(call, ["90", "80"], requested=["60000", "40000"], title="Pairs aidants"),
        evaluated_file(call, ["80", "70"], requested=["40000", "40000"], title="Cour d’école"),
        evaluated_file(call, ["50"], requested=["1000.5"], title="Sous le seuil"),
    ]


@pytest.fixture
def committee_member():
    return UserFactory(roles=["committee_member"])


def url(name, call):
    return reverse(f"reviews:{name}", kwargs={"code": call.code})


def csv_rows(response):
    content = response.content
    assert content.startswith(b"\xef\xbb\xbf")
    return list(csv.reader(io.StringIO(content.decode("utf-8-sig")), delimiter=";"))


def comma(value: Decimal) -> str:
    return f"{value:.2f}".replace(".", ",")


def test_csv_has_the_figures_of_the_ranking(client, call, files, officer):
    client.force_login(officer)

    response = client.get(url("ranking_csv", call))

    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    assert response["Content-Disposition"] == (
        "attachment; filename=\"Classement ECI-2027.csv\"; filename*=UTF-8''Classement%20ECI-2027.csv"
    )
    rows = csv_rows(response)
    assert rows[0][:2] == ["Rank", "Reference number"]
    assert rows[0][7] == "Normalised score (information only)"
    assert rows[0][10:12] == ["Requested 2027-2028", "Requested 2028-2029"]
    ranking = rank_call(call)
    assert [row[1] for row in rows[1:]] == [item.application.reference for item in ranking.files]
    for row, item in zip(rows[1:], ranking.files, strict=True):
        assert row[0] == str(item.rank)
        assert row[2] == item.application.title
        assert row[3] == item.application.organization.name
        assert row[4] == comma(item.score)
        assert row[5] == comma(item.statistics.median)
        assert row[6] == comma(item.statistics.spread)
        assert row[7] == ""  # each reviewer has a single review, too few to normalise
        assert row[8] == ("Yes" if item.passes else "No")
        assert row[9] == ("Yes" if item.within_envelope else "No")
        amounts = [item.amounts_by_fiscal_year.get(label) for label in ranking.fiscal_years]
        assert row[10:12] == [comma(amount) if amount is not None else "" for amount in amounts]
    assert rows[1][4:12] == ["85,00", "85,00", "10,00", "", "Yes", "Yes", "60000,00", "40000,00"]
    assert rows[2][9] == "No"
    assert rows[3][10:12] == ["1000,50", ""]


def test_xlsx_has_numeric_figures(client, call, files, officer):
    client.force_login(officer)

    response = client.get(url("ranking_xlsx", call))

    assert response.status_code == 200
    assert "filename*=UTF-8''Classement%20ECI-2027.xlsx" in response["Content-Disposition"]
    sheet = load_workbook(io.BytesIO(response.content)).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][:3] == ("Rank", "Reference number", "Project title")
    ranking = rank_call(call)
    assert len(rows) == 1 + len(ranking.files)
    for row, item in zip(rows[1:], ranking.files, strict=True):
        assert row[:4] == (
            item.rank,
            item.application.reference,
            item.application.title,
            item.application.organization.name,
        )
        assert Decimal(str(row[4])) == item.score
        amounts = [item.amounts_by_fiscal_year.get(label) for label in ranking.fiscal_years]
        assert [None if value is None else Decimal(str(value)) for value in row[10:12]] == amounts
    assert isinstance(rows[1][10], (int, float))
    assert sheet.cell(row=2, column=11).number_format == "#,##0.00"


def conflicted_with(committee_member, application):
    Affiliation.objects.create(
        reviewer=committee_member, organization=application.organization, kind=ConflictKind.BOARD_MEMBER
    )


def test_csv_masks_the_row_of_a_conflicted_member(client, call, files, committee_member):
    conflicted_with(committee_member, files[0])
    client.force_login(committee_member)

    rows = csv_rows(client.get(url("ranking_csv", call)))

    masked = rows[1]
    assert masked[:3] == ["1", files[0].reference, "Conflict of interest"]
    assert all(cell == "" for cell in masked[3:])
    text = ";".join(";".join(row) for row in rows)
    assert "Pairs aidants" not in text
    assert files[0].organization.name not in text
    assert "85,00" not in text
    assert "60000,00" not in text
    assert rows[2][2] == "Cour d’école"


def test_xlsx_masks_the_row_of_a_conflicted_member(client, call, files, committee_member):
    conflicted_with(committee_member, files[0])
    client.force_login(committee_member)

    response = client.get(url("ranking_xlsx", call))

    rows = list(load_workbook(io.BytesIO(response.content)).active.iter_rows(values_only=True))
    assert rows[1][:3] == (1, files[0].reference, "Conflict of interest")
    assert all(cell is None for cell in rows[1][3:])
    assert rows[2][2] == "Cour d’école"


def pdf_text(response) -> str:
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(response.content)).pages)


def test_docket_lists_the_files_in_rank_order(client, call, files, officer):
    client.force_login(officer)

    response = client.get(url("docket", call))

    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"].startswith('inline; filename="Ordre du jour du comite ECI-2027.pdf"')
    text = pdf_text(response)
    positions = [text.index(item.application.reference) for item in rank_call(call).files]
    assert positions == sorted(positions)
    assert "Ordre du jour du comité" in text
    assert "Pairs aidants" in text
    assert "85,00" in text
    assert "2028-2029" in text


def test_docket_masks_the_row_of_a_conflicted_member(client, call, files, committee_member):
    conflicted_with(committee_member, files[0])
    client.force_login(committee_member)

    text = pdf_text(client.get(url("docket", call)))

    assert files[0].reference in text
    assert "Conflit d’intérêts" in text
    assert "Pairs aidants" not in text
    assert files[0].organization.name not in text
    assert "85,00" not in text
    assert "Cour d’école" in text


@pytest.mark.parametrize("name", ["ranking_csv", "ranking_xlsx", "docket"])
def test_exports_give_a_reviewer_a_404(client, call, files, name):
    client.force_login(UserFactory(roles=["reviewer"]))

    assert client.get(url(name, call)).status_code == 404


@pytest.mark.parametrize("name", ["ranking_csv", "ranking_xlsx", "docket"])
def test_exports_give_an_organization_member_a_404(client, call, files, name):
    client.force_login(files[0].created_by)

    assert client.get(url(name, call)).status_code == 404


@pytest.mark.parametrize("name", ["ranking_csv", "ranking_xlsx", "docket"])
def test_exports_send_an_anonymous_visitor_to_the_login(client, call, name):
    assert client.get(url(name, call)).status_code == 302


def test_ranking_page_links_to_the_exports(client, call, officer):
    client.force_login(officer)

    content = client.get(url("ranking", call)).content.decode()

    assert url("ranking_csv", call) in content
    assert url("ranking_xlsx", call) in content
    assert url("docket", call) in content


# The normalised score


@pytest.fixture
def normalised_file(call):
    """A ranked file whose two reviewers can be normalised: its normalised score is 0.35, as in test_ranking."""
    other_call = CallFactory(code="ECI-2026")
    first = reviewer_with_totals(other_call, ["60", "65", "70", "75"])
    second = reviewer_with_totals(other_call, ["50", "70", "80", "90"])
    application = evaluated_file(call, [], requested=["5000"], title="Dossier normalisé")
    add_review(application, first, "80")
    add_review(application, second, "60")
    return application


def test_csv_has_the_normalised_score(client, call, normalised_file, officer):
    client.force_login(officer)

    rows = csv_rows(client.get(url("ranking_csv", call)))

    row = next(row for row in rows if row[1] == normalised_file.reference)
    assert rows[0][7] == "Normalised score (information only)"
    assert row[7] == "0,35"
    assert rank_call(call).file_of(normalised_file.pk).normalised == Decimal("0.35")


def test_xlsx_has_the_normalised_score(client, call, normalised_file, officer):
    client.force_login(officer)

    response = client.get(url("ranking_xlsx", call))

    rows = list(load_workbook(io.BytesIO(response.content)).active.iter_rows(values_only=True))
    row = next(row for row in rows if row[1] == normalised_file.reference)
    assert rows[0][7] == "Normalised score (information only)"
    assert Decimal(str(row[7])) == Decimal("0.35")


def test_docket_has_the_normalised_score(client, call, normalised_file, officer):
    client.force_login(officer)

    text = pdf_text(client.get(url("docket", call)))

    assert normalised_file.reference in text
    assert "0,35" in text


def test_exports_mask_the_normalised_score(client, call, normalised_file, committee_member):
    conflicted_with(committee_member, normalised_file)
    client.force_login(committee_member)

    csv_text = client.get(url("ranking_csv", call)).content.decode("utf-8-sig")
    xlsx = load_workbook(io.BytesIO(client.get(url("ranking_xlsx", call)).content)).active
    docket = pdf_text(client.get(url("docket", call)))

    assert "0,35" not in csv_text
    xlsx_row = next(row for row in xlsx.iter_rows(values_only=True) if row[1] == normalised_file.reference)
    assert xlsx_row[2] == "Conflict of interest"
    assert all(cell is None for cell in xlsx_row[3:])
    assert normalised_file.reference in docket
    assert "Conflit d’intérêts" in docket
    assert "0,35" not in docket
