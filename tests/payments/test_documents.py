"""The agreement PDF and the payment notice, rendered by WeasyPrint and read back with poppler's tools."""

import shutil
import subprocess
from datetime import date
from decimal import Decimal

import pytest

from common.documents import generate_document
from payments import reports, services
from payments.models import InstallmentKind, ReportKind
from tests.payments.conftest import activate, approved_agreement, fill_and_submit, pay, representative_of

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.skipif(
        shutil.which("pdftotext") is None or shutil.which("pdftoppm") is None,
        reason="pdftotext and pdftoppm (poppler-utils) are not installed",
    ),
]

AGREEMENT = "payments.agreement"
PAYMENT_NOTICE = "payments.payment_notice"


def pdf_path(document):
    return document.file.path


def pdf_text(path, page: int | None = None) -> str:
    """The text of the PDF, or of one page, with every kind of space turned into an ordinary one."""
    pages = ["-f", str(page), "-l", str(page)] if page else []
    command = ["pdftotext", *pages, str(path), "-"]
    output = subprocess.run(command, capture_output=True, text=True, check=True).stdout
    for space in ("\u00a0", "\u202f"):
        output = output.replace(space, " ")
    return output


def page_count(path) -> int:
    output = subprocess.run(["pdfinfo", str(path)], capture_output=True, text=True, check=True).stdout
    return int(next(line for line in output.splitlines() if line.startswith("Pages:")).split()[1])


def render_pages(path, folder) -> list:
    """Render each page to a PNG at 60 dpi and return the files in page order."""
    subprocess.run(["pdftoppm", "-png", "-r", "60", str(path), str(folder / "page")], check=True)
    return sorted(folder.glob("page-*.png"))


@pytest.fixture
def three_year_agreement(decision_maker):
    """150 000 $ over three project years from 1 April 2027, so each year falls in one fiscal year."""
    return approved_agreement(("50000", "50000", "50000"), starts_on=date(2027, 4, 1), decision_maker=decision_maker)


def test_agreement_pdf_names_parties_and_project(three_year_agreement):
    application = three_year_agreement.application
    organization = application.organization

    text = pdf_text(pdf_path(generate_document(owner=three_year_agreement, kind=AGREEMENT)))

    assert three_year_agreement.reference in text
    assert "Ministère de la Famille" in text
    assert organization.name in text
    assert organization.neq in text
    assert representative_of(three_year_agreement).get_full_name() in text
    assert application.title in text
    assert "1er avril 2027" in text
    assert "31 mars 2030" in text


def test_agreement_pdf_amounts_in_french_format(three_year_agreement):
    text = pdf_text(pdf_path(generate_document(owner=three_year_agreement, kind=AGREEMENT)))

    # Granted by project year, and the total.
    assert text.count("50 000,00 $") >= 3
    assert "150 000,00 $" in text
    # Installments of 45 000 $ and the holdback of 15 000 $.
    assert text.count("45 000,00 $") >= 3
    assert "15 000,00 $" in text
    # Planned payments by fiscal year: one installment in each of the first three, the holdback in the fourth.
    for label in ("2027-2028", "2028-2029", "2029-2030", "2030-2031"):
        assert label in text
    assert "$45" not in text
    assert "45000" not in text


def test_agreement_pdf_schedule_and_calendar(three_year_agreement):
    text = pdf_text(pdf_path(generate_document(owner=three_year_agreement, kind=AGREEMENT)))

    # Planned dates of the installments: the start, then each progress report's due date, then the final one.
    for planned in ("1er avril 2027", "30 avril 2028", "30 avril 2029", "29 juin 2030"):
        assert planned in text
    # Progress reports are due 30 days after each project year; the final report 90 days after the end.
    due_dates = [report.due_on for report in three_year_agreement.reports.order_by("due_on")]
    assert due_dates == [date(2028, 4, 30), date(2029, 4, 30), date(2030, 4, 30), date(2030, 6, 29)]
    assert "30 avril 2030" in text
    assert "10 %" in text


def test_agreement_pdf_lists_conditions(three_year_agreement, officer):
    services.edit_conditions(
        agreement=three_year_agreement,
        actor=officer,
        conditions="L’organisme remet un bilan des ateliers.\nL’organisme invite le ministère au lancement.",
    )
    three_year_agreement.refresh_from_db()

    text = pdf_text(pdf_path(generate_document(owner=three_year_agreement, kind=AGREEMENT)))

    assert "L’organisme remet un bilan des ateliers." in text
    assert "L’organisme invite le ministère au lancement." in text


def test_agreement_pdf_three_years_fits_three_pages(three_year_agreement, tmp_path):
    path = pdf_path(generate_document(owner=three_year_agreement, kind=AGREEMENT))

    pages = render_pages(path, tmp_path)

    assert page_count(path) <= 3
    assert 1 <= len(pages) <= 3
    for page in pages:
        assert page.stat().st_size > 0


def test_agreement_pdf_signatures_not_alone(three_year_agreement):
    path = pdf_path(generate_document(owner=three_year_agreement, kind=AGREEMENT))
    last_page = pdf_text(path, page_count(path))

    # The signature block shares its page with the end of the agreement, never a page of its own.
    assert representative_of(three_year_agreement).get_full_name() in last_page
    assert "Toute somme versée et non utilisée aux fins du projet est remboursée au ministère." in last_page


def test_agreement_pdf_shows_signatures_once_signed(three_year_agreement, officer, decision_maker):
    agreement = activate(three_year_agreement, officer, decision_maker)

    text = pdf_text(pdf_path(generate_document(owner=agreement, kind=AGREEMENT)))

    assert "Camille Lavoie, Directrice générale" in text
    assert decision_maker.get_full_name() in text


def test_payment_notice_amount_date_reference(three_year_agreement, officer, decision_maker, finance, second_finance):
    agreement = activate(three_year_agreement, officer, decision_maker)
    first = agreement.installments.get(number=1)
    pay(first, finance, second_finance, paid_on=date(2026, 11, 16))
    first.refresh_from_db()

    text = pdf_text(pdf_path(generate_document(owner=first, kind=PAYMENT_NOTICE)))

    assert agreement.reference in text
    assert agreement.application.organization.name in text
    assert "45 000,00 $" in text
    assert "16 novembre 2026" in text
    assert "VIR-0001" in text
    assert "150 000,00 $" in text


def test_payment_notice_of_holdback_counts_paid_to_date(officer, decision_maker, finance, second_finance):
    agreement = activate(approved_agreement(("40000",), decision_maker=decision_maker), officer, decision_maker)
    pay(agreement.installments.get(number=1), finance, second_finance)
    fill_and_submit(agreement.reports.get(kind=ReportKind.PROGRESS))
    reports.accept_report(report=agreement.reports.get(kind=ReportKind.PROGRESS), actor=officer)
    final = agreement.reports.get(kind=ReportKind.FINAL)
    fill_and_submit(final, expenses=Decimal("40000"))
    reports.accept_report(report=final, actor=officer, eligible_expenses=Decimal("40000"))
    holdback = agreement.installments.get(kind=InstallmentKind.HOLDBACK)
    pay(holdback, finance, second_finance)
    holdback.refresh_from_db()

    text = pdf_text(pdf_path(generate_document(owner=holdback, kind=PAYMENT_NOTICE)))

    assert "4 000,00 $" in text
    # Paid to date: 36 000 $ and the holdback of 4 000 $.
    assert text.count("40 000,00 $") == 2
