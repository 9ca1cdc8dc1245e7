"""The e-mail of each payments notification, sent by the real service and rendered in the recipient's language.

The recipients prefer French. The new messages are not translated yet, so the checks are on structure. They
look for the French greeting and signature from the catalogue, the reference in the subject, the link in the
body, and dates and amounts in French format. They also check that no context variable is missing and that
each notification key sends one e-mail.
"""

import copy
from datetime import date, datetime, time, timedelta
from decimal import Decimal

import pytest
from django.conf import settings
from django.test import override_settings
from django.urls import reverse
from django.utils import timezone

from applications.models import Application
from common.models import Notification
from common.notifications import notify, render_notification, send_notification_email
from payments import installments, reports, services
from payments.models import ReportKind
from tests.factories import MembershipFactory, UserFactory
from tests.payments.conftest import activate, approved_agreement, fill_and_submit, pay, sign

pytestmark = pytest.mark.django_db

GREETING = "Bonjour Camille,"
SIGNATURE = "L’équipe du programme – Ministère de la Famille"
MISSING = "MISSING-VARIABLE"


def agreement_url(agreement) -> str:
    return settings.SITE_URL + reverse("payments:agreement", kwargs={"pk": agreement.pk})


def local_noon(day: date) -> datetime:
    return timezone.make_aware(datetime.combine(day, time(12)))


def render_strictly(notification) -> tuple[str, str, str | None]:
    """Render with a marker in place of any variable missing from the context, instead of an empty string."""
    templates = copy.deepcopy(settings.TEMPLATES)
    templates[0]["OPTIONS"]["string_if_invalid"] = f"{MISSING}(%s)"
    with override_settings(TEMPLATES=templates):
        return render_notification(notification)


def sent(event: str, mailoutbox, callbacks, *, link: str, reference: str) -> list:
    """Check every notification of `event` and its single e-mail, and return the e-mails, one per recipient.

    Then notify again with each notification's key, and run the e-mail task again: nothing more is sent.
    """
    notifications = list(Notification.objects.filter(event=f"payments.{event}").select_related("recipient"))
    assert notifications, f"no notification payments.{event}"
    messages = []
    for notification in notifications:
        assert notification.emailed_at is not None
        subject, body, html = render_strictly(notification)
        assert MISSING not in subject + body
        assert html is None
        matching = [m for m in mailoutbox if m.to == [notification.recipient.email] and m.subject == subject]
        assert len(matching) == 1, notification.idempotency_key
        message = matching[0]
        assert message.body == body
        assert reference in message.subject
        assert "\n" not in message.subject
        assert link in message.body
        assert message.body.startswith(GREETING)
        assert message.body.rstrip().endswith(SIGNATURE)
        assert "{" not in message.subject + message.body
        messages.append(message)

    count = len(mailoutbox)
    with callbacks(execute=True):
        for notification in notifications:
            again = notify(
                recipient=notification.recipient,
                event=notification.event,
                key=notification.idempotency_key,
                template=notification.template,
                context=notification.context,
                link=notification.link,
            )
            assert again.pk == notification.pk
    assert send_notification_email(notifications[0].pk) is False
    assert len(mailoutbox) == count
    assert Notification.objects.filter(event=f"payments.{event}").count() == len(notifications)
    return messages


@pytest.fixture
def members(agreement):
    """The representative and a second member of the agreement's organization, both preferring French."""
    organization = agreement.application.organization
    MembershipFactory(organization=organization)
    users = [membership.user for membership in organization.memberships.all()]
    assert {user.preferred_language for user in users} == {"fr"}
    return users


@pytest.fixture
def in_charge(agreement, officer):
    # The officer in charge of the file receives the submitted reports. Screening sets it on a real file.
    Application.objects.filter(pk=agreement.application_id).update(officer=officer)
    return officer


def test_agreement_sent(agreement, members, officer, django_capture_on_commit_callbacks, mailoutbox):
    with django_capture_on_commit_callbacks(execute=True):
        services.send_for_signature(agreement=agreement, actor=officer)

    messages = sent(
        "agreement_sent",
        mailoutbox,
        django_capture_on_commit_callbacks,
        link=agreement_url(agreement),
        reference=agreement.reference,
    )
    assert sorted(m.to[0] for m in messages) == sorted(user.email for user in members)
    assert agreement.application.title in messages[0].body


