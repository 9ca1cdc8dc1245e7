"""The public prize pages and the nominee's consent page, all open without an account."""

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.contrib.messages import get_messages
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from awards import services
from awards.models import EditionState, Nomination, NominationState, PrizeEdition
from common.models import TransitionLog
from tests.awards.conftest import category, make_edition, nominate, refreshed, to_final_vote
from tests.awards.factories import PrizeEditionFactory

pytestmark = pytest.mark.django_db

MONTREAL = ZoneInfo("America/Montreal")
PRIZE_URL = "/prix/"


@pytest.fixture
def client(client, settings):
    """A test client that reads the pages in English, so that assertions on messages follow the msgids."""
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    return client


def message_texts(response) -> list[str]:
    return [str(message) for message in get_messages(response.wsgi_request)]


def consent_url(token: str) -> str:
    return reverse("awards:consent", kwargs={"token": token})


def announce(edition, manager, jurors, officer, *, code="individu"):
    """Take an open edition through both rounds in `code` and announce it; the second nomination wins.

    Returns (edition, [first, second, third]); in a category that requires consent, each has its `.token`.
    """
    edition, nominations = to_final_vote(edition, manager, jurors, officer, code=code)
    first, second, third = nominations
    for juror in jurors:
        services.submit_ballot(
            category=category(edition, code), juror=juror, ranks={second.pk: 1, first.pk: 2, third.pk: 3, None: 4}
        )
    services.close_vote(edition=edition, actor=manager)
    services.validate_results(edition=edition, actor=manager)
    edition = services.announce_results(edition=edition, actor=manager)
    return edition, [refreshed(nomination) for nomination in nominations]


def announced_without_nominations(year: int) -> PrizeEdition:
    """An edition shown as announced, with its categories but no nomination, for pages that list editions."""
    edition = PrizeEditionFactory(year=year)
    services.add_default_categories(edition=edition)
    # The state changes only through transitions, so the row is changed directly.
    PrizeEdition.objects.filter(pk=edition.pk).update(state=EditionState.ANNOUNCED)
    return PrizeEdition.objects.get(pk=edition.pk)


# Prize page


def test_prize_path_is_fixed():
    assert reverse("awards:prize") == PRIZE_URL


def test_prize_page_open_to_anonymous(client, edition):
    response = client.get(PRIZE_URL)

    assert response.status_code == 200
    assert edition.title in response.text
    for code in ("individu", "organisation", "education"):
        assert category(edition, code).name in response.text
    assert reverse("awards:nomination_start") in response.text
    assert "Propose a nomination" in response.text


def test_prize_page_deadline_in_montreal_time(client, settings, manager, jurors):
    year = timezone.localdate().year + 1
    make_edition(manager, jurors, closes_at=datetime(year, 5, 15, 16, 30, tzinfo=MONTREAL))
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "fr"

    response = client.get(PRIZE_URL)

    assert f"15 mai {year} à 16 h 30" in response.text


def test_prize_page_without_edition(client):
    response = client.get(PRIZE_URL)

    assert response.status_code == 200
    assert "No nomination period is open at the moment." in response.text
    assert reverse("awards:nomination_start") not in response.text


def test_prize_page_hides_draft_edition(client, manager, jurors):
    draft_edition = make_edition(manager, jurors, open_nominations=False)

    response = client.get(PRIZE_URL)

    assert draft_edition.title not in response.text
    assert reverse("awards:nomination_start") not in response.text


def test_prize_page_closed_window_has_no_button(client, manager, jurors):
    edition = make_edition(manager, jurors)
    services.close_nominations(edition=edition, actor=manager, now=edition.nominations_close_at + timedelta(minutes=1))

    response = client.get(PRIZE_URL)

    assert edition.title in response.text
    assert "The jury is at work" in response.text
    assert reverse("awards:nomination_start") not in response.text


def test_home_page_links_prize(client):
    response = client.get(reverse("home"))

    assert f'href="{PRIZE_URL}"' in response.text


# Results


def test_results_hidden_until_announced(client, edition, manager, jurors, officer):
    edition, (first, second, third) = to_final_vote(edition, manager, jurors, officer)
    for juror in jurors:
        services.submit_ballot(
            category=category(edition, "organisation"),
            juror=juror,
            ranks={second.pk: 1, first.pk: 2, third.pk: 3, None: 4},
        )
    services.close_vote(edition=edition, actor=manager)
    services.validate_results(edition=edition, actor=manager)

    prize = client.get(PRIZE_URL)
    results = client.get(reverse("awards:edition_results", kwargs={"pk": edition.pk}))

    assert second.nominee_name not in prize.text
    assert first.nominee_name not in prize.text
    assert results.status_code == 404


def test_results_page_shows_laureate_and_finalists(client, edition, manager, jurors, officer):
    edition, (first, second, third) = announce(edition, manager, jurors, officer)

    response = client.get(reverse("awards:edition_results", kwargs={"pk": edition.pk}))

    assert response.status_code == 200
    assert f"Laureate:</strong> {second.nominee_name}" in response.text
    assert first.nominee_name in response.text
    assert third.nominee_name in response.text


