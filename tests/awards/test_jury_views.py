"""The jury's pages: home, conflict declaration, round 1 sheet, shortlist and cut, ballot, vote and casting vote.

A juror who declared a conflict with a nomination must see nothing of it: each view is checked for that.
"""

from decimal import Decimal

import pytest
from django.contrib.messages import get_messages
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils.html import escape

from awards import services
from awards.dashboards import jury_panel
from awards.models import (
    Ballot,
    BallotStatus,
    EditionState,
    NominationState,
    Result,
    ResultOutcome,
    Round1Score,
    TieBreakStep,
)
from tests.awards.conftest import (
    category,
    eligible,
    make_edition,
    refreshed,
    score,
    start_round1,
    to_final_vote,
)
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def english_pages(client, settings):
    """Serve the pages in English, so that messages compare with their msgids."""
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"


def messages_of(response) -> list[str]:
    return [str(message) for message in get_messages(response.wsgi_request)]


def home_url(edition) -> str:
    return reverse("awards:jury_home", args=[edition.pk])


def nomination_url(nomination, name: str = "jury_nomination") -> str:
    return reverse(f"awards:{name}", args=[nomination.edition_id, nomination.pk])


def ballot_url(category_obj) -> str:
    return reverse("awards:ballot", args=[category_obj.edition_id, category_obj.pk])


def page(client, user, url):
    client.force_login(user)
    return client.get(url)


def count_queries(client, user, url) -> int:
    client.force_login(user)
    client.get(url)  # fills the per-process caches (content types, translations)
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200
    return len(queries)


def declare(juror, nomination, has_conflict: bool):
    services.declare_conflict(nomination=nomination, juror=juror, has_conflict=has_conflict)


@pytest.fixture
def round1(edition, officer, manager):
    """An edition in round 1 with two eligible nominations in « Organisation »."""
    first = eligible(edition, officer, nominee_name="Maison des jeunes Rosemont")
    second = eligible(edition, officer, nominee_name="Centre Alpha-Sud")
    edition = start_round1(edition, manager)
    return edition, refreshed(first), refreshed(second)


# Jury home


def test_home_lists_the_nominations(client, jurors, round1):
    edition, first, second = round1
    response = page(client, jurors[1], home_url(edition))
    assert response.status_code == 200
    content = response.content.decode()
    assert first.nominee_name in content
    assert second.nominee_name in content
    assert response.context["to_declare"] == 2


@pytest.mark.parametrize("persona", ["officer", "manager", "other_juror", "nominator"])
def test_home_hidden_from_non_jurors(client, officer, manager, round1, persona):
    edition, first, _second = round1
    people = {
        "officer": officer,
        "manager": manager,
        "other_juror": UserFactory(roles=["jury_member"]),
        "nominator": first.nominator,
    }
    assert page(client, people[persona], home_url(edition)).status_code == 404


def test_home_sends_anonymous_to_login(client, round1):
    response = client.get(home_url(round1[0]))
    assert response.status_code == 302
    assert "/comptes/connexion/" in response["Location"]


def test_home_serves_the_emailed_path(round1):
    from awards.links import jury_path

    assert jury_path(round1[0]) == home_url(round1[0])


def test_home_before_round1_shows_no_nomination(client, jurors, officer, edition):
    nomination = eligible(edition, officer, nominee_name="Fondation Entraide")
    response = page(client, jurors[1], home_url(edition))
    assert response.status_code == 200
    assert nomination.nominee_name not in response.content.decode()


def test_home_hides_a_conflicted_nomination(client, jurors, round1):
    edition, first, second = round1
    declare(jurors[1], first, True)
    response = page(client, jurors[1], home_url(edition))
    content = response.content.decode()
    assert first.nominee_name not in content
    assert second.nominee_name in content
    assert response.context["to_declare"] == 1
    [organisation] = [block for block in response.context["blocks"] if block.rows]
    assert len(organisation.rows) == 1


