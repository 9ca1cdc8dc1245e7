"""The PDF documents of an application, produced through the services and read back as text."""

import hashlib
import io
import shutil
import subprocess
import unicodedata
from datetime import UTC, datetime, timedelta
from decimal import Decimal

import pytest
from django.utils import timezone, translation
from pypdf import PdfReader

from accounts.models import Organization
from applications import services
from applications.models import (
    Application,
    BudgetLine,
    InadmissibilityReason,
    RequestedAmount,
    Revenue,
    Section,
)
from common.documents import generate_document
from common.models import Document
from common.money import format_money
from common.templatetags.formats import long_date
from tests.applications.factories import ApplicationFactory, complete_application
from tests.factories import MembershipFactory, UserFactory

pytestmark = pytest.mark.django_db

# "Maison des jeunes de Lévis" typed with combining accents, as some keyboards and PDFs produce it.
DECOMPOSED_NAME = "Maison des jeunes de Le\u0301vis – E\u0301cole et communaute\u0301"
COMPOSED_NAME = "Maison des jeunes de Lévis – École et communauté"
# 5 March 2027 at 19:12 UTC is 14:12 in Montréal (EST, UTC−5).
SUBMITTED_AT = datetime(2027, 3, 5, 19, 12, tzinfo=UTC)
ALL_KINDS = [
    "applications.receipt",
    "applications.summary",
    "applications.information_request",
    "applications.inadmissibility_letter",
]


def normalize(text: str) -> str:
    """Collapse every run of whitespace, including U+00A0 and U+202F, into one ordinary space."""
    return " ".join(text.split())


def pdf_bytes(document: Document) -> bytes:
    with document.file.open("rb") as handle:
        return handle.read()


def pdf_pages(document: Document) -> list[str]:
    return [normalize(page.extract_text()) for page in PdfReader(io.BytesIO(pdf_bytes(document))).pages]


def pdf_text(document: Document) -> str:
    return " ".join(pdf_pages(document))


def french_money(amount: Decimal) -> str:
    return normalize(format_money(amount, "fr"))


def representative_of(application: Application):
    return application.organization.memberships.get(is_representative=True).user


def submit(application: Application, capture) -> Application:
    """Submit through the service, run the queued PDF tasks, and pin the submission instant."""
    with capture(execute=True):
        services.submit_application(application=application, actor=representative_of(application))
    Application.objects.filter(pk=application.pk).update(submitted_at=SUBMITTED_AT)
    application.refresh_from_db()
    return application


@pytest.fixture
def draft():
    application = complete_application(ApplicationFactory())
    Organization.objects.filter(pk=application.organization_id).update(name=DECOMPOSED_NAME)
    application.refresh_from_db()
    return application


@pytest.fixture
def submitted(draft, django_capture_on_commit_callbacks):
    return submit(draft, django_capture_on_commit_callbacks)