def test_results_show_only_consenting_names(client, edition, manager, jurors, officer):
    edition, (first, second, third) = announce(edition, manager, jurors, officer)
    # The laureate keeps the state, but the name is never published again; a finalist is withdrawn.
    services.withdraw_consent(token=second.token, reason="Je préfère rester discrète.")
    services.withdraw_consent(token=third.token)

    prize = client.get(PRIZE_URL)
    results = client.get(reverse("awards:edition_results", kwargs={"pk": edition.pk}))

    assert refreshed(second).state == NominationState.LAUREATE
    for page in (prize, results):
        assert second.nominee_name not in page.text
        assert third.nominee_name not in page.text
        assert first.nominee_name in page.text
        assert "Laureate:</strong> Name not published" in page.text


def test_prize_page_links_older_editions(client, edition, manager, jurors, officer):
    older = announced_without_nominations(year=2020)
    edition, nominations = announce(edition, manager, jurors, officer)

    response = client.get(PRIZE_URL)

    assert f"Laureate:</strong> {nominations[1].nominee_name}" in response.text
    assert reverse("awards:edition_results", kwargs={"pk": older.pk}) in response.text


def test_results_of_unknown_edition_404(client):
    assert client.get(reverse("awards:edition_results", kwargs={"pk": 999999})).status_code == 404


def count_queries(client, path) -> int:
    client.get(path)  # fills the per-process caches (content types, translations)
    with CaptureQueriesContext(connection) as queries:
        response = client.get(path)
    assert response.status_code == 200
    return len(queries)


def test_prize_page_queries_constant(client):
    announced_without_nominations(year=2021)
    one = count_queries(client, PRIZE_URL)

    announced_without_nominations(year=2019)
    announced_without_nominations(year=2018)
    three = count_queries(client, PRIZE_URL)

    assert one == three


# Consent page


def test_consent_page_shows_nomination_without_login(client, edition):
    nomination = nominate(edition, "individu")
    logs = TransitionLog.objects.count()

    response = client.get(consent_url(nomination.token))

    assert response.status_code == 200
    assert nomination.nominee_name in response.text
    assert category(edition, "individu").name in response.text
    assert nomination.nominator.get_full_name() in response.text
    assert edition.title in response.text
    assert refreshed(nomination).consent_given_at is None
    assert TransitionLog.objects.count() == logs


def test_consent_given_through_page(client, edition):
    nomination = nominate(edition, "individu")

    response = client.post(consent_url(nomination.token), {"action": "give"})

    assert response.status_code == 302
    assert response["Location"] == consent_url(nomination.token)
    assert refreshed(nomination).consent_given_at is not None
    assert "Thank you: your consent is recorded. The nominator is informed." in message_texts(response)


def test_consent_refused_through_page(client, edition):
    nomination = nominate(edition, "individu")

    response = client.post(consent_url(nomination.token), {"action": "refuse"})

    refused = refreshed(nomination)
    assert response.status_code == 302
    assert refused.consent_refused_at is not None
    assert refused.consent_given_at is None
    assert refused.state == NominationState.SUBMITTED


def test_consent_withdrawn_through_page(client, edition):
    nomination = nominate(edition, "individu")
    services.give_consent(token=nomination.token)

    page = client.get(consent_url(nomination.token))
    response = client.post(consent_url(nomination.token), {"action": "withdraw", "reason": "Je me retire."})

    withdrawn = refreshed(nomination)
    assert "Withdraw my consent" in page.text
    assert response.status_code == 302
    assert withdrawn.consent_withdrawn_at is not None
    assert withdrawn.state == NominationState.WITHDRAWN
    assert withdrawn.withdrawal_reason == "Je me retire."


def test_consent_given_twice_says_already_done(client, edition):
    nomination = nominate(edition, "individu")
    client.post(consent_url(nomination.token), {"action": "give"})
    given_at = refreshed(nomination).consent_given_at

    response = client.post(consent_url(nomination.token), {"action": "give"})

    assert response.status_code == 302
    assert any("You already gave your consent" in text for text in message_texts(response))
    assert refreshed(nomination).consent_given_at == given_at


def test_consent_refusal_after_consent_shows_error(client, edition):
    nomination = nominate(edition, "individu")
    services.give_consent(token=nomination.token)

    response = client.post(consent_url(nomination.token), {"action": "refuse"})

    assert response.status_code == 200
    assert "You already gave your consent; to change your mind, withdraw it." in response.text
    assert refreshed(nomination).consent_refused_at is None


def test_consent_unknown_action_changes_nothing(client, edition):
    nomination = nominate(edition, "individu")

    response = client.post(consent_url(nomination.token), {"action": "approve"})

    assert response.status_code == 200
    assert refreshed(nomination).consent_given_at is None


@pytest.mark.parametrize("method", ["get", "post"])
def test_consent_invalid_token(client, edition, method):
    nomination = nominate(edition, "individu")

    response = getattr(client, method)(consent_url("pas-un-jeton-valide"), {"action": "give"})

    assert response.status_code == 404
    assert "This consent link is not valid." in response.text
    assert refreshed(nomination).consent_given_at is None


def test_consent_link_replaced_after_nominee_change(client, edition, officer):
    nomination = nominate(edition, "individu")
    services.request_completion(nomination=nomination, actor=officer, items=["Corrigez l'adresse."])
    services.save_nomination(
        nomination=nomination, actor=nomination.nominator, data={"nominee_email": "autre@exemple.qc.ca"}
    )

    response = client.get(consent_url(nomination.token))

    assert response.status_code == 404
    assert Nomination.objects.get(pk=nomination.pk).consent_given_at is None