def test_home_counts_sheets_to_complete(client, jurors, round1):
    edition, first, _second = round1
    declare(jurors[1], first, False)
    criterion = first.category.criteria.first()
    services.save_round1_scores(nomination=first, juror=jurors[1], scores={criterion.pk: Decimal(7)})
    response = page(client, jurors[1], home_url(edition))
    assert response.context["to_declare"] == 1
    assert response.context["to_score"] == 1


def test_home_queries_constant(client, jurors, officer, manager, edition):
    eligible(edition, officer)
    edition = start_round1(edition, manager)
    one_row = count_queries(client, jurors[1], home_url(edition))
    other = make_edition(manager, jurors)
    for _index in range(3):
        eligible(other, officer)
    other = start_round1(other, manager)
    three_rows = count_queries(client, jurors[1], home_url(other))
    assert one_row == three_rows


# Nomination page, declaration and score sheet


def test_nomination_shows_only_name_before_declaration(client, jurors, round1):
    _edition, first, _second = round1
    response = page(client, jurors[1], nomination_url(first))
    assert response.status_code == 200
    content = response.content.decode()
    assert first.nominee_name in content
    assert escape(first.actions) not in content
    assert "lettre-appui.pdf" not in content
    assert "score_form" not in response.context


def test_nomination_shows_content_after_declaration(client, jurors, round1):
    _edition, first, _second = round1
    declare(jurors[1], first, False)
    response = page(client, jurors[1], nomination_url(first))
    content = response.content.decode()
    assert escape(first.actions) in content
    assert "lettre-appui.pdf" in content
    assert response.context["score_form"] is not None


@pytest.mark.parametrize("persona", ["officer", "manager", "other_juror"])
def test_nomination_hidden_from_non_jurors(client, officer, manager, round1, persona):
    people = {"officer": officer, "manager": manager, "other_juror": UserFactory(roles=["jury_member"])}
    assert page(client, people[persona], nomination_url(round1[1])).status_code == 404


def test_declaring_no_conflict_opens_the_nomination(client, jurors, round1):
    _edition, first, _second = round1
    client.force_login(jurors[1])
    response = client.post(nomination_url(first, "jury_declare"), {"has_conflict": "no"})
    assert response.status_code == 302
    assert response["Location"] == nomination_url(first)
    assert first.juror_conflicts.get(juror=jurors[1]).has_conflict is False


def test_declaring_a_conflict_hides_the_nomination(client, jurors, round1):
    edition, first, _second = round1
    client.force_login(jurors[1])
    response = client.post(nomination_url(first, "jury_declare"), {"has_conflict": "yes", "comment": "Ma sœur"})
    assert response.status_code == 302
    assert response["Location"] == home_url(edition)
    assert client.get(nomination_url(first)).status_code == 404


def test_declaring_a_conflict_twice_is_already_done(client, jurors, round1):
    edition, first, _second = round1
    client.force_login(jurors[1])
    client.post(nomination_url(first, "jury_declare"), {"has_conflict": "yes"})
    response = client.post(nomination_url(first, "jury_declare"), {"has_conflict": "yes"})
    assert response.status_code == 302
    assert response["Location"] == home_url(edition)
    assert "You already declared a conflict of interest with this nomination." in messages_of(response)


def test_declaration_without_answer_is_a_form_error(client, jurors, round1):
    _edition, first, _second = round1
    client.force_login(jurors[1])
    response = client.post(nomination_url(first, "jury_declare"), {"comment": "?"})
    assert response.status_code == 200
    assert response.context["declaration_form"].errors["has_conflict"]
    assert not first.juror_conflicts.exists()


def test_declaration_hidden_from_non_jurors(client, officer, round1):
    _edition, first, _second = round1
    client.force_login(officer)
    assert client.post(nomination_url(first, "jury_declare"), {"has_conflict": "no"}).status_code == 404
    assert not first.juror_conflicts.exists()


