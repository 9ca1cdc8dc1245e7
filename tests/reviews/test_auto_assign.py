"""Planning and applying the reviewer assignments of a whole call, and the officer's page that does it."""

import pytest
from django.urls import reverse

from common.models import TransitionLog
from reviews import auto_assign, services
from reviews.models import Affiliation, AssignmentState, ConflictKind, ReviewAssignment
from tests.applications.factories import ApplicationFactory
from tests.factories import UserFactory
from tests.reviews.conftest import assign, in_two_weeks, make_under_review

pytestmark = pytest.mark.django_db

LOGIN = "/comptes/connexion/"


@pytest.fixture
def files(officer):
    """Three files under review in one call, in id order."""
    first = make_under_review(officer)
    return [first, make_under_review(officer, call=first.call), make_under_review(officer, call=first.call)]


@pytest.fixture
def call(files):
    return files[0].call


@pytest.fixture
def people(db):
    """Three reviewers in id order, and a user without the reviewer role who must never be chosen."""
    UserFactory(roles=["committee_member"])
    return [UserFactory(roles=["reviewer"]) for _ in range(3)]


def table(plan) -> list[tuple[int, int]]:
    """Return the plan as (application id, reviewer id) pairs."""
    return [(application.pk, reviewer.pk) for application, reviewer in plan]


def expected(files, people, rows) -> list[tuple[int, int]]:
    """Turn (file index, reviewer index) rows into (application id, reviewer id) pairs."""
    return [(files[f].pk, people[r].pk) for f, r in rows]


def plan(call, per_file=2, cap=10):
    return auto_assign.plan_assignments(call=call, reviewers_per_file=per_file, cap_per_reviewer=cap)


def test_balances_the_load_with_ties_by_id(call, files, people):
    result = plan(call)
    assert table(result) == expected(files, people, [(0, 0), (0, 1), (1, 2), (1, 0), (2, 1), (2, 2)])
    assert result.unstaffed == []


def test_counts_active_assignments_of_other_calls(call, files, people, officer):
    other_call_file = make_under_review(officer)
    assign(other_call_file, people[0], officer)
    assign(other_call_file, people[1], officer)
    result = plan(call, per_file=1)
    assert table(result) == expected(files, people, [(0, 2), (1, 0), (2, 1)])


def test_never_exceeds_the_cap_and_reports_short_files(call, files, people):
    result = plan(call, cap=1)
    assert table(result) == expected(files, people, [(0, 0), (0, 1), (1, 2)])
    assert [(item.application, item.missing) for item in result.unstaffed] == [(files[1], 1), (files[2], 2)]


def test_excludes_affiliations_and_declared_conflicts(call, files, people, officer):
    Affiliation.objects.create(reviewer=people[0], organization=files[0].organization, kind=ConflictKind.EMPLOYEE)
    # A conflict declared on another file of the organization excludes the reviewer from this one too.
    other_file = make_under_review(officer, organization=files[1].organization, created_by=files[1].created_by)
    services.declare_conflict(
        assignment=assign(other_file, people[2], officer), actor=people[2], has_conflict=True, kind=ConflictKind.FAMILY
    )
    result = plan(call, per_file=3)
    pairs = table(result)
    assert (files[0].pk, people[0].pk) not in pairs
    assert (files[1].pk, people[2].pk) not in pairs
    for application, reviewer in result:
        assert services.conflict_reason(reviewer=reviewer, application=application) == ""
    assert [(item.application, item.missing) for item in result.unstaffed] == [(files[0], 1), (files[1], 1)]


def test_skips_reviewers_already_assigned(call, files, people, officer):
    assign(files[0], people[2], officer)
    result = plan(call)
    assert [pair for pair in table(result) if pair[0] == files[0].pk] == [(files[0].pk, people[0].pk)]
    assert (files[0].pk, people[2].pk) not in table(result)


def test_declined_assignments_do_not_count(call, files, people, officer):
    services.decline_assignment(assignment=assign(files[0], people[0], officer), actor=people[0], reason="En congé.")
    result = plan(call, per_file=1)
    assert table(result)[0] == (files[0].pk, people[0].pk)


def test_ignores_files_not_under_review(call, files, people):
    ApplicationFactory(call=call)
    assert {application.pk for application, _reviewer in plan(call)} == {file.pk for file in files}


