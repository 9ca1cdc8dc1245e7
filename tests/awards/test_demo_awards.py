"""The demo prize editions of `make run`: 2025 announced, and 2027 open with a nomination in every state.

The demo reads each consent link from the e-mail, which goes out only when the submission commits, so these
tests run with real transactions.
"""

import io

import pytest
from django.contrib.auth.models import Group
from django.core import mail
from django.core.management import call_command
from django.core.management.base import CommandError

from accounts.models import Role, User
from awards.demo import CURRENT_NOMINATIONS, CURRENT_YEAR, JUROR_EMAILS, PAST_NOMINATIONS, PAST_YEAR
from awards.models import (
    Ballot,
    ConsentStatus,
    CoupDeCoeur,
    EditionState,
    JuryMembership,
    Nomination,
    NominationDocument,
    NominationState,
    PrizeEdition,
    Result,
    ResultOutcome,
    Round1Score,
)
from common.models import Notification, TransitionLog

pytestmark = pytest.mark.django_db(transaction=True)


def load(command: str) -> str:
    output = io.StringIO()
    call_command(command, stdout=output)
    return output.getvalue()


def restore_role_groups():
    """Create the role groups again, because a transactional test starts from an emptied database."""
    for role in Role.values:
        Group.objects.get_or_create(name=role)


def counts() -> dict[str, int]:
    models = [
        User,
        PrizeEdition,
        JuryMembership,
        Nomination,
        NominationDocument,
        Round1Score,
        Ballot,
        Result,
        CoupDeCoeur,
        Notification,
        TransitionLog,
    ]
    return {model.__name__: model.objects.count() for model in models}


@pytest.fixture
def demo():
    restore_role_groups()
    load("load_program")
    load("load_demo")
    return load("load_demo_awards")


def test_past_edition_is_announced(demo):
    edition = PrizeEdition.objects.get(year=PAST_YEAR)
    assert edition.state == EditionState.ANNOUNCED
    assert edition.announced_at is not None
    assert f"Prize edition {PAST_YEAR}: results announced" in demo

    laureates = edition.nominations.filter(state=NominationState.LAUREATE)
    assert sorted(laureates.values_list("category__code", flat=True)) == ["education", "individu", "organisation"]
    for category in edition.categories.all():
        finalists = category.nominations.filter(state__in=[NominationState.FINALIST, NominationState.LAUREATE])
        assert finalists.count() == 3, category.code
        assert category.nominations.filter(state=NominationState.NOT_RETAINED).exists(), category.code
        result = category.results.get(superseded_at__isnull=True)
        assert result.outcome == ResultOutcome.LAUREATE
        assert result.validated_at is not None
        assert result.laureate.state == NominationState.LAUREATE

    coup = edition.coup_de_coeur
    assert coup.nomination.state in NominationState.screened_in()
    assert coup.citation

    # Only consenting nominees are named. The nominee who refused consent is ineligible.
    for nomination in edition.nominations.filter(state__in=[NominationState.FINALIST, NominationState.LAUREATE]):
        assert nomination.public_name == nomination.nominee_name
    refused = edition.nominations.get(state=NominationState.INELIGIBLE)
    assert refused.consent_status == ConsentStatus.REFUSED
    assert refused.public_name == ""
    assert refused.ineligibility_reason


def test_past_edition_jury_and_dates(demo):
    edition = PrizeEdition.objects.get(year=PAST_YEAR)
    jury = edition.jury.select_related("juror")
    assert sorted(member.juror.email for member in jury) == sorted(JUROR_EMAILS)
    assert jury.get(is_president=True).juror.email == JUROR_EMAILS[0]

    # One juror declared a conflict with a finalist: no score and no rank from that juror on it.
    recused = edition.nominations.get(juror_conflicts__has_conflict=True)
    juror = recused.juror_conflicts.get(has_conflict=True).juror
    assert not Round1Score.objects.filter(nomination=recused, juror=juror).exists()
    ballot = Ballot.objects.get(category=recused.category, juror=juror)
    assert not ballot.rankings.filter(nomination=recused).exists()

    # Submissions carry 2025 dates, passed to the service as `now`.
    assert edition.nominations.count() == len(PAST_NOMINATIONS)
    for nomination in edition.nominations.all():
        assert nomination.submitted_at.year == PAST_YEAR, nomination.nominee_name


def test_current_edition_has_every_state(demo):
    edition = PrizeEdition.objects.get(year=CURRENT_YEAR)
    assert edition.state == EditionState.NOMINATIONS_OPEN
    assert edition.is_accepting_nominations()
    nominations = edition.nominations.select_related("category")
    assert set(nominations.values_list("state", flat=True)) == {
        NominationState.DRAFT,
        NominationState.SUBMITTED,
        NominationState.INCOMPLETE,
        NominationState.ELIGIBLE,
        NominationState.INELIGIBLE,
        NominationState.WITHDRAWN,
    }

    # Each demo nomination reached its state and consent status.
    by_name = {nomination.nominee_name: nomination for nomination in nominations}
    assert len(by_name) == len(CURRENT_NOMINATIONS)
    for spec in CURRENT_NOMINATIONS:
        nomination = by_name[spec.nominee_name]
        assert (nomination.state, nomination.consent_status) == (spec.state, spec.consent), spec.nominee_name

    submitted_individu = nominations.filter(state=NominationState.SUBMITTED, category__code="individu")
    consent = {nomination.consent_status for nomination in submitted_individu}
    assert {ConsentStatus.PENDING, ConsentStatus.GIVEN} <= consent

    incomplete = nominations.get(state=NominationState.INCOMPLETE)
    assert len(incomplete.incomplete_items) >= 1
    ineligible = nominations.get(state=NominationState.INELIGIBLE)
    assert ineligible.ineligibility_reason
    withdrawn = nominations.get(state=NominationState.WITHDRAWN)
    assert withdrawn.consent_status == ConsentStatus.WITHDRAWN
    assert withdrawn.withdrawal_reason

    # The e-mail with the consent link still reaches the configured backend, here Django's test outbox.
    awaiting = nominations.get(
        state=NominationState.SUBMITTED,
        consent_requested_at__isnull=False,
        consent_given_at=None,
        consent_refused_at=None,
    )
    messages = [message for message in mail.outbox if awaiting.nominee_email in message.to]
    assert any("/prix/consentement/" in message.body for message in messages)


def test_demo_support_letters_are_pdfs(demo):
    documents = NominationDocument.objects.exclude(nomination__state=NominationState.DRAFT)
    assert documents.count() >= len(PAST_NOMINATIONS) + len(CURRENT_NOMINATIONS) - 1
    for document in documents:
        assert document.content_type == "application/pdf"
        with document.file.open("rb") as stored:
            assert stored.read(5) == b"%PDF-"
    submitted = Nomination.objects.exclude(state=NominationState.DRAFT)
    assert not submitted.filter(documents__isnull=True).exists()


def test_demo_awards_twice_changes_nothing(demo):
    before = counts()
    states = dict(Nomination.objects.values_list("pk", "state"))
    editions = dict(PrizeEdition.objects.values_list("pk", "state"))

    output = load("load_demo_awards")

    assert counts() == before
    assert dict(Nomination.objects.values_list("pk", "state")) == states
    assert dict(PrizeEdition.objects.values_list("pk", "state")) == editions
    assert "nothing changed" in output


def test_demo_awards_need_the_demo_logins():
    restore_role_groups()
    load("load_program")
    with pytest.raises(CommandError, match="load_demo"):
        load("load_demo_awards")
