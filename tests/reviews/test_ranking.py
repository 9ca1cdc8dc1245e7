"""The ranking of a call: order, ties, passing score, the funding line per fiscal year, and the ranking page."""

from datetime import date, datetime, timedelta
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone, translation

from applications.models import Application, ApplicationState, RequestedAmount
from grants.models import Envelope
from reviews.models import Affiliation, AssignmentState, ConflictKind, Review, ReviewAssignment
from reviews.ranking import rank_call
from tests.factories import CallFactory, MembershipFactory, UserFactory

pytestmark = pytest.mark.django_db

START = timezone.make_aware(datetime(2026, 3, 1, 9, 0))


def evaluated_file(call, totals, *, requested=(), starts_on=date(2027, 7, 1), minutes=0, title="Projet"):
    """An evaluated file of `call` with one submitted review per total and `requested` amounts by project year."""
    organization = MembershipFactory(is_representative=True).organization
    application = Application.objects.create(
        call=call,
        organization=organization,
        created_by=organization.memberships.first().user,
        state=ApplicationState.EVALUATED,
        reference=f"{call.code}-{Application.objects.count() + 1:03d}",
        title=title,
        starts_on=starts_on,
        ends_on=starts_on.replace(year=starts_on.year + max(len(requested), 1)) - timedelta(days=1),
        submitted_at=START + timedelta(minutes=minutes),
    )
    for number, amount in enumerate(requested, start=1):
        RequestedAmount.objects.create(application=application, project_year=number, amount=Decimal(amount))
    for total in totals:
        assignment = ReviewAssignment.objects.create(
            application=application,
            reviewer=UserFactory(roles=["reviewer"]),
            state=AssignmentState.SUBMITTED,
            due_on=date(2026, 5, 1),
            assigned_by=application.created_by,
        )
        Review.objects.create(assignment=assignment, total=Decimal(total), submitted_at=START)
    return application


@pytest.fixture
def call():
    call = CallFactory(code="ECI-2027", passing_score=Decimal("60"))
    Envelope.objects.filter(call=call).delete()
    return call


def references(ranking):
    return [item.application.reference for item in ranking.files]


def test_ranking_sorted_by_mean_score(call):
    low = evaluated_file(call, ["50", "60"])
    high = evaluated_file(call, ["90", "80"])
    middle = evaluated_file(call, ["70"])

    ranking = rank_call(call)

    assert references(ranking) == [high.reference, middle.reference, low.reference]
    assert [item.rank for item in ranking.files] == [1, 2, 3]
    assert ranking.files[0].score == Decimal("85.00")


def test_ranking_tie_earlier_submission_first(call):
    later = evaluated_file(call, ["70"], minutes=10)
    earlier = evaluated_file(call, ["70"], minutes=5)

    assert references(rank_call(call)) == [earlier.reference, later.reference]


def test_ranking_passes_at_equal_score(call):
    evaluated_file(call, ["60"])
    evaluated_file(call, ["59.99"])

    assert [item.passes for item in rank_call(call).files] == [True, False]


def test_ranking_only_evaluated_files(call):
    ranked = evaluated_file(call, ["70"])
    other = evaluated_file(call, ["80"])
    Application.objects.filter(pk=other.pk).update(state=ApplicationState.UNDER_REVIEW)

    assert references(rank_call(call)) == [ranked.reference]


def test_funding_line_per_fiscal_year(call):
    Envelope.objects.create(call=call, fiscal_year="2027-2028", amount=Decimal("100000"))
    Envelope.objects.create(call=call, fiscal_year="2028-2029", amount=Decimal("70000"))
    # Project years start on 1 July: year 1 in 2027-2028, year 2 in 2028-2029.
    first = evaluated_file(call, ["90"], requested=["60000", "40000"])
    second = evaluated_file(call, ["80"], requested=["40000", "40000"])

    ranking = rank_call(call)

    assert first.reference == ranking.files[0].application.reference
    assert ranking.files[0].amounts_by_fiscal_year == {"2027-2028": Decimal("60000"), "2028-2029": Decimal("40000")}
    assert ranking.files[0].within_envelope is True
    # 40 000 fits in the 40 000 left of 2027-2028, but not in the 30 000 left of 2028-2029.
    assert ranking.files[1].within_envelope is False
    assert second.reference == ranking.files[1].application.reference
    budgets = {budget.label: budget for budget in ranking.budgets}
    assert budgets["2027-2028"].committed == Decimal("60000")
    assert budgets["2028-2029"].committed == Decimal("40000")
    assert budgets["2028-2029"].remaining == Decimal("30000")