def test_is_deterministic(call, files, people):
    assert table(plan(call)) == table(plan(call))


def test_no_reviewer_reports_every_file(call, files):
    result = plan(call)
    assert list(result) == []
    assert [item.missing for item in result.unstaffed] == [2, 2, 2]


def test_apply_goes_through_the_service(call, files, people, officer, django_capture_on_commit_callbacks, mailoutbox):
    with django_capture_on_commit_callbacks(execute=True):
        created, unstaffed = auto_assign.apply_assignments(
            call=call, actor=officer, due_on=in_two_weeks(), reviewers_per_file=2, cap_per_reviewer=10
        )
    assert len(created) == 6
    assert unstaffed == []
    assert ReviewAssignment.objects.filter(state=AssignmentState.ASSIGNED, assigned_by=officer).count() == 6
    assert TransitionLog.objects.filter(transition="reviews.assignment.assigned").count() == 6
    assert sorted(message.to[0] for message in mailoutbox) == sorted([person.email for person in people] * 2)
    # A second run finds every file staffed and changes nothing.
    created, unstaffed = auto_assign.apply_assignments(
        call=call, actor=officer, due_on=in_two_weeks(), reviewers_per_file=2, cap_per_reviewer=10
    )
    assert created == []
    assert ReviewAssignment.objects.count() == 6


def test_apply_only_by_an_officer(call, files, people):
    with pytest.raises(services.ReviewError, match="Only a program officer"):
        auto_assign.apply_assignments(
            call=call, actor=people[0], due_on=in_two_weeks(), reviewers_per_file=2, cap_per_reviewer=10
        )
    assert not ReviewAssignment.objects.exists()


# The page


def url_of(call) -> str:
    return reverse("reviews:call_assignments", kwargs={"code": call.code})


@pytest.mark.parametrize("role", ["reviewer", "committee_member", "member"])
def test_page_is_a_404_for_everyone_but_officers(client, call, files, role):
    user = files[0].created_by if role == "member" else UserFactory(roles=[role])
    client.force_login(user)
    assert client.get(url_of(call)).status_code == 404
    assert client.post(url_of(call), {"apply": ""}).status_code == 404


def test_page_redirects_anonymous_to_login(client, call):
    response = client.get(url_of(call))
    assert response.status_code == 302
    assert response.url.startswith(LOGIN)


def test_page_unknown_call_is_a_404(client, officer):
    client.force_login(officer)
    assert client.get(reverse("reviews:call_assignments", kwargs={"code": "inconnu"})).status_code == 404


def test_page_defaults_to_the_call_quorum(client, officer, call):
    client.force_login(officer)
    response = client.get(url_of(call))
    assert response.status_code == 200
    assert response.context["form"].initial == {"reviewers_per_file": call.review_quorum, "cap_per_reviewer": 10}


def form_data(**overrides):
    return {"reviewers_per_file": 2, "cap_per_reviewer": 1, "due_on": in_two_weeks().isoformat(), **overrides}


def test_preview_shows_the_plan_and_writes_nothing(client, officer, call, files, people):
    client.force_login(officer)
    response = client.post(url_of(call), form_data(preview=""))
    assert response.status_code == 200
    assert len(response.context["plan"]) == 3
    assert files[2].reference in response.content.decode()
    assert not ReviewAssignment.objects.exists()


def test_confirm_applies_and_reports_short_files(client, officer, call, files, people):
    client.force_login(officer)
    response = client.post(url_of(call), form_data(apply=""), follow=True)
    assert ReviewAssignment.objects.count() == 3
    texts = [str(message) for message in response.context["messages"]]
    assert texts[0] == "3 assignments created; each reviewer receives an e-mail."
    assert any(text.startswith(f"{files[2].reference} is missing 2 reviewer(s).") for text in texts)


def test_confirm_rejects_a_past_due_date(client, officer, call, files, people):
    client.force_login(officer)
    response = client.post(url_of(call), form_data(apply="", due_on="2020-01-01"))
    assert response.status_code == 200
    assert response.context["form"].errors["due_on"] == ["The due date must be after today."]
    assert not ReviewAssignment.objects.exists()
