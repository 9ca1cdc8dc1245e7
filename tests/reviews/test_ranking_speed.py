"""The ranking built from plain values: exact reviewer normalisation from sums, and the rows built in Python."""

import random
from decimal import Decimal

import pytest
from django.db import connection
from django.template.defaultfilters import floatformat
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import translation

from applications.models import Application, ApplicationState
from common.money import format_money
from grants.models import Envelope
from reviews.aggregation import reviewer_normalisation, reviewer_normalisation_from_sums
from reviews.models import CommitteeDecision, CommitteeRecommendation, RecommendedAmount
from reviews.ranking import normalisations_by_reviewer, rank_call, totals_by_reviewer
from reviews.views_committee import FigureFormatter
from tests.factories import CallFactory, UserFactory
from tests.reviews.test_ranking import add_review, evaluated_file, ranking_url

pytestmark = pytest.mark.django_db


@pytest.fixture
def call():
    call = CallFactory(code="ECI-2027", passing_score=Decimal("60"))
    Envelope.objects.filter(call=call).delete()
    Envelope.objects.create(call=call, fiscal_year="2027-2028", amount=Decimal("100000"))
    return call


def recommended_file(call, *, title="Projet recommandé"):
    """A file the committee recommended, with 1 000 $ recommended for year 1 and 2 000 $ for year 2."""
    application = evaluated_file(call, ["80"], requested=["1000", "2000"], title=title)
    recommendation = CommitteeRecommendation.objects.create(
        application=application,
        decision=CommitteeDecision.RECOMMEND,
        departs_from_ranking=True,
        recorded_by=UserFactory(roles=["committee_member"]),
    )
    for number, amount in enumerate(["1000", "2000"], start=1):
        RecommendedAmount.objects.create(recommendation=recommendation, project_year=number, amount=Decimal(amount))
    Application.objects.filter(pk=application.pk).update(state=ApplicationState.RECOMMENDED)
    return application


def totals(*values):
    return [Decimal(value) for value in values]


@pytest.mark.parametrize(
    "reviewer_totals",
    [
        pytest.param(totals("60", "65", "70", "75"), id="too-few"),
        pytest.param(totals("70", "70", "70", "70", "70"), id="no-spread"),
        pytest.param(totals("60", "65", "70", "75", "80"), id="irrational-root"),
        pytest.param(totals("0", "100", "100", "50", "25"), id="exact-root"),
        pytest.param(totals("33.33", "66.67", "99.99", "0.01", "12.34", "56.78"), id="cents"),
    ],
)
def test_normalisation_from_sums_cases(reviewer_totals):
    expected = reviewer_normalisation(reviewer_totals)

    result = reviewer_normalisation_from_sums(
        len(reviewer_totals), sum(reviewer_totals), sum(total * total for total in reviewer_totals)
    )

    assert result == expected
    # The same digits too, so that a deviation prints as statistics.pstdev prints it.
    assert str(result.deviation) == str(expected.deviation)
    assert str(result.mean) == str(expected.mean)


def test_normalisation_from_sums_random():
    generator = random.Random(2027)  # noqa: S311 - reproducible test data, not a secret
    for _ in range(500):
        count = generator.choice([5, 6, 7, 30, 300])
        reviewer_totals = [Decimal(generator.randint(0, 10000)).scaleb(-2) for _ in range(count)]
        expected = reviewer_normalisation(reviewer_totals)

        result = reviewer_normalisation_from_sums(
            count, sum(reviewer_totals), sum(total * total for total in reviewer_totals)
        )

        assert result == expected, reviewer_totals


def test_normalisations_by_reviewer_from_database(call):
    reviewer = UserFactory(roles=["reviewer"])
    for total in ["60.25", "65.50", "70.75", "75.01", "80.99", "33.33"]:
        add_review(evaluated_file(call, []), reviewer, total)
    few = UserFactory(roles=["reviewer"])
    add_review(evaluated_file(call, []), few, "70")

    normalisations = normalisations_by_reviewer({reviewer.pk, few.pk})

    stored = totals_by_reviewer({reviewer.pk, few.pk})
    assert normalisations[reviewer.pk] == reviewer_normalisation(stored[reviewer.pk])
    assert normalisations[few.pk] == reviewer_normalisation(stored[few.pk])
    assert normalisations[few.pk].reason == "too_few"


def test_ranked_file_light_values(call):
    application = recommended_file(call)

    ranked = rank_call(call).file_of(application.pk)

    assert ranked.application.reference == application.reference
    assert ranked.application.title == application.title
    assert ranked.application.organization_id == application.organization_id
    assert ranked.application.organization.name == application.organization.name
    assert ranked.application.state == ApplicationState.RECOMMENDED
    assert ranked.recommendation.get_decision_display() == "Recommend"
    assert ranked.recommendation.departs_from_ranking is True
    assert [(amount.project_year, amount.amount) for amount in ranked.recommendation.amounts] == [
        (1, Decimal("1000.00")),
        (2, Decimal("2000.00")),
    ]


def test_ranking_page_queries_with_recommendations(client, call):
    recommended_file(call)
    client.force_login(UserFactory(roles=["decision_maker"]))
    client.get(ranking_url(call))
    with CaptureQueriesContext(connection) as one:
        assert client.get(ranking_url(call)).status_code == 200
    recommended_file(call)
    recommended_file(call)
    with CaptureQueriesContext(connection) as three:
        response = client.get(ranking_url(call))

    assert len(response.context["rows"]) == 3
    assert len(three) == len(one)


def test_ranking_page_recommendation_cell(client, call):
    application = recommended_file(call)
    client.force_login(UserFactory(roles=["decision_maker"]))

    content = client.get(ranking_url(call)).content.decode()

    assert "Year 1: $1,000.00" in content
    assert "Year 2: $2,000.00" in content
    assert "(departs from the ranking)" in content
    decide_url = reverse("reviews:decide", args=[application.pk])
    assert f'<a href="{decide_url}">Decide<span class="qc-sr-only"> on {application.reference}</span></a>' in content


def test_ranking_page_recommend_link(client, call):
    application = evaluated_file(call, ["70"])
    client.force_login(UserFactory(roles=["committee_member"]))

    content = client.get(ranking_url(call)).content.decode()

    assert f'href="{reverse("reviews:recommend", args=[application.pk])}"' in content


def test_ranking_page_escapes_user_text(client, call):
    evaluated_file(call, ["70"], title="<script>alert('titre')</script>")
    client.force_login(UserFactory(roles=["program_manager"]))

    content = client.get(ranking_url(call)).content.decode()

    assert "<script>alert" not in content
    assert "&lt;script&gt;alert(&#x27;titre&#x27;)&lt;/script&gt;" in content


@pytest.mark.parametrize("language", ["fr", "en"])
def test_figure_formatter_matches_filters(language):
    values = ["0.00", "-0.00", "-0.35", "0.005", "85.00", "71.67", "100.00", "-2.50", "999.99", "1234.50", "12.345"]
    amounts = ["0", "1000", "1234.56", "100000.00", "0.005"]
    with translation.override(language):
        formatter = FigureFormatter()

        for value in values:
            assert formatter.two_places(Decimal(value)) == floatformat(Decimal(value), 2), value
        for amount in amounts:
            assert formatter.money(Decimal(amount)) == format_money(Decimal(amount)), amount