def score_data(nomination, value: str) -> dict:
    return {f"score_{criterion.pk}": value for criterion in nomination.category.criteria.all()}


def test_score_sheet_saves_every_criterion(client, jurors, round1):
    _edition, first, _second = round1
    declare(jurors[1], first, False)
    client.force_login(jurors[1])
    response = client.post(nomination_url(first, "jury_score"), score_data(first, "7,5"))
    assert response.status_code == 302
    scores = set(Round1Score.objects.filter(juror=jurors[1], nomination=first).values_list("score", flat=True))
    assert scores == {Decimal("7.5")}
    assert "Your score sheet is saved and complete." in messages_of(response)


def test_score_above_maximum_is_a_form_error(client, jurors, round1):
    _edition, first, _second = round1
    declare(jurors[1], first, False)
    client.force_login(jurors[1])
    response = client.post(nomination_url(first, "jury_score"), score_data(first, "11"))
    assert response.status_code == 200
    assert response.context["score_form"].errors
    assert not Round1Score.objects.filter(nomination=first).exists()


def test_score_before_declaration_shows_the_services_message(client, jurors, round1):
    _edition, first, _second = round1
    client.force_login(jurors[1])
    response = client.post(nomination_url(first, "jury_score"), score_data(first, "8"))
    assert response.status_code == 200
    expected = "Declare whether you have a conflict of interest with this nomination first."
    assert response.context["page_error"] == expected
    assert not Round1Score.objects.filter(nomination=first).exists()


def test_conflicted_juror_cannot_score(client, jurors, round1):
    _edition, first, _second = round1
    declare(jurors[1], first, True)
    client.force_login(jurors[1])
    assert client.get(nomination_url(first)).status_code == 404
    assert client.post(nomination_url(first, "jury_score"), score_data(first, "8")).status_code == 404
    assert not Round1Score.objects.filter(nomination=first).exists()


def document_url(nomination) -> str:
    document = nomination.documents.get()
    return reverse("awards:jury_document", args=[nomination.edition_id, nomination.pk, document.pk])


def test_document_for_a_declared_juror(client, jurors, round1):
    _edition, first, _second = round1
    declare(jurors[1], first, False)
    response = page(client, jurors[1], document_url(first))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"


def test_document_hidden_before_declaration(client, jurors, round1):
    assert page(client, jurors[1], document_url(round1[1])).status_code == 404


def test_document_hidden_from_a_conflicted_juror(client, jurors, round1):
    _edition, first, _second = round1
    declare(jurors[1], first, True)
    assert page(client, jurors[1], document_url(first)).status_code == 404


# Round 1 shortlist, cut decision and close


@pytest.fixture
def tie_at_cut(edition, officer, manager, jurors):
    """Four nominations in « Organisation » scored 9, 8, 7, 7 by every juror: two tie for the last seat."""
    nominations = [eligible(edition, officer) for _ in range(4)]
    edition = start_round1(edition, manager)
    for juror in jurors:
        for nomination, value in zip(nominations, (9, 8, 7, 7), strict=True):
            score(juror, nomination, value)
    return edition, [refreshed(nomination) for nomination in nominations]


def round1_url(edition) -> str:
    return reverse("awards:round1", args=[edition.pk])


def cut_url(edition, code: str = "organisation") -> str:
    return reverse("awards:cut_decision", args=[edition.pk, category(edition, code).pk])


def test_round1_page_shows_the_tie(client, jurors, tie_at_cut):
    edition, _nominations = tie_at_cut
    response = page(client, jurors[0], round1_url(edition))
    assert response.status_code == 200
    [block] = [block for block in response.context["blocks"] if block.lines]
    assert block.has_tie
    assert [line.place for line in block.lines] == ["finalist", "finalist", "tied", "tied"]
    assert response.context["missing_total"] == 0


