"""The e-mails of an application's life, each sent once to each member in the member's own language."""

from datetime import timedelta

import pytest
from django.conf import settings
from django.core import mail
from django.urls import reverse
from django.utils import timezone, translation

from applications import services
from applications.models import Application, InadmissibilityReason, Section
from common.models import Notification
from common.notifications import notify, send_notification_email
from common.templatetags.formats import long_date, long_datetime
from common.templatetags.notifications import notification_title
from tests.applications.factories import ApplicationFactory, complete_application
from tests.factories import MembershipFactory, UserFactory

pytestmark = pytest.mark.django_db

SIGNATURE_EN = "The program team – Ministère de la Famille"
SIGNATURE_FR = "L’équipe du programme – Ministère de la Famille"
ITEMS = "Joindre la lettre d’appui de l’école.\nPréciser le tarif horaire de l’animatrice."


@pytest.fixture
def application():
    application = complete_application(ApplicationFactory())
    representative = application.organization.memberships.get(is_representative=True).user
    representative.first_name = "Élise"
    representative.preferred_language = "fr"
    representative.save(update_fields=["first_name", "preferred_language"])
    return application


@pytest.fixture
def representative(application):
    return application.organization.memberships.get(is_representative=True).user


@pytest.fixture
def english_member(application):
    return MembershipFactory(
        organization=application.organization, user=UserFactory(first_name="Ann", preferred_language="en")
    ).user


