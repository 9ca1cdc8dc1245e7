"""Files under review, reviewers and assignments in each state.

Services queue e-mails with on_commit; these tests run inside a transaction that never commits, so only the
database writes are checked.
"""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone, translation

from applications import services as application_services
from applications.models import Application, ScreeningAnswer
from grants.models import ScreeningQuestion
from reviews import services
from reviews.models import ReviewAssignment
from tests.applications.factories import ApplicationFactory, complete_application
from tests.factories import UserFactory


@pytest.fixture(autouse=True)
def english(client, settings):
    """Serve the pages and the services' messages in English: messages are compared with their msgids."""
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    with translation.override("en"):
        yield


def in_two_weeks():
    return timezone.localdate() + timedelta(days=14)


def make_under_review(officer, **factory_kwargs) -> Application:
    """Take a complete draft through submission and screening to « under review »."""
    application = complete_application(ApplicationFactory(**factory_kwargs))
    call = application.call
    if not call.screening_questions.exists():
        ScreeningQuestion.objects.create(
            call=call, kind=ScreeningQuestion.Kind.RECEIVABILITY, position=0, text_fr="Dossier complet?"
        )
    representative = application.organization.memberships.get(is_representative=True).user
    application = application_services.submit_application(application=application, actor=representative)
    application = application_services.take_charge(application=application, actor=officer)
    application_services.save_screening(
        application=application,
        actor=officer,
        answers={question.pk: (ScreeningAnswer.Answer.YES, "") for question in call.screening_questions.all()},
    )
    return application_services.declare_receivable(application=application, actor=officer)


@pytest.fixture
def under_review(officer) -> Application:
    return make_under_review(officer)


@pytest.fixture
def reviewer(db):
    return UserFactory(roles=["reviewer"])


@pytest.fixture
def other_reviewer(db):
    return UserFactory(roles=["reviewer"])


def assign(application, reviewer, officer) -> ReviewAssignment:
    return services.assign_reviewer(application=application, reviewer=reviewer, due_on=in_two_weeks(), actor=officer)


@pytest.fixture
def assignment(under_review, reviewer, officer) -> ReviewAssignment:
    return assign(under_review, reviewer, officer)


def accept(assignment) -> ReviewAssignment:
    return services.declare_conflict(assignment=assignment, actor=assignment.reviewer, has_conflict=False)


@pytest.fixture
def accepted(assignment) -> ReviewAssignment:
    return accept(assignment)


def score_all(assignment, values=(8, 7, 6), recommendation="fund") -> None:
    """Score every criterion of the call, in position order, with `values`."""
    criteria = list(assignment.application.call.criteria.order_by("position"))
    services.save_review(
        assignment=assignment,
        actor=assignment.reviewer,
        scores={c.pk: (Decimal(v), False, "") for c, v in zip(criteria, values, strict=True)},
        overall_comment="",
        recommendation=recommendation,
        suggested={},
    )


def submitted_review(assignment, values=(8, 7, 6)) -> ReviewAssignment:
    score_all(assignment, values)
    services.submit_review(assignment=assignment, actor=assignment.reviewer)
    return ReviewAssignment.objects.get(pk=assignment.pk)