def test_round1_page_lists_missing_sheets(client, manager, round1):
    edition, first, _second = round1
    response = page(client, manager, round1_url(edition))
    assert response.context["missing_total"] == 6
    assert first.nominee_name in response.content.decode()


@pytest.mark.parametrize("persona", ["juror", "officer", "nominator"])
def test_round1_page_hidden_from_others(client, jurors, officer, round1, persona):
    people = {"juror": jurors[1], "officer": officer, "nominator": round1[1].nominator}
    assert page(client, people[persona], round1_url(round1[0])).status_code == 404


def test_round1_page_withholds_a_conflicted_presidents_category(client, jurors, round1):
    edition, first, second = round1
    declare(jurors[0], first, True)
    response = page(client, jurors[0], round1_url(edition))
    content = response.content.decode()
    assert first.nominee_name not in content
    assert second.nominee_name not in content
    assert response.context["missing_total"] == 0
    assert [c.code for c in response.context["withheld"]] == ["organisation"]


def test_president_records_the_cut_decision(client, jurors, tie_at_cut):
    edition, nominations = tie_at_cut
    client.force_login(jurors[0])
    prefix = f"cut-{category(edition, 'organisation').pk}"
    data = {f"{prefix}-retained": [str(nominations[3].pk)], f"{prefix}-reason": "Rayonnement régional plus large."}
    response = client.post(cut_url(edition), data)
    assert response.status_code == 302
    step = TieBreakStep.objects.get(category__edition=edition)
    assert step.remaining == [str(nominations[3].pk)]
    assert step.decided_by == jurors[0]


def test_cut_decision_needs_the_right_count(client, jurors, tie_at_cut):
    edition, nominations = tie_at_cut
    client.force_login(jurors[0])
    prefix = f"cut-{category(edition, 'organisation').pk}"
    data = {f"{prefix}-retained": [str(nominations[2].pk), str(nominations[3].pk)], f"{prefix}-reason": "Les deux"}
    response = client.post(cut_url(edition), data)
    assert response.status_code == 200
    assert not TieBreakStep.objects.exists()


def test_cut_decision_hidden_from_a_plain_juror(client, jurors, tie_at_cut):
    edition, nominations = tie_at_cut
    client.force_login(jurors[1])
    prefix = f"cut-{category(edition, 'organisation').pk}"
    data = {f"{prefix}-retained": [str(nominations[3].pk)], f"{prefix}-reason": "Non"}
    assert client.post(cut_url(edition), data).status_code == 404
    assert not TieBreakStep.objects.exists()


def test_cut_decision_hidden_from_a_conflicted_president(client, jurors, tie_at_cut):
    edition, nominations = tie_at_cut
    declare(jurors[0], nominations[0], True)
    client.force_login(jurors[0])
    prefix = f"cut-{category(edition, 'organisation').pk}"
    data = {f"{prefix}-retained": [str(nominations[3].pk)], f"{prefix}-reason": "Non"}
    assert client.post(cut_url(edition), data).status_code == 404
    assert not TieBreakStep.objects.exists()


def close_round1_url(edition) -> str:
    return reverse("awards:close_round1", args=[edition.pk])


def test_close_round1_asks_a_reason_for_missing_sheets(client, manager, round1):
    edition = round1[0]
    client.force_login(manager)
    response = client.post(close_round1_url(edition), {"missing_sheets_reason": ""})
    assert response.status_code == 200
    expected = "6 score sheet(s) are missing. Wait for them, or give the reason to close without them."
    assert expected in response.context["close_form"].non_field_errors()
    assert refreshed(edition).state == EditionState.SHORTLISTING


def test_close_round1_opens_the_vote(client, manager, jurors, round1):
    edition, first, second = round1
    for juror in jurors:
        score(juror, first, 9)
        score(juror, second, 8)
    client.force_login(manager)
    response = client.post(close_round1_url(edition), {"missing_sheets_reason": ""})
    assert response.status_code == 302
    assert response["Location"] == reverse("awards:vote", args=[edition.pk])
    assert refreshed(edition).state == EditionState.FINAL_VOTE
    assert refreshed(first).state == NominationState.FINALIST