def test_funding_line_smaller_file_still_fits(call):
    Envelope.objects.create(call=call, fiscal_year="2027-2028", amount=Decimal("100000"))
    evaluated_file(call, ["90"], requested=["70000"])
    evaluated_file(call, ["85"], requested=["50000"])
    evaluated_file(call, ["80"], requested=["30000"])

    ranking = rank_call(call)

    assert [item.within_envelope for item in ranking.files] == [True, False, True]
    assert ranking.budgets[0].committed == Decimal("100000")


def test_funding_line_skips_failing_file(call):
    Envelope.objects.create(call=call, fiscal_year="2027-2028", amount=Decimal("100000"))
    evaluated_file(call, ["40"], requested=["10000"])

    ranking = rank_call(call)

    assert ranking.files[0].within_envelope is False
    assert ranking.budgets[0].committed == Decimal("0")


def test_funding_line_year_without_envelope(call):
    evaluated_file(call, ["90"], requested=["10000"])

    ranking = rank_call(call)

    assert ranking.files[0].within_envelope is False
    assert [(budget.label, budget.envelope) for budget in ranking.budgets] == [("2027-2028", Decimal("0"))]


def test_ranking_constant_queries(call):
    evaluated_file(call, ["70"], requested=["1000"])
    with CaptureQueriesContext(connection) as one:
        rank_call(call)
    evaluated_file(call, ["80"], requested=["1000", "2000"])
    evaluated_file(call, ["60"], requested=["1000"])
    with CaptureQueriesContext(connection) as three:
        rank_call(call)

    assert len(three) == len(one)


# The ranking page


@pytest.fixture
def committee_member():
    return UserFactory(roles=["committee_member"])


def ranking_url(call):
    return reverse("reviews:ranking", kwargs={"code": call.code})


@pytest.mark.parametrize("role", ["program_officer", "program_manager", "committee_member", "decision_maker"])
def test_ranking_page_allowed_roles(client, call, role):
    evaluated_file(call, ["70"], title="Pairs aidants")
    client.force_login(UserFactory(roles=[role]))

    response = client.get(ranking_url(call))

    assert response.status_code == 200
    assert "Pairs aidants" in response.content.decode()


@pytest.mark.parametrize("role", ["reviewer", "finance_officer", "jury_member"])
def test_ranking_page_404_other_staff(client, call, role):
    client.force_login(UserFactory(roles=[role]))

    assert client.get(ranking_url(call)).status_code == 404


def test_ranking_page_404_organization_member(client, call):
    application = evaluated_file(call, ["70"])
    client.force_login(application.created_by)

    assert client.get(ranking_url(call)).status_code == 404


def test_ranking_page_anonymous_login(client, call):
    response = client.get(ranking_url(call))

    assert response.status_code == 302


def test_ranking_page_conflicted_member_masked(client, call, committee_member):
    Envelope.objects.create(call=call, fiscal_year="2027-2028", amount=Decimal("100000"))
    conflicted = evaluated_file(call, ["87.5"], requested=["12345"], title="Titre confidentiel")
    evaluated_file(call, ["70"], requested=["1000"], title="Projet visible")
    Affiliation.objects.create(
        reviewer=committee_member, organization=conflicted.organization, kind=ConflictKind.BOARD_MEMBER
    )
    client.force_login(committee_member)

    content = client.get(ranking_url(call)).content.decode()

    assert conflicted.reference in content
    assert "Conflict of interest" in content
    assert "Titre confidentiel" not in content
    assert conflicted.organization.name not in content
    assert "87.50" not in content
    assert "12,345" not in content
    assert "Projet visible" in content


