"""Sending, signing, revising and countersigning the agreement, and the history each step leaves."""

import hashlib

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from common.models import Document, Notification, TransitionLog
from payments import services
from payments.models import AgreementState, InstallmentState
from payments.services import AlreadyDone, PaymentError
from tests.factories import MembershipFactory, UserFactory
from tests.payments.conftest import representative_of, sign

pytestmark = pytest.mark.django_db

AGREEMENT_DOCUMENT = "payments.agreement"


def history(subject):
    """(transition, source, target, actor, reason) of each log row of `subject`, oldest first."""
    rows = TransitionLog.objects.filter(content_type__model=subject._meta.model_name, object_id=str(subject.pk))
    return list(rows.order_by("pk").values_list("transition", "source", "target", "actor", "reason"))


def agreement_documents(agreement):
    return Document.objects.filter(object_id=str(agreement.pk), kind=AGREEMENT_DOCUMENT).order_by("version")


def sign_as_representative(agreement, document_sha256):
    return services.sign_agreement(
        agreement=agreement,
        actor=representative_of(agreement),
        signer_name="Camille Lavoie",
        signer_title="Directrice générale",
        document_sha256=document_sha256,
    )


def signed_pdf() -> SimpleUploadedFile:
    return SimpleUploadedFile(
        "Convention signée.pdf", b"%PDF-1.4\n% signed by hand\n%%EOF\n", content_type="application/pdf"
    )


# --- Sending ----------------------------------------------------------------------------------------


def test_send_generates_pdf_and_stores_hash(agreement, officer):
    agreement = services.send_for_signature(agreement=agreement, actor=officer)

    document = agreement_documents(agreement).get()
    content = document.file.read()
    assert content.startswith(b"%PDF-")
    assert agreement.state == AgreementState.SENT_FOR_SIGNATURE
    assert agreement.sent_at is not None
    assert agreement.sent_document_sha256 == document.sha256 == hashlib.sha256(content).hexdigest()
    assert document.created_by == officer


def test_send_notifies_members(agreement, officer):
    services.send_for_signature(agreement=agreement, actor=officer)

    recipients = set(Notification.objects.filter(event="payments.agreement_sent").values_list("recipient", flat=True))
    members = set(agreement.application.organization.memberships.values_list("user", flat=True))
    assert recipients == members


def test_send_twice_already_done(agreement, officer):
    services.send_for_signature(agreement=agreement, actor=officer)

    with pytest.raises(AlreadyDone):
        services.send_for_signature(agreement=agreement, actor=officer)

    assert agreement_documents(agreement).count() == 1


def test_send_by_other_roles_refused(agreement, decision_maker, finance):
    for actor in (decision_maker, finance, representative_of(agreement)):
        with pytest.raises(PaymentError, match="Only a program officer"):
            services.send_for_signature(agreement=agreement, actor=actor)

    agreement.refresh_from_db()
    assert agreement.state == AgreementState.DRAFT
    assert not agreement_documents(agreement).exists()


def test_send_without_conditions_refused(agreement, officer):
    services.edit_conditions(agreement=agreement, actor=officer, conditions="   ")

    with pytest.raises(PaymentError, match="Write the conditions"):
        services.send_for_signature(agreement=agreement, actor=officer)

    assert not agreement_documents(agreement).exists()


# --- Signing ----------------------------------------------------------------------------------------


def test_sign_records_signature(agreement, officer):
    agreement = services.send_for_signature(agreement=agreement, actor=officer)
    representative = representative_of(agreement)

    agreement = sign_as_representative(agreement, agreement.sent_document_sha256)

    agreement.refresh_from_db()
    assert agreement.state == AgreementState.SIGNED_BY_ORGANIZATION
    assert (agreement.signer_name, agreement.signer_title) == ("Camille Lavoie", "Directrice générale")
    assert agreement.signed_by == representative
    assert agreement.signed_at is not None
    assert agreement.signed_document_sha256 == agreement.sent_document_sha256