def test_close_round1_twice_is_already_done(client, manager, jurors, round1):
    edition, first, second = round1
    for juror in jurors:
        score(juror, first, 9)
        score(juror, second, 8)
    client.force_login(manager)
    client.post(close_round1_url(edition), {"missing_sheets_reason": "Jurée malade"})
    response = client.post(close_round1_url(edition), {"missing_sheets_reason": "Jurée malade"})
    assert response.status_code == 302
    assert "Round 1 is already closed." in messages_of(response)


def test_jury_president_closes_round1_other_jurors_cannot(client, jurors, round1):
    edition, first, second = round1
    for juror in jurors:
        score(juror, first, 9)
        score(juror, second, 8)
    client.force_login(jurors[1])
    assert client.post(close_round1_url(edition), {"missing_sheets_reason": ""}).status_code == 404
    assert refreshed(edition).state == EditionState.SHORTLISTING

    client.force_login(jurors[0])
    response = client.post(close_round1_url(edition), {"missing_sheets_reason": ""})
    assert response.status_code == 302
    assert refreshed(edition).state == EditionState.FINAL_VOTE


def test_round1_page_queries_constant(client, manager, jurors, officer, edition):
    eligible(edition, officer)
    edition = start_round1(edition, manager)
    one_row = count_queries(client, manager, round1_url(edition))
    other = make_edition(manager, jurors)
    for _index in range(3):
        eligible(other, officer)
    other = start_round1(other, manager)
    three_rows = count_queries(client, manager, round1_url(other))
    assert one_row == three_rows


# Ballot


@pytest.fixture
def vote(edition, manager, jurors, officer):
    """The final vote with three finalists in « Organisation », scored 90, 80 and 70."""
    return to_final_vote(edition, manager, jurors, officer)


def ranks_data(finalists, order) -> dict:
    data = {f"rank_{nomination.pk}": str(rank) for nomination, rank in zip(finalists, order, strict=False)}
    data["rank_no_award"] = str(order[-1])
    return data


def test_ballot_form_ranks_each_finalist(client, jurors, vote):
    edition, finalists = vote
    response = page(client, jurors[1], ballot_url(category(edition, "organisation")))
    assert response.status_code == 200
    fields = set(response.context["ballot_form"].fields)
    assert fields == {f"rank_{nomination.pk}" for nomination in finalists} | {"rank_no_award"}


def test_ballot_is_recorded(client, jurors, vote):
    edition, finalists = vote
    client.force_login(jurors[1])
    url = ballot_url(category(edition, "organisation"))
    response = client.post(url, ranks_data(finalists, (1, 2, 3, 4)))
    assert response.status_code == 302
    ballot = Ballot.objects.get(juror=jurors[1])
    assert ballot.status == BallotStatus.SUBMITTED
    assert ballot.rankings.count() == 4


def test_ballot_double_submit_is_already_done(client, jurors, vote):
    edition, finalists = vote
    client.force_login(jurors[1])
    url = ballot_url(category(edition, "organisation"))
    client.post(url, ranks_data(finalists, (1, 2, 3, 4)))
    response = client.post(url, ranks_data(finalists, (3, 2, 1, 4)))
    assert response.status_code == 302
    assert response["Location"] == url
    assert "You already submitted your ballot in this category." in messages_of(response)
    assert Ballot.objects.filter(juror=jurors[1]).count() == 1


def test_submitted_ballot_is_read_only(client, jurors, vote):
    edition, finalists = vote
    client.force_login(jurors[1])
    url = ballot_url(category(edition, "organisation"))
    client.post(url, ranks_data(finalists, (1, 2, 3, 4)))
    response = client.get(url)
    content = response.content.decode()
    assert response.context["ballot"] is not None
    assert 'name="rank_no_award"' not in content
    assert [rank for rank, _name in response.context["rankings"]] == [1, 2, 3, 4]


