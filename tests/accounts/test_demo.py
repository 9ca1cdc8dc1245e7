import pytest
from django.core.management import call_command

from accounts.models import Membership, Organization, User
from common.models import TransitionLog

pytestmark = pytest.mark.django_db


def test_load_demo_twice_changes_nothing(capsys):
    call_command("load_demo")
    counts = (User.objects.count(), Organization.objects.count(), Membership.objects.count())
    call_command("load_demo")
    assert (User.objects.count(), Organization.objects.count(), Membership.objects.count()) == counts
    assert "mandataire@demo.qc.ca" in capsys.readouterr().out


def test_demo_has_one_login_per_role():
    call_command("load_demo")
    roles = set(User.objects.filter(email__endswith="@demo.qc.ca").values_list("groups__name", flat=True))
    assert roles >= {
        "program_officer",
        "reviewer",
        "committee_member",
        "decision_maker",
        "finance_officer",
        "program_manager",
        "jury_member",
    }


def test_demo_organization_has_history():
    call_command("load_demo")
    transitions = set(TransitionLog.objects.values_list("transition", flat=True))
    assert {"accounts.organization.created", "accounts.organization.member_joined"} <= transitions
