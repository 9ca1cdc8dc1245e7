"""The reviewer's and the officer's pages: who may open what, what each form writes, and the query counts."""

from decimal import Decimal

import pytest
from django.contrib.messages import get_messages
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from applications.models import ApplicationState
from reviews import services
from reviews.models import Affiliation, AssignmentState, ConflictKind, Review, ReviewAssignment
from tests.factories import UserFactory
from tests.reviews.conftest import accept, assign, in_two_weeks, make_under_review, submitted_review

pytestmark = pytest.mark.django_db

LOGIN = "/comptes/connexion/"


def messages_of(response) -> list[str]:
    return [str(message) for message in get_messages(response.wsgi_request)]


def state_of(assignment) -> str:
    return ReviewAssignment.objects.values_list("state", flat=True).get(pk=assignment.pk)


@pytest.fixture
def conflicted(under_review, officer):
    """A reviewer who declared a conflict on this file."""
    person = UserFactory(roles=["reviewer"])
    services.declare_conflict(
        assignment=assign(under_review, person, officer), actor=person, has_conflict=True, kind=ConflictKind.FAMILY
    )
    return person


@pytest.fixture
def personas(reviewer, other_reviewer, conflicted, officer, member_of_file):
    return {
        "reviewer": reviewer,
        "other_reviewer": other_reviewer,
        "conflicted": conflicted,
        "officer": officer,
        "member": member_of_file,
        "anonymous": None,
    }


@pytest.fixture
def member_of_file(under_review):
    return under_review.organization.memberships.get(is_representative=True).user


def get_as(client, user, url):
    if user is not None:
        client.force_login(user)
    return client.get(url)


# Who may open what


@pytest.mark.parametrize(
    ("persona", "expected"),
    [
        ("reviewer", 200),
        ("other_reviewer", 404),
        ("conflicted", 404),
        ("officer", 404),
        ("member", 404),
        ("anonymous", 302),
    ],
)
def test_assignment_page_by_persona(client, personas, assignment, persona, expected):
    response = get_as(client, personas[persona], reverse("reviews:assignment", kwargs={"pk": assignment.pk}))
    assert response.status_code == expected
    if expected == 302:
        assert response["Location"].startswith(LOGIN)


@pytest.mark.parametrize(
    ("persona", "expected"),
    [
        ("reviewer", 200),
        ("other_reviewer", 404),
        ("conflicted", 404),
        ("officer", 200),
        ("member", 404),
        ("anonymous", 302),
    ],
)
def test_file_reviews_page_by_persona(client, personas, assignment, persona, expected):
    url = reverse("reviews:file_reviews", kwargs={"pk": assignment.application.pk})
    response = get_as(client, personas[persona], url)
    # The assigned reviewer is not an officer either.
    expected = 404 if persona == "reviewer" else expected
    assert response.status_code == expected


@pytest.mark.parametrize("persona", ["reviewer", "other_reviewer", "conflicted", "officer", "member"])
def test_my_assignments_by_persona(client, personas, assignment, persona):
    response = get_as(client, personas[persona], reverse("reviews:my_assignments"))
    assert response.status_code == 200
    shows_file = assignment.application.reference in response.content.decode()
    assert shows_file == (persona == "reviewer")


def test_my_assignments_anonymous(client):
    response = client.get(reverse("reviews:my_assignments"))
    assert response.status_code == 302
    assert response["Location"].startswith(LOGIN)


@pytest.mark.parametrize("name", ["reviews:declare_conflict", "reviews:decline", "reviews:score", "reviews:assignment"])
def test_reviewer_posts_404_for_others(client, assignment, other_reviewer, officer, name):
    for person in (other_reviewer, officer):
        client.force_login(person)
        assert client.post(reverse(name, kwargs={"pk": assignment.pk}), {"has_conflict": "no"}).status_code in (
            404,
            405,
        )
    assert state_of(assignment) == AssignmentState.ASSIGNED


@pytest.mark.parametrize("name", ["reviews:assign", "reviews:close_review", "reviews:reopen_file_review"])
def test_officer_posts_404_for_others(client, under_review, reviewer, member_of_file, name):
    for person in (reviewer, member_of_file):
        client.force_login(person)
        response = client.post(reverse(name, kwargs={"pk": under_review.pk}), {"reason": "x"})
        assert response.status_code == 404
    assert not ReviewAssignment.objects.exists()