def test_ballot_without_every_rank_is_a_form_error(client, jurors, vote):
    edition, finalists = vote
    client.force_login(jurors[1])
    response = client.post(ballot_url(category(edition, "organisation")), {f"rank_{finalists[0].pk}": "1"})
    assert response.status_code == 200
    assert response.context["ballot_form"].errors
    assert not Ballot.objects.exists()


def test_abstention_is_recorded(client, jurors, vote):
    edition, _finalists = vote
    client.force_login(jurors[1])
    response = client.post(ballot_url(category(edition, "organisation")), {"abstain": "on", "abstention": "1"})
    assert response.status_code == 302
    assert Ballot.objects.get(juror=jurors[1]).status == BallotStatus.ABSTAINED


def test_abstention_needs_the_checkbox(client, jurors, vote):
    edition, _finalists = vote
    client.force_login(jurors[1])
    response = client.post(ballot_url(category(edition, "organisation")), {"abstention": "1"})
    assert response.status_code == 200
    assert response.context["abstention_form"].errors["abstain"]
    assert not Ballot.objects.exists()


def test_conflicted_juror_ballot_leaves_out_the_finalist(client, jurors, vote):
    edition, finalists = vote
    declare(jurors[2], finalists[0], True)
    client.force_login(jurors[2])
    url = ballot_url(category(edition, "organisation"))
    response = client.get(url)
    assert finalists[0].nominee_name not in response.content.decode()
    assert f"rank_{finalists[0].pk}" not in response.context["ballot_form"].fields
    data = {f"rank_{finalists[1].pk}": "1", f"rank_{finalists[2].pk}": "2", "rank_no_award": "3"}
    assert client.post(url, data).status_code == 302
    ballot = Ballot.objects.get(juror=jurors[2])
    assert set(ballot.rankings.values_list("nomination_id", flat=True)) == {finalists[1].pk, finalists[2].pk, None}


def test_conflicted_juror_home_hides_the_finalist(client, jurors, vote):
    edition, finalists = vote
    declare(jurors[2], finalists[0], True)
    response = page(client, jurors[2], home_url(edition))
    assert finalists[0].nominee_name not in response.content.decode()
    assert finalists[1].nominee_name in response.content.decode()


def test_ballot_hidden_from_non_jurors(client, manager, officer, vote):
    edition, _finalists = vote
    url = ballot_url(category(edition, "organisation"))
    assert page(client, manager, url).status_code == 404
    assert page(client, officer, url).status_code == 404


def test_ballot_of_another_editions_category_is_404(client, jurors, manager, vote):
    edition, _finalists = vote
    other = make_edition(manager, jurors)
    url = reverse("awards:ballot", args=[edition.pk, category(other, "organisation").pk])
    assert page(client, jurors[1], url).status_code == 404


# Vote progress, close and casting vote


def vote_url(edition) -> str:
    return reverse("awards:vote", args=[edition.pk])


def test_vote_page_shows_statuses_and_quorum(client, jurors, vote):
    edition, _finalists = vote
    services.submit_ballot(category=category(edition, "organisation"), juror=jurors[1], abstain=True)
    response = page(client, jurors[0], vote_url(edition))
    assert response.status_code == 200
    [block] = [block for block in response.context["blocks"] if block.category.code == "organisation"]
    assert [row.status for row in block.statuses] == ["missing", "abstained", "missing"]
    assert not block.quorum_met


def test_vote_page_hidden_from_a_plain_juror(client, jurors, vote):
    assert page(client, jurors[1], vote_url(vote[0])).status_code == 404