def test_agreement_signed_to_decision_makers(
    agreement, officer, decision_maker, django_capture_on_commit_callbacks, mailoutbox
):
    other_decision_maker = UserFactory(roles=["decision_maker"])
    with django_capture_on_commit_callbacks(execute=True):
        sign(agreement, officer)

    messages = sent(
        "agreement_signed",
        mailoutbox,
        django_capture_on_commit_callbacks,
        link=agreement_url(agreement),
        reference=agreement.reference,
    )
    assert sorted(m.to[0] for m in messages) == sorted([decision_maker.email, other_decision_maker.email])


def test_agreement_active(agreement, members, officer, decision_maker, django_capture_on_commit_callbacks, mailoutbox):
    with django_capture_on_commit_callbacks(execute=True):
        activate(agreement, officer, decision_maker)

    messages = sent(
        "agreement_active",
        mailoutbox,
        django_capture_on_commit_callbacks,
        link=agreement_url(agreement),
        reference=agreement.reference,
    )
    assert len(messages) == len(members)


def test_installment_paid_shows_amount_and_date(
    active_agreement, members, finance, second_finance, django_capture_on_commit_callbacks, mailoutbox
):
    first = active_agreement.installments.get(number=1)
    with django_capture_on_commit_callbacks(execute=True):
        pay(first, finance, second_finance, paid_on=date(2026, 12, 1))

    messages = sent(
        "installment_paid",
        mailoutbox,
        django_capture_on_commit_callbacks,
        link=agreement_url(active_agreement),
        reference=active_agreement.reference,
    )
    assert len(messages) == len(members)
    assert "36\u00a0000,00\u00a0$" in messages[0].body
    assert "1er décembre 2026" in messages[0].body


def test_installment_due_to_every_finance_officer(
    active_agreement, finance, second_finance, django_capture_on_commit_callbacks, mailoutbox
):
    with django_capture_on_commit_callbacks(execute=True):
        assert installments.notify_due_installments() == 1

    messages = sent(
        "installment_due",
        mailoutbox,
        django_capture_on_commit_callbacks,
        link=settings.SITE_URL + reverse("payments:finance_queue"),
        reference=active_agreement.reference,
    )
    assert sorted(m.to[0] for m in messages) == sorted([finance.email, second_finance.email])
    assert "36\u00a0000,00\u00a0$" in messages[0].body


def test_report_submitted_to_officer_in_charge(
    active_agreement, in_charge, django_capture_on_commit_callbacks, mailoutbox
):
    progress = active_agreement.reports.get(kind=ReportKind.PROGRESS, number=1)
    with django_capture_on_commit_callbacks(execute=True):
        fill_and_submit(progress)

    messages = sent(
        "report_submitted",
        mailoutbox,
        django_capture_on_commit_callbacks,
        link=agreement_url(active_agreement),
        reference=active_agreement.reference,
    )
    assert [m.to for m in messages] == [[in_charge.email]]


def test_final_report_submitted_subject_differs(
    active_agreement, in_charge, finance, second_finance, django_capture_on_commit_callbacks, mailoutbox
):
    progress = active_agreement.reports.get(kind=ReportKind.PROGRESS, number=1)
    final = active_agreement.reports.get(kind=ReportKind.FINAL)
    with django_capture_on_commit_callbacks(execute=True):
        fill_and_submit(progress)
        fill_and_submit(final)

    messages = sent(
        "report_submitted",
        mailoutbox,
        django_capture_on_commit_callbacks,
        link=agreement_url(active_agreement),
        reference=active_agreement.reference,
    )
    assert len(messages) == 2
    assert messages[0].subject != messages[1].subject


def test_report_revision_quotes_comments(
    active_agreement, members, officer, django_capture_on_commit_callbacks, mailoutbox
):
    progress = active_agreement.reports.get(kind=ReportKind.PROGRESS, number=1)
    fill_and_submit(progress)
    with django_capture_on_commit_callbacks(execute=True):
        reports.request_revision(report=progress, actor=officer, comments="Précisez les dépenses de « matériel ».")

    messages = sent(
        "report_revision",
        mailoutbox,
        django_capture_on_commit_callbacks,
        link=agreement_url(active_agreement),
        reference=active_agreement.reference,
    )
    assert len(messages) == len(members)
    # Plain text e-mails: the comment is not HTML-escaped.
    assert "Précisez les dépenses de « matériel »." in messages[0].body