@pytest.fixture
def submitted(application, representative, english_member, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        services.submit_application(application=application, actor=representative)
    application.refresh_from_db()
    return application


@pytest.fixture
def in_screening(submitted, officer, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        services.take_charge(application=submitted, actor=officer)
    mail.outbox.clear()
    return submitted


def messages_to(user) -> list:
    return [message for message in mail.outbox if message.to == [user.email]]


def only_message_to(user):
    messages = messages_to(user)
    assert len(messages) == 1, [message.subject for message in messages]
    return messages[0]


def file_link(application: Application) -> str:
    return f"{settings.SITE_URL}{reverse('applications:detail', kwargs={'pk': application.pk})}"


def request_information(application, officer, capture):
    with capture(execute=True):
        return services.request_information(
            application=application,
            actor=officer,
            sections=[Section.BUDGET, Section.DOCUMENTS],
            items=ITEMS,
            respond_by=timezone.localdate() + timedelta(days=14),
        )


# --- Submission -------------------------------------------------------------------------------------


def test_submission_emails_each_member_once(submitted, representative, english_member):
    assert len(mail.outbox) == 2
    only_message_to(representative)
    only_message_to(english_member)


def test_submission_email_in_english(submitted, english_member):
    message = only_message_to(english_member)
    with translation.override("en"):
        when = long_datetime(submitted.submitted_at)

    assert message.subject == f"Application {submitted.reference} received"
    assert message.body.startswith("Hello Ann,")
    expected = f"application {submitted.reference}, “{submitted.title}”, submitted on {when} (Montréal time)"
    assert expected in message.body
    assert file_link(submitted) in message.body
    assert message.body.rstrip().endswith(SIGNATURE_EN)


def test_submission_email_in_french(submitted, representative):
    message = only_message_to(representative)
    with translation.override("fr"):
        when = long_datetime(submitted.submitted_at)

    assert message.body.startswith("Bonjour Élise,")
    assert submitted.reference in message.subject
    # The instant is written the Québec French way (« 5 mars 2027 à 14 h 12 »), whatever the catalogue holds.
    assert when in message.body
    assert " à " in when
    assert file_link(submitted) in message.body
    assert message.body.rstrip().endswith(SIGNATURE_FR)


def test_submission_email_not_html_escaped(application, representative, django_capture_on_commit_callbacks):
    Application.objects.filter(pk=application.pk).update(title="Brigades d'entraide & d'écoute <à l'école>")

    with django_capture_on_commit_callbacks(execute=True):
        services.submit_application(application=application, actor=representative)

    body = only_message_to(representative).body
    assert "Brigades d'entraide & d'écoute <à l'école>" in body
    assert "&#x27;" not in body
    assert "&amp;" not in body


def test_submission_repeat_sends_nothing(submitted, representative, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True), pytest.raises(services.AlreadyDone):
        services.submit_application(application=submitted, actor=representative)

    assert len(mail.outbox) == 2


def test_same_key_sends_one_email(submitted, representative, django_capture_on_commit_callbacks):
    key = f"applications.submitted:{submitted.pk}:{representative.pk}"
    first = Notification.objects.get(idempotency_key=key)

    with django_capture_on_commit_callbacks(execute=True):
        again = notify(
            recipient=representative,
            event="applications.submitted",
            key=key,
            template="emails/applications/submitted",
            context=first.context,
            subject=submitted,
            link=first.link,
        )

    assert again.pk == first.pk
    assert send_notification_email(first.pk) is False
    assert len(messages_to(representative)) == 1


def test_subject_shown_as_notification_title(submitted, english_member):
    notification = Notification.objects.get(recipient=english_member, event="applications.submitted")

    with translation.override("en"):
        title = notification_title(notification)

    assert title == f"Application {submitted.reference} received"


# --- Screening --------------------------------------------------------------------------------------


def test_information_request_emails_members(
    in_screening, officer, representative, english_member, django_capture_on_commit_callbacks
):
    request = request_information(in_screening, officer, django_capture_on_commit_callbacks)
    message = only_message_to(english_member)
    only_message_to(representative)
    with translation.override("en"):
        deadline = long_date(request.respond_by)

    assert message.subject == f"Information requested for application {in_screening.reference}"
    assert "Joindre la lettre d’appui de l’école." in message.body
    assert "Préciser le tarif horaire de l’animatrice." in message.body
    assert f"send it again by {deadline}" in message.body
    assert "may be declared inadmissible" in message.body
    assert file_link(in_screening) in message.body


def test_information_request_date_in_french(in_screening, officer, representative, django_capture_on_commit_callbacks):
    request = request_information(in_screening, officer, django_capture_on_commit_callbacks)
    with translation.override("fr"):
        deadline = long_date(request.respond_by)

    assert deadline in only_message_to(representative).body


def test_information_request_repeat_sends_nothing(in_screening, officer, django_capture_on_commit_callbacks):
    request_information(in_screening, officer, django_capture_on_commit_callbacks)

    with pytest.raises(services.AlreadyDone):
        request_information(in_screening, officer, django_capture_on_commit_callbacks)

    assert len(mail.outbox) == 2


def test_resubmission_emails_officer(in_screening, officer, representative, django_capture_on_commit_callbacks):
    request_information(in_screening, officer, django_capture_on_commit_callbacks)
    mail.outbox.clear()

    with django_capture_on_commit_callbacks(execute=True):
        services.resubmit_application(application=in_screening, actor=representative)

    message = only_message_to(officer)
    assert len(mail.outbox) == 1
    assert in_screening.reference in message.subject
    assert reverse("applications:screening", kwargs={"pk": in_screening.pk}) in message.body


def test_inadmissibility_emails_members(
    in_screening, officer, representative, english_member, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        services.declare_inadmissible(
            application=in_screening,
            actor=officer,
            reason_code=InadmissibilityReason.PROJECT_NOT_ELIGIBLE,
            details="Le projet finance les activités courantes de l’organisme.",
        )
    message = only_message_to(english_member)
    only_message_to(representative)

    assert message.subject == f"Application {in_screening.reference} declared inadmissible"
    assert f"“{in_screening.title}”" in message.body
    assert "The letter that gives the reason" in message.body
    assert file_link(in_screening) in message.body


def test_inadmissibility_repeat_sends_nothing(in_screening, officer, django_capture_on_commit_callbacks):
    arguments = {
        "application": in_screening,
        "actor": officer,
        "reason_code": InadmissibilityReason.OTHER,
        "details": "Motif de test.",
    }
    with django_capture_on_commit_callbacks(execute=True):
        services.declare_inadmissible(**arguments)

    with django_capture_on_commit_callbacks(execute=True), pytest.raises(services.AlreadyDone):
        services.declare_inadmissible(**arguments)

    assert len(mail.outbox) == 2


def test_receivable_emails_members(in_screening, officer, english_member, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        services.declare_receivable(application=in_screening, actor=officer)

    message = only_message_to(english_member)
    assert len(mail.outbox) == 2
    assert message.subject == f"Application {in_screening.reference} goes to review"
    assert "The selection committee will now review it" in message.body
    assert file_link(in_screening) in message.body


def test_context_dates_read_from_json():
    # Notification contexts are JSON, so the services store dates and instants as ISO 8601 strings.
    with translation.override("fr"):
        assert long_date("2027-01-15") == "15 janvier 2027"
        assert long_datetime("2027-03-05T19:12:00+00:00") == "5 mars 2027 à 14 h 12"
        assert long_datetime("5 mars 2027 à 14 h 12") == "5 mars 2027 à 14 h 12"
    with translation.override("en"):
        assert long_date("2027-01-15") == "January 15, 2027"
        assert long_datetime("2027-03-05T19:12:00+00:00") == "March 5, 2027 at 2:12 PM"
