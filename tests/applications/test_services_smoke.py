import pytest

from applications import services
from applications.checks import application_problems
from applications.models import ApplicationState
from tests.applications.factories import ApplicationFactory, complete_application

pytestmark = pytest.mark.django_db


def test_complete_application_has_no_problem():
    application = complete_application(ApplicationFactory())
    assert application_problems(application) == []


def test_submit_gives_reference(django_capture_on_commit_callbacks):
    application = complete_application(ApplicationFactory())
    representative = application.organization.memberships.get(is_representative=True).user
    with django_capture_on_commit_callbacks(execute=True):
        submitted = services.submit_application(application=application, actor=representative)
    assert submitted.state == ApplicationState.SUBMITTED
    assert submitted.reference == f"{application.call.code}-0001"
