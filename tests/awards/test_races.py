"""Identical ballots at the same instant, each in its own thread and connection, record one ballot (PostgreSQL)."""

import pytest

from awards import services
from awards.models import Ballot, BallotRanking, JurorConflict
from awards.services import AlreadyDone
from common.models import TransitionLog
from tests.awards.conftest import category, make_edition, to_final_vote
from tests.conftest import requires_postgresql
from tests.factories import UserFactory
from tests.reviews.test_decisions import restore_role_groups, run_at_once

pytestmark = [requires_postgresql, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def vote_open():
    """An edition in its final vote, built after the role groups that the emptied database lost."""
    restore_role_groups()
    manager = UserFactory(roles=["program_manager"])
    officer = UserFactory(roles=["program_officer"])
    jurors = [UserFactory(roles=["jury_member"]) for _ in range(3)]
    edition = make_edition(manager, jurors)
    edition, nominations = to_final_vote(edition, manager, jurors, officer)
    return category(edition, "organisation"), jurors, nominations


def test_parallel_identical_ballots_record_one(vote_open):
    organisation, jurors, (first, second, third) = vote_open
    ranks = {first.pk: 1, second.pk: 2, third.pk: 3, None: 4}

    outcomes = run_at_once(*[lambda: services.submit_ballot(category=organisation, juror=jurors[0], ranks=ranks)] * 3)

    assert sum(isinstance(outcome, Ballot) for outcome in outcomes) == 1, outcomes
    assert sum(isinstance(outcome, AlreadyDone) for outcome in outcomes) == 2, outcomes
    assert Ballot.objects.filter(category=organisation, juror=jurors[0]).count() == 1
    assert BallotRanking.objects.filter(ballot__juror=jurors[0]).count() == 4
    assert TransitionLog.objects.filter(transition="awards.ballot.submitted").count() == 1


def test_parallel_different_ballots_keep_the_first(vote_open):
    organisation, jurors, (first, second, third) = vote_open

    outcomes = run_at_once(
        lambda: services.submit_ballot(
            category=organisation, juror=jurors[1], ranks={first.pk: 1, second.pk: 2, third.pk: 3, None: 4}
        ),
        lambda: services.submit_ballot(category=organisation, juror=jurors[1], abstain=True),
    )

    assert sum(isinstance(outcome, Ballot) for outcome in outcomes) == 1, outcomes
    assert sum(isinstance(outcome, AlreadyDone) for outcome in outcomes) == 1, outcomes
    assert Ballot.objects.filter(category=organisation, juror=jurors[1]).count() == 1


def test_parallel_first_declarations_record_one(vote_open):
    _organisation, jurors, (first, _second, _third) = vote_open
    juror = jurors[2]
    JurorConflict.objects.filter(juror=juror, nomination=first).delete()

    outcomes = run_at_once(
        lambda: services.declare_conflict(nomination=first, juror=juror, has_conflict=True),
        lambda: services.declare_conflict(nomination=first, juror=juror, has_conflict=True),
    )

    assert sum(isinstance(outcome, JurorConflict) for outcome in outcomes) == 1, outcomes
    assert sum(isinstance(outcome, AlreadyDone) for outcome in outcomes) == 1, outcomes
    assert JurorConflict.objects.filter(juror=juror, nomination=first).count() == 1
