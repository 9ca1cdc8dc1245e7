"""The demo applications of `make run`: every state, built through the services, and safe to load twice."""

import io
from datetime import timedelta

import pytest
from django.core import mail
from django.core.management import call_command
from django.core.management.base import CommandError
from django.utils import timezone
from pypdf import PdfReader

from accounts.models import Membership, Organization, User
from applications.checks import application_problems
from applications.demo import DEMO_CALL_CODE, demo_pdf
from applications.models import (
    Application,
    ApplicationState,
    Attachment,
    BudgetLine,
    InformationRequest,
    ScreeningAnswer,
)
from common.models import Document, Notification, TransitionLog
from grants.models import Call

pytestmark = pytest.mark.django_db


def counts() -> dict[str, int]:
    models = [
        User,
        Organization,
        Membership,
        Application,
        BudgetLine,
        Attachment,
        ScreeningAnswer,
        InformationRequest,
        Document,
        Notification,
        TransitionLog,
    ]
    return {model.__name__: model.objects.count() for model in models}


@pytest.fixture
def demo_base():
    call_command("load_program", stdout=io.StringIO())
    call_command("load_demo", stdout=io.StringIO())


@pytest.fixture
def demo(demo_base, django_capture_on_commit_callbacks):
    output = io.StringIO()
    with django_capture_on_commit_callbacks(execute=True):
        call_command("load_demo_applications", stdout=output)
    return output.getvalue()


def demo_application(state: str) -> Application:
    return Application.objects.select_related("organization", "officer").get(call__code=DEMO_CALL_CODE, state=state)


def test_demo_twice_changes_nothing(demo, django_capture_on_commit_callbacks):
    before = counts()
    outbox = len(mail.outbox)
    output = io.StringIO()

    with django_capture_on_commit_callbacks(execute=True):
        call_command("load_demo_applications", stdout=output)

    assert counts() == before
    assert len(mail.outbox) == outbox
    assert "nothing created" in output.getvalue()


# The states an application goes through up to the end of screening; review states come with reviewers.
SCREENING_STATES = set(ApplicationState.values) - {
    ApplicationState.EVALUATED,
    ApplicationState.RECOMMENDED,
    ApplicationState.NOT_RECOMMENDED,
    ApplicationState.APPROVED,
    ApplicationState.DECLINED,
}


def test_demo_has_every_state(demo):
    states = set(Application.objects.filter(call__code=DEMO_CALL_CODE).values_list("state", flat=True))

    assert states == SCREENING_STATES


def test_demo_prints_one_line_per_file(demo):
    lines = [line for line in demo.splitlines() if line.startswith("  ")]

    assert len(lines) == Application.objects.filter(call__code=DEMO_CALL_CODE).count()
    for application in Application.objects.exclude(reference=""):
        assert any(line.strip().startswith(application.reference) for line in lines)


def test_demo_draft_for_rosemont(demo):
    draft = demo_application(ApplicationState.DRAFT)

    assert draft.organization.name == "Carrefour jeunesse Rosemont"
    assert draft.created_by.email == "mandataire@demo.qc.ca"
    assert draft.title
    # Sections are left to try in the form, so the draft cannot be submitted yet.
    assert application_problems(draft)


def test_demo_submitted_files_complete(demo):
    for application in Application.objects.filter(call__code=DEMO_CALL_CODE).exclude(state=ApplicationState.DRAFT):
        assert application.reference.startswith(f"{DEMO_CALL_CODE}-")
        assert application_problems(application) == [], application.title
        kinds = set(Document.objects.filter(object_id=str(application.pk)).values_list("kind", flat=True))
        assert {"applications.receipt", "applications.summary"} <= kinds