def test_sign_requires_representative(agreement, officer, decision_maker):
    agreement = services.send_for_signature(agreement=agreement, actor=officer)
    member = MembershipFactory(organization=agreement.application.organization).user
    outsider = MembershipFactory(is_representative=True).user

    for actor in (member, outsider, officer, decision_maker):
        with pytest.raises(PaymentError, match="authorized representative"):
            services.sign_agreement(
                agreement=agreement,
                actor=actor,
                signer_name="Camille Lavoie",
                signer_title="Directrice générale",
                document_sha256=agreement.sent_document_sha256,
            )

    agreement.refresh_from_db()
    assert agreement.state == AgreementState.SENT_FOR_SIGNATURE
    assert agreement.signed_at is None


@pytest.mark.parametrize(("name", "title"), [("", "Directrice"), ("Camille Lavoie", "  ")])
def test_sign_requires_name_and_title(agreement, officer, name, title):
    agreement = services.send_for_signature(agreement=agreement, actor=officer)

    with pytest.raises(PaymentError, match="full name and your title"):
        services.sign_agreement(
            agreement=agreement,
            actor=representative_of(agreement),
            signer_name=name,
            signer_title=title,
            document_sha256=agreement.sent_document_sha256,
        )


def test_sign_with_wrong_hash_refused(agreement, officer):
    agreement = services.send_for_signature(agreement=agreement, actor=officer)

    with pytest.raises(PaymentError, match="changed since you opened it"):
        sign_as_representative(agreement, "0" * 64)

    agreement.refresh_from_db()
    assert agreement.state == AgreementState.SENT_FOR_SIGNATURE


def test_sign_with_stale_hash_refused(agreement, officer):
    first = services.send_for_signature(agreement=agreement, actor=officer).sent_document_sha256
    services.revise_agreement(agreement=agreement, actor=officer, reason="Conditions à préciser")
    services.edit_conditions(agreement=agreement, actor=officer, conditions="L’organisme remet un bilan final.")
    current = services.send_for_signature(agreement=agreement, actor=officer).sent_document_sha256
    assert current != first

    with pytest.raises(PaymentError, match="changed since you opened it"):
        sign_as_representative(agreement, first)

    agreement = sign_as_representative(agreement, current)
    assert agreement.state == AgreementState.SIGNED_BY_ORGANIZATION


def test_sign_before_send_refused(agreement):
    with pytest.raises(PaymentError, match="not waiting for your signature"):
        sign_as_representative(agreement, "")


def test_sign_twice_already_done(agreement, officer):
    agreement = sign(agreement, officer)

    with pytest.raises(AlreadyDone):
        sign_as_representative(agreement, agreement.sent_document_sha256)

    assert [row[0] for row in history(agreement)].count("payments.agreement.signed") == 1


def test_sign_after_activation_already_done(agreement, officer, decision_maker):
    agreement = sign(agreement, officer)
    services.countersign_agreement(agreement=agreement, actor=decision_maker)

    with pytest.raises(AlreadyDone):
        sign_as_representative(agreement, agreement.sent_document_sha256)


def test_send_after_signature_already_done(agreement, officer):
    sign(agreement, officer)

    with pytest.raises(AlreadyDone, match="already sent"):
        services.send_for_signature(agreement=agreement, actor=officer)

    assert agreement_documents(agreement).count() == 1


# --- Upload of a signed copy ------------------------------------------------------------------------


def test_upload_signed_pdf(agreement, officer):
    services.send_for_signature(agreement=agreement, actor=officer)
    upload = signed_pdf()

    agreement = services.upload_signed_agreement(
        agreement=agreement,
        actor=representative_of(agreement),
        signer_name="Camille Lavoie",
        signer_title="Directrice générale",
        upload=upload,
    )

    agreement.refresh_from_db()
    assert agreement.state == AgreementState.SIGNED_BY_ORGANIZATION
    assert agreement.signed_filename == "Convention signée.pdf"
    assert agreement.signed_file.read() == b"%PDF-1.4\n% signed by hand\n%%EOF\n"
    assert agreement.signed_document_sha256 == hashlib.sha256(b"%PDF-1.4\n% signed by hand\n%%EOF\n").hexdigest()
    # Stored under a random name, not the one uploaded.
    assert "Convention" not in agreement.signed_file.name