def test_file_reviews_404_before_review(client, officer):
    from tests.applications.factories import ApplicationFactory

    client.force_login(officer)
    draft = ApplicationFactory()
    assert client.get(reverse("reviews:file_reviews", kwargs={"pk": draft.pk})).status_code == 404


def test_file_page_links_to_reviews_for_officers(client, officer, under_review):
    client.force_login(officer)
    response = client.get(reverse("applications:detail", kwargs={"pk": under_review.pk}))
    assert reverse("reviews:file_reviews", kwargs={"pk": under_review.pk}) in response.content.decode()


# Declaration


def test_assigned_page_shows_only_title_organization_and_due_date(client, assignment, reviewer):
    client.force_login(reviewer)
    page = client.get(reverse("reviews:assignment", kwargs={"pk": assignment.pk})).content.decode()
    application = assignment.application
    assert application.title in page
    assert application.organization.name in page
    assert "Former des élèves" not in page  # the summary of the project
    assert application.organization.neq not in page
    assert reverse("reviews:declare_conflict", kwargs={"pk": assignment.pk}) in page


def test_declaring_no_conflict_opens_the_file(client, assignment, reviewer):
    client.force_login(reviewer)
    response = client.post(reverse("reviews:declare_conflict", kwargs={"pk": assignment.pk}), {"has_conflict": "no"})
    assert response.status_code == 302
    assert state_of(assignment) == AssignmentState.ACCEPTED
    page = client.get(reverse("reviews:assignment", kwargs={"pk": assignment.pk})).content.decode()
    assert "Former des élèves" in page
    assert 'name="submit"' in page


def test_declaring_a_conflict_without_kind_is_a_form_error(client, assignment, reviewer):
    client.force_login(reviewer)
    response = client.post(reverse("reviews:declare_conflict", kwargs={"pk": assignment.pk}), {"has_conflict": "yes"})
    assert response.status_code == 200
    assert "Choose the kind of conflict of interest." in response.content.decode()
    assert state_of(assignment) == AssignmentState.ASSIGNED


def test_declaring_a_conflict_hides_the_file(client, assignment, reviewer):
    client.force_login(reviewer)
    response = client.post(
        reverse("reviews:declare_conflict", kwargs={"pk": assignment.pk}),
        {"has_conflict": "yes", "kind": ConflictKind.FINANCIAL, "comment": "Mon frère y travaille."},
    )
    assert response["Location"] == reverse("reviews:my_assignments")
    assert state_of(assignment) == AssignmentState.DECLINED
    assert client.get(reverse("reviews:assignment", kwargs={"pk": assignment.pk})).status_code == 404
    assert assignment.application.reference not in client.get(reverse("reviews:my_assignments")).content.decode()


def test_decline_for_unavailability(client, assignment, reviewer):
    client.force_login(reviewer)
    url = reverse("reviews:decline", kwargs={"pk": assignment.pk})
    assert client.post(url, {"reason": ""}).status_code == 200
    assert client.post(url, {"reason": "En congé."}).status_code == 302
    assert state_of(assignment) == AssignmentState.DECLINED


# Scoring


def score_data(assignment, values=("8", "7", "6"), **extra):
    data = {"recommendation": "fund", "overall_comment": "Projet solide.", "amount_1": "30 000,00"}
    for criterion, value in zip(assignment.application.call.criteria.order_by("position"), values, strict=True):
        data[f"score_{criterion.pk}"] = value
        data[f"comment_{criterion.pk}"] = f"Commentaire {criterion.position}"
    data.update(extra)
    return data


def test_save_draft_with_decimal_comma(client, accepted, reviewer):
    client.force_login(reviewer)
    response = client.post(
        reverse("reviews:score", kwargs={"pk": accepted.pk}), score_data(accepted, ("7,5", "", "6")) | {"save": ""}
    )
    assert response.status_code == 302
    review = Review.objects.get(assignment=accepted)
    assert sorted(score.value for score in review.scores.exclude(value=None)) == [Decimal("6"), Decimal("7.5")]
    assert review.suggested_amounts.get().amount == Decimal("30000.00")
    assert state_of(accepted) == AssignmentState.ACCEPTED