def test_report_accepted(active_agreement, members, officer, django_capture_on_commit_callbacks, mailoutbox):
    progress = active_agreement.reports.get(kind=ReportKind.PROGRESS, number=1)
    fill_and_submit(progress)
    with django_capture_on_commit_callbacks(execute=True):
        reports.accept_report(report=progress, actor=officer)

    messages = sent(
        "report_accepted",
        mailoutbox,
        django_capture_on_commit_callbacks,
        link=agreement_url(active_agreement),
        reference=active_agreement.reference,
    )
    assert len(messages) == len(members)


@pytest.mark.parametrize(
    ("days", "kind"),
    [(30, "30_days"), (7, "7_days"), (-1, "overdue")],
)
def test_report_reminder(active_agreement, members, days, kind, django_capture_on_commit_callbacks, mailoutbox):
    progress = active_agreement.reports.get(kind=ReportKind.PROGRESS, number=1)
    assert progress.due_on == date(2028, 7, 30)
    with django_capture_on_commit_callbacks(execute=True):
        assert reports.send_report_reminders(now=local_noon(progress.due_on - timedelta(days=days))) == 1

    messages = sent(
        "report_reminder",
        mailoutbox,
        django_capture_on_commit_callbacks,
        link=agreement_url(active_agreement),
        reference=active_agreement.reference,
    )
    assert len(messages) == len(members)
    assert Notification.objects.filter(event="payments.report_reminder").first().context["kind"] == kind
    assert "30 juillet 2028" in messages[0].body


def test_reminder_subjects_tell_overdue_apart(active_agreement, django_capture_on_commit_callbacks, mailoutbox):
    progress = active_agreement.reports.get(kind=ReportKind.PROGRESS, number=1)
    with django_capture_on_commit_callbacks(execute=True):
        reports.send_report_reminders(now=local_noon(progress.due_on - timedelta(days=7)))
        reports.send_report_reminders(now=local_noon(progress.due_on + timedelta(days=1)))

    subjects = [message.subject for message in mailoutbox if active_agreement.reference in message.subject]
    assert len(subjects) == 2
    assert subjects[0] != subjects[1]


def test_agreement_terminated_with_amount_to_recover(
    active_agreement, members, decision_maker, finance, second_finance, django_capture_on_commit_callbacks, mailoutbox
):
    pay(active_agreement.installments.get(number=1), finance, second_finance)
    with django_capture_on_commit_callbacks(execute=True):
        services.terminate_agreement(
            agreement=active_agreement,
            actor=decision_maker,
            reason="Le projet a pris fin avant terme.",
            eligible_expenses=Decimal("30000"),
        )

    messages = sent(
        "agreement_terminated",
        mailoutbox,
        django_capture_on_commit_callbacks,
        link=agreement_url(active_agreement),
        reference=active_agreement.reference,
    )
    assert len(messages) == len(members)
    assert "Le projet a pris fin avant terme." in messages[0].body
    # Paid 36 000 $, eligible 30 000 $.
    assert "6\u00a0000,00\u00a0$" in messages[0].body


def test_agreement_terminated_with_nothing_to_recover(
    active_agreement, decision_maker, django_capture_on_commit_callbacks, mailoutbox
):
    with django_capture_on_commit_callbacks(execute=True):
        services.terminate_agreement(
            agreement=active_agreement,
            actor=decision_maker,
            reason="L’organisme renonce au projet.",
            eligible_expenses=Decimal("0"),
        )

    messages = sent(
        "agreement_terminated",
        mailoutbox,
        django_capture_on_commit_callbacks,
        link=agreement_url(active_agreement),
        reference=active_agreement.reference,
    )
    assert Notification.objects.get(event="payments.agreement_terminated").context["to_recover"] == "0"
    assert "$" not in messages[0].body


def test_agreement_completed(
    officer, decision_maker, finance, second_finance, django_capture_on_commit_callbacks, mailoutbox
):
    agreement = activate(approved_agreement(("40000",), decision_maker=decision_maker), officer, decision_maker)
    first, holdback = agreement.installments.order_by("number")
    pay(first, finance, second_finance)
    final = agreement.reports.get(kind=ReportKind.FINAL)
    fill_and_submit(final, expenses=Decimal("40000"))
    reports.accept_report(report=final, actor=officer, eligible_expenses=Decimal("40000"))
    with django_capture_on_commit_callbacks(execute=True):
        pay(holdback, finance, second_finance)

    messages = sent(
        "agreement_completed",
        mailoutbox,
        django_capture_on_commit_callbacks,
        link=agreement_url(agreement),
        reference=agreement.reference,
    )
    assert [m.to for m in messages] == [[agreement.application.organization.memberships.get().user.email]]
    assert agreement.application.title in messages[0].body