@pytest.mark.parametrize(
    "content",
    [
        pytest.param(b"Convention signee, texte seulement", id="text"),
        pytest.param(b"\x89PNG\r\n\x1a\n" + b"\x00" * 32, id="png"),
        pytest.param(b"", id="empty"),
    ],
)
def test_upload_non_pdf_refused(agreement, officer, content):
    services.send_for_signature(agreement=agreement, actor=officer)
    upload = SimpleUploadedFile("convention.pdf", content, content_type="application/pdf")

    with pytest.raises(PaymentError, match="must be a PDF file"):
        services.upload_signed_agreement(
            agreement=agreement,
            actor=representative_of(agreement),
            signer_name="Camille Lavoie",
            signer_title="Directrice générale",
            upload=upload,
        )

    agreement.refresh_from_db()
    assert agreement.state == AgreementState.SENT_FOR_SIGNATURE
    assert not agreement.signed_file


def test_upload_by_non_representative_refused(agreement, officer):
    services.send_for_signature(agreement=agreement, actor=officer)
    member = MembershipFactory(organization=agreement.application.organization).user

    with pytest.raises(PaymentError, match="authorized representative"):
        services.upload_signed_agreement(
            agreement=agreement, actor=member, signer_name="Alex", signer_title="Membre", upload=signed_pdf()
        )


# --- Revision ---------------------------------------------------------------------------------------


def test_revise_voids_signature(agreement, officer):
    agreement = sign(agreement, officer)

    agreement = services.revise_agreement(agreement=agreement, actor=officer, reason="Montants à corriger")

    agreement.refresh_from_db()
    assert agreement.state == AgreementState.DRAFT
    assert agreement.signer_name == agreement.signer_title == ""
    assert agreement.signed_at is None
    assert agreement.signed_by is None
    assert agreement.signed_document_sha256 == ""
    assert agreement.sent_document_sha256 == ""
    assert not agreement.signed_file


def test_revise_uploaded_signature_cleared(agreement, officer, django_capture_on_commit_callbacks):
    services.send_for_signature(agreement=agreement, actor=officer)
    signed = services.upload_signed_agreement(
        agreement=agreement,
        actor=representative_of(agreement),
        signer_name="Camille Lavoie",
        signer_title="Directrice générale",
        upload=signed_pdf(),
    )
    stored_name, storage = signed.signed_file.name, signed.signed_file.storage
    assert storage.exists(stored_name)

    with django_capture_on_commit_callbacks(execute=True):
        services.revise_agreement(agreement=agreement, actor=officer, reason="Montants à corriger")

    agreement.refresh_from_db()
    assert not agreement.signed_file
    assert agreement.signed_filename == ""
    assert not storage.exists(stored_name)


def test_revise_then_send_makes_new_version(agreement, officer):
    first = services.send_for_signature(agreement=agreement, actor=officer).sent_document_sha256
    services.revise_agreement(agreement=agreement, actor=officer, reason="Conditions à préciser")
    services.edit_conditions(agreement=agreement, actor=officer, conditions="L’organisme remet un bilan final.")

    agreement = services.send_for_signature(agreement=agreement, actor=officer)

    documents = list(agreement_documents(agreement))
    assert [document.version for document in documents] == [1, 2]
    assert documents[0].sha256 == first
    assert agreement.sent_document_sha256 == documents[1].sha256 != first


def test_revise_needs_reason(agreement, officer):
    services.send_for_signature(agreement=agreement, actor=officer)

    with pytest.raises(PaymentError, match="Give the reason"):
        services.revise_agreement(agreement=agreement, actor=officer, reason=" ")

    agreement.refresh_from_db()
    assert agreement.state == AgreementState.SENT_FOR_SIGNATURE


def test_revise_draft_already_done(agreement, officer):
    with pytest.raises(AlreadyDone):
        services.revise_agreement(agreement=agreement, actor=officer, reason="Rien")