def test_invalid_score_keeps_values(client, accepted, reviewer):
    client.force_login(reviewer)
    response = client.post(
        reverse("reviews:score", kwargs={"pk": accepted.pk}), score_data(accepted, ("11", "7", "6")) | {"save": ""}
    )
    page = response.content.decode()
    assert response.status_code == 200
    assert "error-summary" in page
    assert "Enter a score between 0 and 10, such as 7,5." in page
    assert 'value="11"' in page
    assert "Commentaire 1" in page
    assert not Review.objects.exists()


def test_submit_incomplete_shows_the_service_error_and_keeps_the_draft(client, accepted, reviewer):
    client.force_login(reviewer)
    response = client.post(
        reverse("reviews:score", kwargs={"pk": accepted.pk}), score_data(accepted, ("8", "", "6")) | {"submit": ""}
    )
    assert response.status_code == 200
    assert "Score every criterion first (1 left)." in response.content.decode()
    assert state_of(accepted) == AssignmentState.ACCEPTED
    assert Review.objects.get(assignment=accepted).scores.exclude(value=None).count() == 2


def test_not_applicable_not_offered_where_not_allowed(client, accepted, reviewer):
    client.force_login(reviewer)
    page = client.get(reverse("reviews:assignment", kwargs={"pk": accepted.pk})).content.decode()
    assert 'name="na_' not in page
    criterion = accepted.application.call.criteria.order_by("position").first()
    criterion.allows_not_applicable = True
    criterion.save()
    page = client.get(reverse("reviews:assignment", kwargs={"pk": accepted.pk})).content.decode()
    assert page.count('name="na_') == 1


def test_submit_shows_the_own_review_read_only(client, accepted, reviewer):
    client.force_login(reviewer)
    response = client.post(reverse("reviews:score", kwargs={"pk": accepted.pk}), score_data(accepted) | {"submit": ""})
    assert response.status_code == 302
    assert state_of(accepted) == AssignmentState.SUBMITTED
    page = client.get(reverse("reviews:assignment", kwargs={"pk": accepted.pk})).content.decode()
    assert "71.50" in page
    assert 'name="submit"' not in page
    # A second submission is refused without an error page.
    again = client.post(reverse("reviews:score", kwargs={"pk": accepted.pk}), score_data(accepted) | {"submit": ""})
    assert again.status_code == 302


def test_reviewer_never_sees_another_score(client, accepted, other_reviewer, officer, reviewer):
    submitted_review(accept(assign(accepted.application, other_reviewer, officer)), ("3.3", "3.3", "3.3"))
    client.force_login(reviewer)
    for url in (
        reverse("reviews:assignment", kwargs={"pk": accepted.pk}),
        reverse("reviews:my_assignments"),
        reverse("accounts:dashboard"),
    ):
        page = client.get(url).content.decode()
        assert "33.00" not in page
        assert "33,00" not in page
        assert other_reviewer.last_name not in page


# Officer page


def test_officer_assigns_and_excluded_reviewers_are_listed(client, under_review, officer, reviewer, other_reviewer):
    Affiliation.objects.create(reviewer=other_reviewer, organization=under_review.organization, kind="employee")
    client.force_login(officer)
    url = reverse("reviews:file_reviews", kwargs={"pk": under_review.pk})
    page = client.get(url).content.decode()
    assert f'<option value="{reviewer.pk}"' in page
    assert f'<option value="{other_reviewer.pk}"' not in page
    assert "Recorded affiliation with the organization" in page
    due = in_two_weeks().isoformat()
    response = client.post(
        reverse("reviews:assign", kwargs={"pk": under_review.pk}), {"reviewer": reviewer.pk, "due_on": due}
    )
    assert response.status_code == 302
    twice = client.post(
        reverse("reviews:assign", kwargs={"pk": under_review.pk}), {"reviewer": reviewer.pk, "due_on": due}
    )
    assert twice.status_code == 302
    assert "is already assigned" in messages_of(twice)[-1]
    assert ReviewAssignment.objects.filter(application=under_review).count() == 1
    rejected = client.post(
        reverse("reviews:assign", kwargs={"pk": under_review.pk}), {"reviewer": other_reviewer.pk, "due_on": due}
    )
    assert rejected.status_code == 200
    assert ReviewAssignment.objects.filter(application=under_review).count() == 1