@pytest.fixture
def incomplete(submitted, officer, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        services.take_charge(application=submitted, actor=officer)
        services.request_information(
            application=submitted,
            actor=officer,
            sections=[Section.BUDGET, Section.DOCUMENTS],
            items="Joindre la lettre d’appui de la commission scolaire.\nPréciser le salaire horaire de l’animatrice.",
            respond_by=timezone.localdate() + timedelta(days=21),
        )
    submitted.refresh_from_db()
    return submitted


@pytest.fixture
def inadmissible(submitted, officer, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        services.take_charge(application=submitted, actor=officer)
        services.declare_inadmissible(
            application=submitted,
            actor=officer,
            reason_code=InadmissibilityReason.APPLICANT_NOT_ELIGIBLE,
            details="L’organisme compte moins de deux ans d’activité à la date limite de l’appel.",
        )
    submitted.refresh_from_db()
    return submitted


# --- Storage ----------------------------------------------------------------------------------------


def test_submission_stores_receipt_and_summary(submitted):
    documents = Document.objects.filter(object_id=str(submitted.pk))

    assert set(documents.values_list("kind", flat=True)) == {"applications.receipt", "applications.summary"}
    for document in documents:
        assert document.version == 1
        assert document.language == "fr"
        assert document.created_by == representative_of(submitted)
        assert document.sha256 == hashlib.sha256(pdf_bytes(document)).hexdigest()
        assert document.size == len(pdf_bytes(document))


def test_generate_again_adds_version(submitted):
    document = generate_document(owner=submitted, kind="applications.receipt")

    assert document.version == 2
    assert Document.objects.filter(object_id=str(submitted.pk), kind="applications.receipt").count() == 2


def test_file_names_keep_accents(submitted):
    receipt = generate_document(owner=submitted, kind="applications.receipt")
    summary = generate_document(owner=submitted, kind="applications.summary")

    assert receipt.filename == f"Accusé de réception {submitted.reference}.pdf"
    assert summary.filename == f"Demande {submitted.reference}.pdf"
    assert unicodedata.is_normalized("NFC", receipt.filename)


def test_summary_of_draft_named_by_pk(draft):
    document = generate_document(owner=draft, kind="applications.summary")

    assert document.filename == f"Demande brouillon {draft.pk}.pdf"
    assert "Brouillon non transmis" in pdf_text(document)


# --- Receipt ----------------------------------------------------------------------------------------


def test_receipt_states_what_was_received(submitted):
    text = pdf_text(generate_document(owner=submitted, kind="applications.receipt"))

    assert "Accusé de réception de votre demande d’aide financière" in text
    assert submitted.reference in text
    assert "Brigades de pairs aidants contre la cyberintimidation" in text
    assert "le 5 mars 2027 à 14 h 12 (heure de Montréal)" in text
    assert representative_of(submitted).get_full_name() in text
    assert "Appel de projets" in text
    assert "est celle à laquelle le Ministère a reçu votre dossier complet" in text


def test_receipt_composes_decomposed_name(submitted):
    text = pdf_text(generate_document(owner=submitted, kind="applications.receipt"))

    assert COMPOSED_NAME in text
    assert "\u0301" not in text


def test_receipt_amounts_requested_per_year(submitted):
    text = pdf_text(generate_document(owner=submitted, kind="applications.receipt"))

    assert "40 000,00 $" in text
    for number in (1, 2, 3):
        assert f"Année {number}" in text
    assert "du 1er juillet 2027 au 30 juin 2028" in text
    total = sum(submitted.requested_amounts.values_list("amount", flat=True), Decimal(0))
    assert f"Total demandé {french_money(total)}" in text
    assert "120 000,00 $" in text


def test_receipt_lists_attachments(submitted):
    text = pdf_text(generate_document(owner=submitted, kind="applications.receipt"))

    for attachment in submitted.attachments.select_related("document_type"):
        assert attachment.filename in text
        assert attachment.document_type.name_fr in text


def test_receipt_summer_time_instant(draft, django_capture_on_commit_callbacks):
    application = submit(draft, django_capture_on_commit_callbacks)
    # 15 March 2027 at 20:30 UTC is 16:30 in Montréal: summer time (UTC−4) began on 14 March 2027.
    Application.objects.filter(pk=application.pk).update(submitted_at=datetime(2027, 3, 15, 20, 30, tzinfo=UTC))
    application.refresh_from_db()

    text = pdf_text(generate_document(owner=application, kind="applications.receipt"))

    assert "le 15 mars 2027 à 16 h 30" in text


def test_receipt_french_for_english_representative(draft, django_capture_on_commit_callbacks):
    representative = representative_of(draft)
    representative.preferred_language = "en"
    representative.save(update_fields=["preferred_language"])

    with translation.override("en"):
        application = submit(draft, django_capture_on_commit_callbacks)
        text = pdf_text(Document.objects.get(object_id=str(application.pk), kind="applications.receipt"))

    assert "Accusé de réception" in text
    assert "40 000,00 $" in text
    assert "$40,000.00" not in text


# --- Summary ----------------------------------------------------------------------------------------


def test_summary_has_every_section(submitted):
    text = pdf_text(generate_document(owner=submitted, kind="applications.summary"))

    for heading in ("1. Organisme", "2. Projet", "3. Clientèles et régions", "4. Calendrier", "5. Budget"):
        assert heading in text
    assert "6. Documents joints" in text
    assert COMPOSED_NAME in text
    assert submitted.organization.neq in text
    assert "06 – Montréal" in text
    for value in (
        submitted.title,
        submitted.summary,
        submitted.objectives,
        submitted.expected_impacts,
        submitted.approach,
        submitted.knowledge_base,
        submitted.help_resources,
    ):
        assert normalize(value) in text
    assert "Jeunes" in text
    assert "Milieux scolaires" in text
    assert "36 mois" in text
    assert "Recrutement et formation" in text


def test_summary_budget_matches_rows(submitted):
    text = pdf_text(generate_document(owner=submitted, kind="applications.summary"))

    lines = BudgetLine.objects.filter(application=submitted)
    for year in (1, 2, 3):
        year_total = sum((line.amount for line in lines if line.project_year == year), Decimal(0))
        assert year_total == Decimal("45000")
    expenses = sum((line.amount for line in lines), Decimal(0))
    requested = sum(RequestedAmount.objects.filter(application=submitted).values_list("amount", flat=True), Decimal(0))
    revenues = sum(Revenue.objects.filter(application=submitted).values_list("amount", flat=True), Decimal(0))
    salaries = sum((line.amount for line in lines if line.category.code == "salaries"), Decimal(0))

    assert f"Total des dépenses {french_money(Decimal('45000'))}" in text
    assert french_money(expenses) in text
    assert f"Salaires et avantages sociaux {french_money(Decimal('42000'))}" in text
    assert french_money(salaries) in text
    assert f"Total des autres revenus {french_money(revenues)}" in text
    assert french_money(requested) in text
    assert french_money(requested + revenues) in text
    assert requested + revenues == expenses


def test_summary_subcontracting_share(submitted):
    text = pdf_text(generate_document(owner=submitted, kind="applications.summary"))

    # 5 000 $ of 135 000 $ of eligible expenses is 3.70… %, shown with one decimal.
    assert "Sous-traitance : 5 000,00 $, soit 3,7 % des dépenses admissibles" in text
    assert "plafond du programme : 25 %" in text


def test_summary_long_text_flows_to_later_page(draft, django_capture_on_commit_callbacks):
    paragraphs = [f"Paragraphe {number} : atelier de prévention de l’intimidation." for number in range(1, 201)]
    Application.objects.filter(pk=draft.pk).update(approach="\n\n".join(paragraphs))
    application = submit(draft, django_capture_on_commit_callbacks)

    pages = pdf_pages(generate_document(owner=application, kind="applications.summary"))

    first_page = next(index for index, text in enumerate(pages) if "Paragraphe 1 :" in text)
    last_page = next(index for index, text in enumerate(pages) if "Paragraphe 200 :" in text)
    assert last_page > first_page
    assert len(pages) >= 4
    joined = " ".join(pages)
    for number in range(1, 201):
        assert f"Paragraphe {number} : atelier" in joined
    # The sections after the long text still follow it.
    assert joined.index("Paragraphe 200 :") < joined.index("3. Clientèles et régions")


# --- Letters ----------------------------------------------------------------------------------------


def test_information_request_letter(incomplete, officer):
    request = incomplete.information_requests.get()

    document = generate_document(owner=incomplete, kind="applications.information_request")
    text = pdf_text(document)

    assert document.filename == f"Demande de renseignements {incomplete.reference}.pdf"
    assert document.version == 2  # the service queued the first one
    assert "Demande de renseignements" in text
    assert incomplete.reference in text
    assert "Joindre la lettre d’appui de la commission scolaire." in text
    assert "Préciser le salaire horaire de l’animatrice." in text
    with translation.override("fr"):
        assert str(Section.BUDGET.label) in text
        assert str(Section.DOCUMENTS.label) in text
        assert f"au plus tard le {long_date(request.respond_by)}" in text
    assert "pourrait être déclarée inadmissible" in text
    assert officer.get_full_name() in text


def test_inadmissibility_letter(inadmissible, officer):
    document = generate_document(owner=inadmissible, kind="applications.inadmissibility_letter")
    text = pdf_text(document)

    assert document.filename == f"Lettre d’inadmissibilité {inadmissible.reference}.pdf"
    assert inadmissible.reference in text
    assert inadmissible.title in text
    assert COMPOSED_NAME in text
    with translation.override("fr"):
        assert f"Motif : {InadmissibilityReason.APPLICANT_NOT_ELIGIBLE.label}" in text
    assert "L’organisme compte moins de deux ans d’activité" in text
    assert f"communiquez avec {officer.get_full_name()}" in text
    assert officer.email in text


def test_information_request_queues_letter(incomplete):
    kinds = set(Document.objects.filter(object_id=str(incomplete.pk)).values_list("kind", flat=True))

    assert kinds == {"applications.receipt", "applications.summary", "applications.information_request"}


def test_inadmissibility_queues_letter(inadmissible):
    kinds = set(Document.objects.filter(object_id=str(inadmissible.pk)).values_list("kind", flat=True))

    assert kinds == {"applications.receipt", "applications.summary", "applications.inadmissibility_letter"}


# --- Fonts ------------------------------------------------------------------------------------------


@pytest.mark.skipif(shutil.which("pdffonts") is None, reason="pdffonts (poppler-utils) is not installed")
@pytest.mark.parametrize("kind", ALL_KINDS)
def test_fonts_embedded(kind, submitted, officer, django_capture_on_commit_callbacks, tmp_path):
    with django_capture_on_commit_callbacks(execute=True):
        services.take_charge(application=submitted, actor=officer)
        services.request_information(
            application=submitted,
            actor=officer,
            sections=[Section.PROJECT],
            items="Préciser les objectifs.",
            respond_by=timezone.localdate() + timedelta(days=10),
        )
    Application.objects.filter(pk=submitted.pk).update(
        inadmissibility_reason=InadmissibilityReason.OTHER, inadmissibility_details="Motif de test."
    )
    submitted.refresh_from_db()
    path = tmp_path / "document.pdf"
    path.write_bytes(pdf_bytes(generate_document(owner=submitted, kind=kind)))

    output = subprocess.run(["pdffonts", str(path)], capture_output=True, text=True, check=True).stdout
    fonts = [line.split() for line in output.splitlines()[2:] if line.strip()]

    assert fonts, output
    assert any(font[0].endswith("Open-Sans") for font in fonts), output
    # Columns end with: emb sub uni object ID.
    for font in fonts:
        assert font[-5] == "yes", f"font not embedded: {font[0]}"


# --- Members in other languages ---------------------------------------------------------------------


def test_documents_french_for_english_member(draft, django_capture_on_commit_callbacks):
    MembershipFactory(organization=draft.organization, user=UserFactory(preferred_language="en"))

    application = submit(draft, django_capture_on_commit_callbacks)

    for document in Document.objects.filter(object_id=str(application.pk)):
        assert document.language == "fr"