def test_demo_officer_screens(demo):
    screening = demo_application(ApplicationState.SCREENING)
    incomplete = demo_application(ApplicationState.INCOMPLETE)

    assert screening.officer.email == "conseillere@demo.qc.ca"
    assert screening.screening_answers.exists()
    assert screening.screening_answers.count() < screening.call.screening_questions.count()
    assert incomplete.officer.email == "conseillere@demo.qc.ca"
    assert incomplete.reopened_sections
    assert incomplete.information_requests.filter(answered_at__isnull=True).exists()


def test_demo_letters_issued(demo):
    incomplete = demo_application(ApplicationState.INCOMPLETE)
    inadmissible = demo_application(ApplicationState.INADMISSIBLE)

    assert Document.objects.filter(object_id=str(incomplete.pk), kind="applications.information_request").exists()
    assert Document.objects.filter(object_id=str(inadmissible.pk), kind="applications.inadmissibility_letter").exists()
    assert inadmissible.inadmissibility_reason
    assert inadmissible.inadmissibility_details


def test_demo_history_reads_like_real_one(demo):
    screening = demo_application(ApplicationState.SCREENING)
    transitions = list(
        TransitionLog.objects.filter(object_id=str(screening.pk), transition__startswith="applications.application.")
        .order_by("created_at", "pk")
        .values_list("transition", flat=True)
    )

    assert transitions[0] == "applications.application.created"
    for code in ("submitted", "taken_in_charge", "information_requested", "resubmitted", "screening_saved"):
        assert f"applications.application.{code}" in transitions


def test_demo_organizations_valid(demo):
    organizations = Organization.objects.filter(memberships__user__email__endswith="@demo.qc.ca").distinct()

    assert organizations.count() >= 7
    for organization in organizations:
        organization.full_clean()
        assert organization.neq.startswith("114")
        representative = organization.memberships.get(is_representative=True).user
        assert representative.email.endswith("@demo.qc.ca")
        assert representative.check_password("demo-intimidation-2026")


def test_demo_emails_in_member_language(demo):
    english = User.objects.get(email="daniel.hughes@demo.qc.ca")
    french = User.objects.get(email="melanie.girard@demo.qc.ca")

    english_subjects = [message.subject for message in mail.outbox if message.to == [english.email]]
    french_bodies = [message.body for message in mail.outbox if message.to == [french.email]]

    assert english.preferred_language == "en"
    assert any(subject.startswith("Application ECI-2027-") for subject in english_subjects)
    assert any("Information requested" in subject for subject in english_subjects)
    assert french_bodies
    assert all("Bonjour Mélanie," in body for body in french_bodies)


def test_demo_attachments_are_pdfs(demo):
    attachment = Attachment.objects.select_related("application__organization").first()

    with attachment.file.open("rb") as handle:
        text = PdfReader(handle).pages[0].extract_text()

    assert attachment.content_type == "application/pdf"
    assert attachment.application.organization.name in text
    assert "Document de démonstration" in text


def test_demo_pdf_keeps_french_accents():
    pdf = demo_pdf(title="Résolution du conseil d’administration", lines=["Sept-Îles (Québec) – « ça va » (oui)"])

    text = PdfReader(io.BytesIO(pdf)).pages[0].extract_text()

    assert "Résolution du conseil d’administration" in text
    assert "Sept-Îles (Québec) – « ça va » (oui)" in text


def test_demo_after_deadline_uses_extensions(demo_base, django_capture_on_commit_callbacks):
    Call.objects.filter(code=DEMO_CALL_CODE).update(closes_at=timezone.now() - timedelta(days=1))

    with django_capture_on_commit_callbacks(execute=True):
        call_command("load_demo_applications", stdout=io.StringIO())

    states = set(Application.objects.filter(call__code=DEMO_CALL_CODE).values_list("state", flat=True))
    assert states == SCREENING_STATES
    extended = TransitionLog.objects.filter(transition="applications.application.extension_granted").count()
    assert extended == Application.objects.filter(call__code=DEMO_CALL_CODE).count()


def test_demo_without_program_fails_clearly(db):
    with pytest.raises(CommandError, match="load_program"):
        call_command("load_demo_applications", stdout=io.StringIO())