def test_officer_statistics_cancel_close_and_reopen(client, accepted, officer, other_reviewer):
    application = accepted.application
    second = accept(assign(application, other_reviewer, officer))
    client.force_login(officer)
    page_url = reverse("reviews:file_reviews", kwargs={"pk": application.pk})
    close_url = reverse("reviews:close_review", kwargs={"pk": application.pk})

    submitted_review(accepted, ("9", "9", "9"))
    response = client.post(close_url)
    assert response.status_code == 200
    assert "1 review(s) are not submitted yet." in response.content.decode()

    submitted_review(second, ("5", "5", "5"))
    page = client.get(page_url).content.decode()
    assert "90.00" in page
    assert "50.00" in page
    assert "70.00" in page
    assert "The reviewers disagree" in page

    reopen_url = reverse("reviews:reopen_review", kwargs={"pk": application.pk, "assignment_id": second.pk})
    assert client.post(reopen_url, {"reason": ""}).status_code == 200
    assert client.post(reopen_url, {"reason": "Note à revoir."}).status_code == 302
    assert state_of(second) == AssignmentState.ACCEPTED
    cancel_url = reverse("reviews:cancel_assignment", kwargs={"pk": application.pk, "assignment_id": second.pk})
    assert client.post(cancel_url, {"reason": "Indisponible."}).status_code == 302
    assert state_of(second) == AssignmentState.CANCELLED

    response = client.post(close_url)
    assert "The call needs 2 submitted reviews; this file has 1." in response.content.decode()

    third = accept(assign(application, UserFactory(roles=["reviewer"]), officer))
    submitted_review(third)
    assert client.post(close_url).status_code == 302
    application.refresh_from_db()
    assert application.state == ApplicationState.EVALUATED
    assert client.get(page_url).status_code == 200
    assert client.post(close_url).status_code == 302  # AlreadyDone: a message, not an error

    reopen_file_url = reverse("reviews:reopen_file_review", kwargs={"pk": application.pk})
    assert client.post(reopen_file_url, {"reason": "Nouvelle pièce."}).status_code == 302
    application.refresh_from_db()
    assert application.state == ApplicationState.UNDER_REVIEW


# Query counts


def query_count(client, url) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return len(queries)


def test_my_assignments_query_count_is_constant(client, reviewer, officer):
    assign(make_under_review(officer), reviewer, officer)
    client.force_login(reviewer)
    url = reverse("reviews:my_assignments")
    single_row = query_count(client, url)
    for _index in range(2):
        assign(make_under_review(officer), reviewer, officer)
    assert query_count(client, url) == single_row


def test_file_reviews_query_count_is_constant(client, under_review, officer):
    submitted_review(accept(assign(under_review, UserFactory(roles=["reviewer"]), officer)))
    client.force_login(officer)
    url = reverse("reviews:file_reviews", kwargs={"pk": under_review.pk})
    single_row = query_count(client, url)
    submitted_review(accept(assign(under_review, UserFactory(roles=["reviewer"]), officer)))
    assign(under_review, UserFactory(roles=["reviewer"]), officer)
    assert query_count(client, url) == single_row


def test_file_reviews_labels_too_few_for_normalisation(client, officer, accepted):
    submitted_review(accepted)
    client.force_login(officer)
    content = client.get(reverse("reviews:file_reviews", kwargs={"pk": accepted.application.pk})).content.decode()
    assert "Normalised score (z), for information" in content
    assert "fewer than 5 reviews by this reviewer" in content


def test_file_reviews_shows_z_score_with_enough_reviews(client, officer, accepted):
    from reviews.models import Review

    reviewed = submitted_review(accepted, values=(8, 7, 6))
    # Four earlier submitted reviews by the same reviewer, with other totals, make the normalisation possible.
    for values in [(5, 5, 5), (9, 9, 9), (6, 6, 6), (4, 4, 4)]:
        other = make_under_review(officer)
        submitted_review(accept(assign(other, accepted.reviewer, officer)), values=values)
    client.force_login(officer)
    content = client.get(reverse("reviews:file_reviews", kwargs={"pk": reviewed.application.pk})).content.decode()
    assert Review.objects.filter(assignment__reviewer=accepted.reviewer, submitted_at__isnull=False).count() == 5
    assert "fewer than 5 reviews by this reviewer" not in content
    # Totals 71.5, 50, 90, 60 and 40: mean 62.3, population deviation 17.35, so (71.5 - 62.3) / 17.35 = 0.53.
    assert ">0.53<" in content
