"""Every awards e-mail renders in French and in English, with the facts its recipient needs."""

import pytest
from django.core import mail
from django.template.loader import render_to_string
from django.utils import translation

from awards import services
from common.models import Notification, TransitionLog
from common.models.audit import TRANSITION_LABELS
from common.notifications import render_notification
from tests.awards.conftest import category, draft, eligible, nominate, submit, to_final_vote
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

TEMPLATES = [
    "consent_given",
    "consent_refused",
    "consent_withdrawn",
    "nomination_submitted",
    "nomination_incomplete",
    "nomination_eligible",
    "nomination_ineligible",
    "nomination_finalist",
    "nomination_not_retained",
    "results_announced",
    "jury_round_open",
    "juror_reminder",
]
CONTEXT = {
    "nominee": "Alexis Tremblay",
    "edition": "Prix Ensemble contre l'intimidation 2031",
    "category": "Individu",
    "items": ["Lettre d'appui signée"],
    "reason": "Action réalisée hors Québec.",
    "laureate": True,
    "coup_de_coeur": True,
    "withdrawn": True,
    "round": "final_vote",
    "kind": "soon",
    "year": 2031,
    "due_on": "2031-05-15",
    "link": "https://exemple.qc.ca/prix/",
    "recipient": {"first_name": "Camille"},
}


@pytest.mark.parametrize("language", ["fr", "en"])
@pytest.mark.parametrize("name", TEMPLATES)
def test_template_renders(name, language):
    with translation.override(language):
        subject = render_to_string(f"emails/awards/{name}_subject.txt", CONTEXT)
        body = render_to_string(f"emails/awards/{name}.txt", CONTEXT)

    assert subject.strip()
    assert "\n" not in subject.strip()
    assert "https://exemple.qc.ca/prix/" in body
    assert "{{" not in body
    assert "{%" not in body


def test_consent_request_names_nominator_and_link(edition):
    nominator = UserFactory(first_name="Dominique", last_name="Gagnon")
    mail.outbox.clear()

    nomination = nominate(edition, "individu", nominator=nominator)

    message = next(message for message in mail.outbox if message.to == [nomination.nominee_email])
    assert "Dominique Gagnon" in message.body
    assert nomination.token in message.body
    assert "Individu" in message.body


def test_incomplete_email_lists_the_items(edition, officer, django_capture_on_commit_callbacks, mailoutbox):
    nomination = nominate(edition)
    mailoutbox.clear()

    with django_capture_on_commit_callbacks(execute=True):
        services.request_completion(
            nomination=nomination, actor=officer, items=["Lettre signée", "Nombre de personnes"]
        )

    assert "- Lettre signée\n- Nombre de personnes" in mailoutbox[0].body


def test_notifications_render_in_the_recipients_language(edition, officer):
    nomination = eligible(edition, officer)
    nomination.nominator.preferred_language = "en"
    nomination.nominator.save(update_fields=["preferred_language"])

    notification = Notification.objects.get(event="awards.nomination_eligible", object_id=str(nomination.pk))
    subject, body, _html = render_notification(notification)

    assert nomination.nominee_name in subject
    assert "Organisation" in body or "Organization" in body
    assert f"/prix/candidatures/{nomination.pk}/" in body


def test_every_transition_code_has_a_label(edition, officer, manager, jurors):
    person = eligible(edition, officer, "individu")
    withdrawn = submit(draft(edition))
    services.withdraw_nomination(nomination=withdrawn, actor=withdrawn.nominator, reason="Retrait.")
    edition, _nominations = to_final_vote(edition, manager, jurors, officer)
    for current in (category(edition, "organisation"), category(edition, "individu")):
        options = [n.pk for n in current.nominations.filter(state="finalist")]
        for juror in jurors:
            services.submit_ballot(category=current, juror=juror, ranks={**{pk: 1 for pk in options}, None: 2})
    services.close_vote(edition=edition, actor=manager)
    services.validate_results(edition=edition, actor=manager)
    services.set_coup_de_coeur(edition=edition, nomination=person, actor=manager)
    services.announce_results(edition=edition, actor=manager)

    codes = set(TransitionLog.objects.values_list("transition", flat=True))

    assert {"awards.edition.announced", "awards.ballot.submitted", "awards.nomination.awarded"} <= codes
    assert codes <= set(TRANSITION_LABELS), codes - set(TRANSITION_LABELS)