def test_vote_page_withholds_a_conflicted_presidents_category(client, jurors, vote):
    edition, finalists = vote
    declare(jurors[0], finalists[1], True)
    response = page(client, jurors[0], vote_url(edition))
    assert finalists[1].nominee_name not in response.content.decode()
    assert [block.category.code for block in response.context["blocks"]] == ["individu", "education"]


def cast_all(edition, jurors, finalists, orders):
    organisation = category(edition, "organisation")
    for juror, order in zip(jurors, orders, strict=True):
        ranks = {nomination.pk: rank for nomination, rank in zip(finalists, order, strict=False)}
        ranks[None] = order[-1]
        services.submit_ballot(category=organisation, juror=juror, ranks=ranks)


def test_close_vote_without_quorum_shows_the_services_message(client, manager, vote):
    edition, _finalists = vote
    client.force_login(manager)
    response = client.post(reverse("awards:close_vote", args=[edition.pk]))
    assert response.status_code == 200
    assert "Quorum not met" in response.context["page_error"]
    assert refreshed(edition).vote_closed_at is None


def test_close_vote_refused_to_other_jurors(client, jurors, vote):
    edition, _finalists = vote
    client.force_login(jurors[1])
    assert client.post(reverse("awards:close_vote", args=[edition.pk])).status_code == 404
    assert refreshed(edition).vote_closed_at is None


def test_vote_page_queries_constant(client, manager, jurors, officer, edition):
    first, _finalists = to_final_vote(edition, manager, jurors, officer, scores=(9,))
    one_row = count_queries(client, manager, vote_url(first))
    other = make_edition(manager, jurors)
    second, _finalists = to_final_vote(other, manager, jurors, officer, scores=(9, 8, 7))
    three_rows = count_queries(client, manager, vote_url(second))
    assert one_row == three_rows


@pytest.fixture
def casting(manager, jurors, officer, edition):
    """A closed vote whose « Organisation » count awaits the president's casting vote between two finalists.

    Both finalists have a round 1 mean of 80; the president ranks A first, the second juror B first and
    the third juror, recused from A, ranks B then « Aucun lauréat ». Head to head and round 1 both stay tied.
    """
    edition, finalists = to_final_vote(edition, manager, jurors, officer, scores=(8, 8))
    first, second = finalists
    organisation = category(edition, "organisation")
    declare(jurors[2], first, True)
    services.submit_ballot(category=organisation, juror=jurors[0], ranks={first.pk: 1, second.pk: 2, None: 3})
    services.submit_ballot(category=organisation, juror=jurors[1], ranks={second.pk: 1, first.pk: 2, None: 3})
    services.submit_ballot(category=organisation, juror=jurors[2], ranks={second.pk: 1, None: 2})
    services.close_vote(edition=edition, actor=manager)
    return edition, first, second


def casting_url(edition) -> str:
    return reverse("awards:casting_vote", args=[edition.pk, category(edition, "organisation").pk])


def test_casting_vote_page_for_the_president(client, jurors, casting):
    edition, first, second = casting
    response = page(client, jurors[0], casting_url(edition))
    assert response.status_code == 200
    assert [key for key, _label in response.context["form"].fields["choice"].choices] == [
        str(first.pk),
        str(second.pk),
    ]


def test_casting_vote_hidden_from_other_jurors_and_manager(client, jurors, manager, casting):
    edition = casting[0]
    assert page(client, jurors[1], casting_url(edition)).status_code == 404
    assert page(client, manager, casting_url(edition)).status_code == 404


def test_casting_vote_decides_the_category(client, jurors, casting):
    edition, _first, second = casting
    client.force_login(jurors[0])
    response = client.post(casting_url(edition), {"choice": str(second.pk), "reason": "Projet plus structurant"})
    assert response.status_code == 302
    result = Result.objects.get(category=category(edition, "organisation"), superseded_at__isnull=True)
    assert result.outcome == ResultOutcome.LAUREATE
    assert result.laureate_id == second.pk