def test_ranking_page_officer_unmasked(client, call, officer, committee_member):
    conflicted = evaluated_file(call, ["87.5"], title="Titre confidentiel")
    Affiliation.objects.create(
        reviewer=committee_member, organization=conflicted.organization, kind=ConflictKind.BOARD_MEMBER
    )
    client.force_login(officer)

    content = client.get(ranking_url(call)).content.decode()

    assert "Titre confidentiel" in content
    assert "87.50" in content


def test_ranking_page_envelope_summary(client, call, officer):
    Envelope.objects.create(call=call, fiscal_year="2027-2028", amount=Decimal("100000"))
    evaluated_file(call, ["90"], requested=["60000"])
    client.force_login(officer)

    content = client.get(ranking_url(call)).content.decode()

    assert "2027-2028" in content
    assert "$100,000.00" in content
    assert "$60,000.00" in content


def test_ranking_page_constant_queries(client, call, committee_member):
    Envelope.objects.create(call=call, fiscal_year="2027-2028", amount=Decimal("100000"))
    evaluated_file(call, ["70"], requested=["1000"])
    client.force_login(committee_member)
    client.get(ranking_url(call))
    with CaptureQueriesContext(connection) as one:
        assert client.get(ranking_url(call)).status_code == 200
    evaluated_file(call, ["80"], requested=["1000", "2000"])
    evaluated_file(call, ["60"], requested=["1000"])
    with CaptureQueriesContext(connection) as three:
        assert client.get(ranking_url(call)).status_code == 200

    assert len(three) == len(one)


def test_ranking_page_in_french(client, call, officer, settings):
    Envelope.objects.create(call=call, fiscal_year="2027-2028", amount=Decimal("100000"))
    evaluated_file(call, ["90"], requested=["60000"])
    client.force_login(officer)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "fr"

    with translation.override("fr"):
        content = client.get(ranking_url(call)).content.decode()

    assert "Ligne de financement par exercice financier" in content
    assert "Seuil de passage\u00a0: 60 sur 100." in content
    assert "100\u00a0000,00\u00a0$" in content


# The disagreement threshold of the call


@pytest.mark.parametrize(("threshold", "flagged"), [("10", True), ("20", False)])
def test_ranking_disagreement_uses_call_threshold(call, threshold, flagged):
    call.disagreement_threshold = Decimal(threshold)
    call.save(update_fields=["disagreement_threshold"])
    evaluated_file(call, ["80", "65"])

    statistics = rank_call(call).files[0].statistics

    assert statistics.spread == Decimal("15")
    assert statistics.disagreement is flagged


@pytest.mark.parametrize(("threshold", "flagged"), [("10", True), ("20", False)])
def test_ranking_page_disagreement_uses_call_threshold(client, call, officer, threshold, flagged):
    call.disagreement_threshold = Decimal(threshold)
    call.save(update_fields=["disagreement_threshold"])
    evaluated_file(call, ["80", "65"])
    client.force_login(officer)

    content = client.get(ranking_url(call)).content.decode()

    assert ("(reviewers disagree)" in content) is flagged


@pytest.mark.parametrize(("threshold", "flagged"), [("10", True), ("20", False)])
def test_officer_page_disagreement_uses_call_threshold(client, call, officer, threshold, flagged):
    call.disagreement_threshold = Decimal(threshold)
    call.save(update_fields=["disagreement_threshold"])
    application = evaluated_file(call, ["80", "65"])
    client.force_login(officer)

    response = client.get(reverse("reviews:file_reviews", kwargs={"pk": application.pk}))

    assert response.status_code == 200
    assert response.context["statistics"].spread == Decimal("15")
    assert response.context["statistics"].disagreement is flagged
    assert ("The reviewers disagree" in response.content.decode()) is flagged


def test_disagreement_threshold_defaults_to_20(call):
    assert call.disagreement_threshold == Decimal("20")


# The normalised score


def add_review(application, reviewer, total):
    """Add a submitted review by `reviewer` with `total` to `application`."""
    assignment = ReviewAssignment.objects.create(
        application=application,
        reviewer=reviewer,
        state=AssignmentState.SUBMITTED,
        due_on=date(2026, 5, 1),
        assigned_by=application.created_by,
    )
    Review.objects.create(assignment=assignment, total=Decimal(total), submitted_at=START)


