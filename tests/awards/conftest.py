"""An edition taken through its stages by the services, with jurors, nominations and scores.

Services queue e-mails with on_commit. Helpers that need a consent link run the callbacks and read the
token from the e-mail, because the database keeps only its hash.
"""

import re
from datetime import timedelta
from decimal import Decimal

import pytest
from django.core import mail
from django.test import TestCase
from django.utils import timezone, translation

from awards import services
from awards.models import Category, EditionState, JuryMembership, Nomination, NominationState, PrizeEdition
from tests.awards.factories import NominationFactory, pdf_upload
from tests.factories import ProgramFactory, UserFactory

CONSENT_LINK = re.compile(r"/prix/consentement/([A-Za-z0-9_-]+)/")


@pytest.fixture(autouse=True)
def english():
    """Compare the services' messages with their msgids."""
    with translation.override("en"):
        yield


@pytest.fixture
def officer(db):
    return UserFactory(roles=["program_officer"])


@pytest.fixture
def manager(db):
    return UserFactory(roles=["program_manager"])


@pytest.fixture
def jurors(db):
    """Three jurors; the first is the jury president once make_edition adds them."""
    return [UserFactory(roles=["jury_member"]) for _ in range(3)]


def make_edition(
    manager, jurors, *, open_nominations: bool = True, year: int | None = None, closes_at=None
) -> PrizeEdition:
    """Create an edition with the default categories and `jurors` (the first presides), then open nominations."""
    now = timezone.now()
    edition = services.create_edition(
        program=ProgramFactory(),
        year=year or 2030 + PrizeEdition.objects.count(),
        nominations_open_at=now - timedelta(days=1),
        nominations_close_at=closes_at or now + timedelta(days=30),
        actor=manager,
    )
    for index, juror in enumerate(jurors):
        JuryMembership.objects.create(edition=edition, juror=juror, is_president=index == 0)
    if open_nominations:
        edition = services.open_nominations(edition=edition, actor=manager)
    return edition


@pytest.fixture
def edition(manager, jurors) -> PrizeEdition:
    return make_edition(manager, jurors)


def category(edition, code: str) -> Category:
    return edition.categories.get(code=code)


def draft(edition, code: str = "organisation", **fields) -> Nomination:
    """A complete draft with one support letter, started and filled through the services."""
    nominator = fields.pop("nominator", None) or UserFactory()
    nomination = services.start_nomination(edition=edition, category=category(edition, code), actor=nominator)
    values = NominationFactory.build(edition=edition, category=category(edition, code), **fields)
    data = {name: getattr(values, name) for name in services.nominations.TEXT_FIELDS}
    data["people_reached"] = values.people_reached
    data["region"] = values.region
    nomination = services.save_nomination(nomination=nomination, actor=nominator, data=data)
    services.add_document(nomination=nomination, actor=nominator, kind="support_letter", upload=pdf_upload())
    return nomination


def consent_token_from_outbox() -> str:
    """Return the token of the last consent link e-mailed."""
    for message in reversed(mail.outbox):
        match = CONSENT_LINK.search(message.body)
        if match:
            return match.group(1)
    raise AssertionError("No consent link was e-mailed.")


def submit(nomination: Nomination, **kwargs) -> Nomination:
    """Submit through the service and run its after-commit callbacks, so the e-mails go out."""
    with TestCase.captureOnCommitCallbacks(execute=True):
        return services.submit_nomination(nomination=nomination, actor=nomination.nominator, **kwargs)


def nominate(edition, code: str = "organisation", **fields) -> Nomination:
    """A submitted nomination; in a category that requires consent, `.token` is the nominee's consent token."""
    nomination = submit(draft(edition, code, **fields))
    if nomination.requires_consent:
        nomination.token = consent_token_from_outbox()
    return nomination


def eligible(edition, officer, code: str = "organisation", **fields) -> Nomination:
    nomination = nominate(edition, code, **fields)
    if nomination.requires_consent:
        services.give_consent(token=nomination.token)
    declared = services.declare_eligible(nomination=nomination, actor=officer)
    declared.token = getattr(nomination, "token", None)
    return declared


def start_round1(edition, manager) -> PrizeEdition:
    """Close nominations (as if the deadline passed) and start round 1, due in two weeks."""
    edition = services.close_nominations(
        edition=edition, actor=manager, now=edition.nominations_close_at + timedelta(minutes=1)
    )
    edition.round1_due_on = timezone.localdate() + timedelta(days=14)
    edition.final_vote_due_on = timezone.localdate() + timedelta(days=28)
    edition.save(update_fields=["round1_due_on", "final_vote_due_on"])
    return services.start_shortlisting(edition=edition, actor=manager)


def score(juror, nomination, value) -> None:
    """Declare no conflict (once) and give `value` on every criterion of the nomination's category."""
    if not nomination.juror_conflicts.filter(juror=juror).exists():
        services.declare_conflict(nomination=nomination, juror=juror, has_conflict=False)
    criteria = nomination.category.criteria.all()
    services.save_round1_scores(
        nomination=nomination, juror=juror, scores={criterion.pk: Decimal(value) for criterion in criteria}
    )


def refreshed(instance):
    instance.refresh_from_db()
    return instance


def finalists_of(category_obj) -> list[Nomination]:
    return list(category_obj.nominations.filter(state=NominationState.FINALIST).order_by("round1_rank"))


def to_final_vote(edition, manager, jurors, officer, *, code: str = "organisation", scores=(9, 8, 7)):
    """Take an open edition to the final vote with one eligible nomination per entry of `scores` in `code`.

    Every juror gives each of these nominations its score on every criterion, so the nomination's mean is
    that score times 10. Nominations made eligible earlier by the test get 8 from everyone.
    Returns (edition, the new nominations in `scores` order).
    """
    nominations = [eligible(edition, officer, code) for _ in scores]
    values = {nomination.pk: value for nomination, value in zip(nominations, scores, strict=True)}
    edition = start_round1(edition, manager)
    for nomination in edition.nominations.filter(state=NominationState.ELIGIBLE).select_related("category"):
        for juror in jurors:
            score(juror, nomination, values.get(nomination.pk, 8))
    edition = services.close_round1(edition=edition, actor=manager)
    assert edition.state == EditionState.FINAL_VOTE
    return edition, [refreshed(nomination) for nomination in nominations]