def test_casting_vote_twice_is_already_done(client, jurors, casting):
    edition, _first, second = casting
    client.force_login(jurors[0])
    client.post(casting_url(edition), {"choice": str(second.pk)})
    response = client.post(casting_url(edition), {"choice": str(second.pk)})
    assert response.status_code == 302
    assert "This category does not await a casting vote." in messages_of(response)


def test_casting_vote_hidden_from_a_conflicted_president(client, manager, jurors, officer, edition):
    edition, (first, second) = to_final_vote(edition, manager, jurors, officer, scores=(8, 8))
    organisation = category(edition, "organisation")
    declare(jurors[0], first, True)
    services.submit_ballot(category=organisation, juror=jurors[0], ranks={second.pk: 1, None: 2})
    services.submit_ballot(category=organisation, juror=jurors[1], ranks={first.pk: 1, second.pk: 2, None: 3})
    services.submit_ballot(category=organisation, juror=jurors[2], ranks={second.pk: 1, first.pk: 2, None: 3})
    services.close_vote(edition=edition, actor=manager)
    assert Result.objects.get(category=organisation).outcome == ResultOutcome.AWAITING_CASTING_VOTE
    assert page(client, jurors[0], casting_url(edition)).status_code == 404
    blocks = page(client, jurors[0], home_url(edition)).context["blocks"]
    [block] = [block for block in blocks if block.category.code == "organisation"]
    assert block.casting_vote_awaited is False


def test_home_offers_the_casting_vote_to_the_president(client, jurors, casting):
    edition = casting[0]
    content = page(client, jurors[0], home_url(edition)).content.decode()
    assert casting_url(edition) in content
    assert casting_url(edition) not in page(client, jurors[1], home_url(edition)).content.decode()


# Dashboard


def test_jury_panel_counts_work_without_conflicts(jurors, round1):
    _edition, first, _second = round1
    declare(jurors[1], first, True)
    panel = jury_panel(jurors[1])
    [row] = panel.context["rows"]
    assert row.to_declare == 1
    assert row.to_score == 0


def test_jury_panel_counts_ballots_to_cast(jurors, vote):
    edition, _finalists = vote
    [row] = jury_panel(jurors[1]).context["rows"]
    assert row.ballots_to_cast == 1
    services.submit_ballot(category=category(edition, "organisation"), juror=jurors[1], abstain=True)
    [row] = jury_panel(jurors[1]).context["rows"]
    assert row.ballots_to_cast == 0


def test_jury_panel_lists_the_casting_vote(jurors, casting):
    [result] = jury_panel(jurors[0]).context["casting_votes"]
    assert result.category.code == "organisation"
    assert jury_panel(jurors[1]).context["casting_votes"] == []


def test_jury_panel_hidden_from_non_jurors(officer):
    assert jury_panel(officer) is None


def test_jury_panel_queries_constant(jurors, officer, manager, edition):
    eligible(edition, officer)
    edition = start_round1(edition, manager)
    jury_panel(jurors[1])
    with CaptureQueriesContext(connection) as one_row:
        jury_panel(jurors[1])
    other = make_edition(manager, jurors)
    for _index in range(3):
        eligible(other, officer)
    start_round1(other, manager)
    jury_panel(jurors[1])
    with CaptureQueriesContext(connection) as three_rows:
        jury_panel(jurors[1])
    assert len(one_row) == len(three_rows)


@pytest.mark.parametrize("name", ["jury_score", "jury_document"])
def test_sheet_and_documents_hidden_from_staff(client, officer, manager, round1, name):
    _edition, first, _second = round1
    url = document_url(first) if name == "jury_document" else nomination_url(first, name)
    for user in (officer, manager):
        client.force_login(user)
        assert client.get(url).status_code == 404
        assert client.post(url, score_data(first, "8")).status_code == 404
    assert not Round1Score.objects.filter(nomination=first).exists()