def reviewer_with_totals(call, totals):
    """A reviewer with one submitted review per total, each on its own evaluated file of `call`."""
    reviewer = UserFactory(roles=["reviewer"])
    for total in totals:
        add_review(evaluated_file(call, []), reviewer, total)
    return reviewer


@pytest.fixture
def other_call():
    """A second call that contains the reviewers' earlier reviews, so that its files stay out of `call`'s ranking."""
    return CallFactory(code="ECI-2026")


def test_normalised_score_is_mean_of_z_scores(call, other_call):
    # First reviewer: totals 60, 65, 70, 75 and 80 have mean 70 and population deviation √50 ≈ 7.07, so z(80) = 1.41.
    first = reviewer_with_totals(other_call, ["60", "65", "70", "75"])
    # Second reviewer: totals 50, 70, 80, 90 and 60 have mean 70 and deviation √200 ≈ 14.14, so z(60) = -0.71.
    second = reviewer_with_totals(other_call, ["50", "70", "80", "90"])
    # A third reviewer with a single review cannot be normalised, so their review is left out of the mean.
    application = evaluated_file(call, ["75"])
    add_review(application, first, "80")
    add_review(application, second, "60")

    ranked = rank_call(call).file_of(application.pk)

    assert ranked.normalised == Decimal("0.35")  # (1.41 - 0.71) / 2
    assert ranked.score == Decimal("71.67")  # the mean is still that of the three reviews


@pytest.mark.parametrize(
    "earlier_totals",
    [
        pytest.param(["60", "70", "80"], id="four-reviews"),
        pytest.param(["70", "70", "70", "70"], id="all-equal"),
    ],
)
def test_normalised_score_none_when_not_computable(call, other_call, earlier_totals):
    reviewer = reviewer_with_totals(other_call, earlier_totals)
    application = evaluated_file(call, [])
    add_review(application, reviewer, "70")

    assert rank_call(call).file_of(application.pk).normalised is None


def test_normalised_score_none_without_reviews(call):
    application = evaluated_file(call, [])

    assert rank_call(call).file_of(application.pk).normalised is None


def test_ranking_page_shows_normalised_score(client, call, other_call, officer):
    reviewer = reviewer_with_totals(other_call, ["60", "65", "70", "75"])
    normalised = evaluated_file(call, [], title="Normalisé")
    add_review(normalised, reviewer, "80")
    evaluated_file(call, ["50"], title="Trop peu")
    client.force_login(officer)

    content = client.get(ranking_url(call)).content.decode()

    assert "Normalised score (information only)" in content
    assert ">1.41<" in content
    assert "Not computable: see the note below the table." in content


def test_ranking_page_masks_normalised_score(client, call, other_call, committee_member):
    reviewer = reviewer_with_totals(other_call, ["60", "65", "70", "75"])
    conflicted = evaluated_file(call, [], title="Titre confidentiel")
    add_review(conflicted, reviewer, "80")
    Affiliation.objects.create(
        reviewer=committee_member, organization=conflicted.organization, kind=ConflictKind.BOARD_MEMBER
    )
    client.force_login(committee_member)

    content = client.get(ranking_url(call)).content.decode()

    assert conflicted.reference in content
    assert "Conflict of interest" in content
    assert "1.41" not in content


def test_ranking_page_constant_queries_with_normalisation(client, call, other_call, officer):
    def normalised_file():
        reviewer = reviewer_with_totals(other_call, ["60", "65", "70", "75"])
        application = evaluated_file(call, ["70"], requested=["1000"])
        add_review(application, reviewer, "80")
        return application

    normalised_file()
    client.force_login(officer)
    client.get(ranking_url(call))
    with CaptureQueriesContext(connection) as one:
        response = client.get(ranking_url(call))
    assert response.context["rows"][0].file.normalised is not None
    normalised_file()
    normalised_file()
    with CaptureQueriesContext(connection) as three:
        response = client.get(ranking_url(call))

    assert len(response.context["rows"]) == 3
    assert all(row.file.normalised is not None for row in response.context["rows"])
    assert len(three) == len(one)