def test_revise_active_refused(agreement, officer, decision_maker):
    sign(agreement, officer)
    services.countersign_agreement(agreement=agreement, actor=decision_maker)

    with pytest.raises(PaymentError, match="cannot be revised"):
        services.revise_agreement(agreement=agreement, actor=officer, reason="Trop tard")


# --- Countersigning ---------------------------------------------------------------------------------


def test_countersign_activates_and_first_installment_due(agreement, officer, decision_maker):
    sign(agreement, officer)

    agreement = services.countersign_agreement(agreement=agreement, actor=decision_maker)

    agreement.refresh_from_db()
    assert agreement.state == AgreementState.ACTIVE
    assert agreement.countersigned_by == decision_maker
    assert agreement.countersigned_at is not None
    first, second, holdback = agreement.installments.order_by("number")
    assert first.state == InstallmentState.DUE
    assert first.became_due_at is not None
    assert second.state == holdback.state == InstallmentState.SCHEDULED


def test_countersign_by_decision_maker_only(agreement, officer, finance):
    sign(agreement, officer)

    for actor in (officer, finance, representative_of(agreement), UserFactory(roles=["program_manager"])):
        with pytest.raises(PaymentError, match="Only the decision-making authority"):
            services.countersign_agreement(agreement=agreement, actor=actor)

    agreement.refresh_from_db()
    assert agreement.state == AgreementState.SIGNED_BY_ORGANIZATION
    assert agreement.installments.get(number=1).state == InstallmentState.SCHEDULED


def test_countersign_before_signature_refused(agreement, officer, decision_maker):
    services.send_for_signature(agreement=agreement, actor=officer)

    with pytest.raises(PaymentError, match="must sign the agreement before"):
        services.countersign_agreement(agreement=agreement, actor=decision_maker)


def test_countersign_twice_already_done(agreement, officer, decision_maker):
    sign(agreement, officer)
    services.countersign_agreement(agreement=agreement, actor=decision_maker)

    with pytest.raises(AlreadyDone):
        services.countersign_agreement(agreement=agreement, actor=decision_maker)

    assert [row[0] for row in history(agreement)].count("payments.agreement.activated") == 1
    assert len(history(agreement.installments.get(number=1))) == 1


def test_countersign_terminated_already_done(agreement, officer, decision_maker):
    sign(agreement, officer)
    services.countersign_agreement(agreement=agreement, actor=decision_maker)
    services.terminate_agreement(agreement=agreement, actor=decision_maker, reason="Abandon", eligible_expenses=0)

    with pytest.raises(AlreadyDone, match="already countersigned"):
        services.countersign_agreement(agreement=agreement, actor=decision_maker)

    agreement.refresh_from_db()
    assert agreement.state == AgreementState.TERMINATED


# --- History ----------------------------------------------------------------------------------------


def test_every_transition_logged(agreement, officer, decision_maker):
    representative = representative_of(agreement)
    approver = agreement.application.decision.decided_by

    services.send_for_signature(agreement=agreement, actor=officer)
    services.revise_agreement(agreement=agreement, actor=officer, reason="Dates à corriger")
    sign(agreement, officer)
    services.countersign_agreement(agreement=agreement, actor=decision_maker)

    assert history(agreement) == [
        ("payments.agreement.created", "", "draft", approver.pk, ""),
        ("payments.agreement.sent", "draft", "sent_for_signature", officer.pk, ""),
        ("payments.agreement.revised", "sent_for_signature", "draft", officer.pk, "Dates à corriger"),
        ("payments.agreement.sent", "draft", "sent_for_signature", officer.pk, ""),
        ("payments.agreement.signed", "sent_for_signature", "signed_by_organization", representative.pk, ""),
        ("payments.agreement.activated", "signed_by_organization", "active", decision_maker.pk, ""),
    ]
    assert history(agreement.installments.get(number=1)) == [
        ("payments.installment.due", "scheduled", "due", decision_maker.pk, ""),
    ]
