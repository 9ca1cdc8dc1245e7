"""The prize « Ensemble contre l'intimidation » in Chromium, from a nomination to the laureate's certificate.

A registered person nominates a colleague in the Individu category, the colleague consents through the e-mailed
link, and the officer declares the nomination eligible. Jurors then declare conflicts and score round 1, the
program manager closes it, the jurors vote, and the manager closes the vote, validates and announces the results.

The three tests each start from the state the previous one reaches, set up through the real services, so that
each runs alone. Every category gets enough eligible nominations for a cut at three finalists or for a full
ballot. Juror scores are chosen so that no category has a tie, at the round 1 cut or in the vote.

Form fields are found by id, so that they do not depend on the wording. The site is in French. `fr` and `label`
translate a msgid or a state with the catalogue the pages use, so the checks keep passing when a translation
changes.
"""

import re
from decimal import Decimal

import pytest
from django.contrib.auth.models import Group
from django.core import mail
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext
from playwright.sync_api import expect

from accounts.models import Role
from awards import services
from awards.models import (
    Ballot,
    ConsentStatus,
    EditionState,
    JurorConflict,
    Nomination,
    NominationState,
    PrizeEdition,
    Round1Score,
)
from tests.awards.conftest import CONSENT_LINK, category, eligible, make_edition, refreshed, score, start_round1
from tests.awards.factories import PDF_BYTES
from tests.e2e.conftest import login
from tests.factories import UserFactory

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

PASSWORD = "Intimidation-Zero-2026"
NOMINATOR = ("Sophie", "Tremblay", "sophie.tremblay@exemple.qc.ca")
OFFICER = ("Nadia", "Bélanger", "nadia.belanger@famille.gouv.qc.ca")
MANAGER = ("Marc-André", "Gagnon", "marc-andre.gagnon@famille.gouv.qc.ca")
# The first juror presides the jury, and the second one works in the browser.
PRESIDENT = ("Hélène", "Côté", "helene.cote@exemple.qc.ca")
JUROR = ("Karim", "Haddad", "karim.haddad@exemple.qc.ca")
OTHER_JUROR = ("Julie", "Pelletier", "julie.pelletier@exemple.qc.ca")

NOMINEE_NAME = "Marie-Ève Desjardins"
NOMINEE_EMAIL = "marie-eve.desjardins@exemple.qc.ca"
ACTIONS = (
    "Marie-Ève a fondé le comité Zéro intimidation de l’école secondaire Louis-Riel : brigades de pairs aidants "
    "dans la cour, boîte de signalement anonyme et ateliers sur la cyberintimidation pour chaque groupe de "
    "1re secondaire."
)
REACH = "Les signalements d’intimidation ont baissé de 40 % en deux ans; le modèle est repris par deux écoles voisines."

# Nominee names of the other eligible nominations, by category code, set up through the services.
OTHER_NOMINEES = {
    "individu": ("Jonathan Lévesque", "Amélie Bouchard", "Patrice Morin"),
    "organisation": ("Maison des jeunes de Verdun", "Tel-jeunes Montérégie", "Carrefour familial Hochelaga"),
    "education": ("École secondaire Jeanne-Mance", "Cégep de Rimouski", "École primaire Saint-Zotique"),
}
# The Individu nominee the browser juror declares a conflict with.
CONFLICTED_NOMINEE = "Patrice Morin"
# Round 1 score on every criterion, out of 10, given by each juror. A nominee not listed gets 6, and the scores
# differ within each category, so that no category ties at the cut of three finalists.
SCORES = {
    NOMINEE_NAME: "9",
    "Jonathan Lévesque": "8",
    "Amélie Bouchard": "7",
    "Patrice Morin": "5",
    "Maison des jeunes de Verdun": "9",
    "Tel-jeunes Montérégie": "8",
    "Carrefour familial Hochelaga": "7",
    "École secondaire Jeanne-Mance": "9",
    "Cégep de Rimouski": "8",
    "École primaire Saint-Zotique": "7",
}


# The text of the pages


def fr(message: str, **values) -> str:
    """Return `message` as the French pages show it, with `values` put in its %(name)s placeholders."""
    with translation.override("fr"):
        text = gettext(message)
    return text % values if values else text


def label(choice) -> str:
    """Return the French label of a TextChoices member, as get_FOO_display shows it."""
    with translation.override("fr"):
        return str(choice.label)


def french(instance, attribute: str) -> str:
    """Return a translated model attribute (an edition's title, a category's name) as the French pages show it."""
    with translation.override("fr"):
        return getattr(instance, attribute)


def path_pattern(name: str, **kwargs) -> re.Pattern:
    # Chromium may keep the fragment of the previous URL across a redirect.
    return re.compile(re.escape(reverse(name, kwargs=kwargs)) + "(#[^/]*)?$")


def button(page, name: str):
    return page.get_by_role("button", name=name, exact=True)


def link(page, name: str):
    return page.get_by_role("link", name=name, exact=True)


def heading(page):
    return page.get_by_role("heading", level=1)


def message(page):
    """Return the message the previous action left at the top of the page."""
    return page.locator(".messages [role=status]")


def sign_out(page) -> None:
    button(page, fr("Sign out")).click()
    expect(page).to_have_url(path_pattern("home"))


def sign_in(page, live_server, checkpoint, person: tuple[str, str, str]) -> None:
    """Sign in as `person`, then check the dashboard that the person's role gets."""
    login(page, live_server, person[2], PASSWORD)
    checkpoint(f"dashboard-{person[2].split('@')[0]}")


# Setup through the services


def user(person: tuple[str, str, str], *roles: str):
    first_name, last_name, email = person
    account = UserFactory(roles=list(roles), email=email, first_name=first_name, last_name=last_name)
    account.set_password(PASSWORD)
    account.save()
    return account


@pytest.fixture
def people(db):
    # A transactional test empties every table after it runs, the groups of the data migrations included.
    for role in Role.values:
        Group.objects.get_or_create(name=role)
    return {
        "nominator": user(NOMINATOR),
        "officer": user(OFFICER, Role.PROGRAM_OFFICER),
        "manager": user(MANAGER, Role.PROGRAM_MANAGER),
        "president": user(PRESIDENT, Role.JURY_MEMBER),
        "juror": user(JUROR, Role.JURY_MEMBER),
        "other_juror": user(OTHER_JUROR, Role.JURY_MEMBER),
    }


def jurors_of(people) -> list:
    return [people["president"], people["juror"], people["other_juror"]]


@pytest.fixture
def edition(people) -> PrizeEdition:
    """An edition open to nominations with the default categories and criteria, and three jurors."""
    return make_edition(people["manager"], jurors_of(people))


def journey_nomination(edition: PrizeEdition, people) -> Nomination:
    """Make the Individu nomination of the first test eligible through the services. `.token` is its consent token."""
    return eligible(
        edition,
        people["officer"],
        "individu",
        nominator=people["nominator"],
        nominee_name=NOMINEE_NAME,
        nominee_email=NOMINEE_EMAIL,
        actions=ACTIONS,
        reach=REACH,
    )


def other_nominations(edition: PrizeEdition, people) -> dict[str, Nomination]:
    """Make the other nominations of OTHER_NOMINEES eligible; return them by nominee name."""
    return {
        name: eligible(edition, people["officer"], code, nominee_name=name)
        for code, names in OTHER_NOMINEES.items()
        for name in names
    }


def score_the_rest(edition: PrizeEdition, people) -> None:
    """Give every round 1 sheet still missing the SCORES value, and declare no conflict where none is declared.

    A juror gets no sheet on a nomination they declared a conflict with, because a recused juror does not score it.
    """
    for nomination in edition.nominations.filter(state=NominationState.ELIGIBLE).select_related("category"):
        for juror in jurors_of(people):
            if nomination.juror_conflicts.filter(juror=juror, has_conflict=True).exists():
                continue
            if Round1Score.objects.filter(nomination=nomination, juror=juror).exists():
                continue
            score(juror, nomination, SCORES.get(nomination.nominee_name, "6"))


def to_round1(edition: PrizeEdition, people) -> tuple[PrizeEdition, Nomination, dict[str, Nomination]]:
    """Make every nomination eligible, close nominations and start round 1."""
    nomination = journey_nomination(edition, people)
    others = other_nominations(edition, people)
    edition = start_round1(edition, people["manager"])
    return edition, refreshed(nomination), others


def to_final_vote(edition: PrizeEdition, people) -> tuple[PrizeEdition, Nomination, dict[str, Nomination]]:
    """Take the edition through round 1 with the SCORES sheets. The browser juror recuses from CONFLICTED_NOMINEE."""
    edition, nomination, others = to_round1(edition, people)
    services.declare_conflict(nomination=others[CONFLICTED_NOMINEE], juror=people["juror"], has_conflict=True)
    score_the_rest(edition, people)
    edition = services.close_round1(edition=edition, actor=people["manager"])
    return edition, refreshed(nomination), {name: refreshed(other) for name, other in others.items()}


def finalists_in_order(edition: PrizeEdition, code: str) -> list[Nomination]:
    return list(
        category(edition, code).nominations.filter(state=NominationState.FINALIST).order_by("round1_rank", "pk")
    )


def vote_in_round1_order(edition: PrizeEdition, juror, code: str) -> None:
    """Submit `juror`'s ballot in `code`: the finalists in round 1 order, then « Aucun lauréat »."""
    finalists = finalists_in_order(edition, code)
    ranks = {nomination.pk: rank for rank, nomination in enumerate(finalists, start=1)}
    ranks[None] = len(finalists) + 1
    services.submit_ballot(category=category(edition, code), juror=juror, ranks=ranks)


# The journeys


def test_nomination_consent_and_screening(live_server, page, checkpoint, people, edition, tmp_path):
    edition_title = french(edition, "title")
    individu = category(edition, "individu")
    letter = tmp_path / "lettre-appui-desjardins.pdf"
    letter.write_bytes(PDF_BYTES)

    # The nominator opens the prize page and starts a nomination in the Individu category.
    login(page, live_server, NOMINATOR[2], PASSWORD, checkpoint)
    checkpoint("dashboard-sophie.tremblay")
    page.goto(live_server.url + reverse("awards:prize"))
    expect(heading(page)).to_have_text(fr("Prize « Ensemble contre l'intimidation »"))
    expect(page.locator("section[aria-labelledby=current-title] h2")).to_have_text(edition_title)
    checkpoint("prize")
    individu_name = french(individu, "name")
    link(page, fr("Propose a nomination in the category « %(category)s »", category=individu_name)).click()
    expect(page).to_have_url(re.compile(re.escape(reverse("awards:nomination_start")) + rf"\?categorie={individu.pk}$"))
    expect(heading(page)).to_have_text(fr("Propose a nomination"))
    expect(page.get_by_label(individu_name, exact=True)).to_be_checked()
    checkpoint("start")
    button(page, fr("Start the nomination")).click()
    nomination = Nomination.objects.get(nominator=people["nominator"])
    expect(page).to_have_url(path_pattern("awards:nomination_edit", pk=nomination.pk))
    expect(message(page)).to_have_text(
        fr("Your nomination is started. Save the draft at any time and come back to it from « My nominations ».")
    )
    expect(page.locator("#id_category")).to_have_value(str(individu.pk))
    checkpoint("form-empty")

    # The nominator fills in the form, attaches a support letter and goes to the review.
    page.locator("#id_nominee_name").fill(NOMINEE_NAME)
    page.locator("#id_nominee_email").fill(NOMINEE_EMAIL)
    page.locator("#id_nominee_phone").fill("514 555-0142")
    page.locator("#id_nominee_organization").fill("École secondaire Louis-Riel")
    page.locator("#id_region").select_option("06")
    page.locator("#id_nominator_relationship").fill("Collègue enseignante")
    page.locator("#id_nominator_phone").fill("514 555-0178")
    page.locator("#id_actions").fill(ACTIONS)
    page.locator("#id_reach").fill(REACH)
    page.locator("#id_people_reached").fill("1 250")
    expect(page.locator("input[name=document_kind][value=support_letter]")).to_be_checked()
    page.locator("#id_document").set_input_files(letter)
    button(page, fr("Save and review")).click()
    expect(page).to_have_url(path_pattern("awards:nomination_review", pk=nomination.pk))
    expect(heading(page)).to_have_text(fr("Review and submission"))
    nothing_missing = fr("Nothing is missing: the nomination can be submitted.")
    expect(page.locator("main [role=status]").filter(has_text=nothing_missing)).to_have_text(nothing_missing)
    expect(page.locator("main")).to_contain_text(letter.name)
    checkpoint("review")

    # The nominator submits, and the nominee receives the consent request by e-mail.
    button(page, fr("Submit the nomination")).click()
    expect(page).to_have_url(path_pattern("awards:nomination_detail", pk=nomination.pk))
    expect(message(page)).to_have_text(
        fr(
            "Your nomination is submitted and you receive a confirmation by e-mail. The nominee receives an "
            "e-mail to give or refuse consent: without consent, the nomination cannot be declared eligible."
        )
    )
    checkpoint("submitted")
    sign_out(page)

    nomination.refresh_from_db()
    assert nomination.state == NominationState.SUBMITTED
    assert nomination.people_reached == 1250
    assert nomination.region == "06"
    assert nomination.consent_status == ConsentStatus.PENDING
    [document] = nomination.documents.all()
    assert document.kind == "support_letter"
    assert document.filename == letter.name
    consent_emails = [email for email in mail.outbox if email.to == [NOMINEE_EMAIL]]
    assert len(consent_emails) == 1
    token = CONSENT_LINK.search(consent_emails[0].body).group(1)

    # The nominee opens the link of the e-mail, without an account, and consents.
    page.goto(live_server.url + reverse("awards:consent", kwargs={"token": token}))
    expect(heading(page)).to_have_text(fr("Your consent to a nomination"))
    expect(page.locator("dl.facts")).to_contain_text(NOMINEE_NAME)
    expect(page.locator("p.status")).to_have_text(fr("You have not answered yet."))
    checkpoint("consent")
    button(page, fr("I consent to this nomination")).click()
    expect(page).to_have_url(path_pattern("awards:consent", token=token))
    expect(message(page)).to_have_text(fr("Thank you: your consent is recorded. The nominator is informed."))
    expect(button(page, fr("Withdraw my consent"))).to_have_count(1)
    checkpoint("consent-given")

    # The officer finds the nomination in the screening list and declares it eligible.
    sign_in(page, live_server, checkpoint, OFFICER)
    link(page, fr("See every nomination")).click()
    expect(page).to_have_url(path_pattern("awards:screening_list"))
    expect(heading(page)).to_have_text(fr("Prize nominations"))
    row = page.locator("main table tbody tr").filter(has=link(page, NOMINEE_NAME))
    expect(row).to_contain_text(label(NominationState.SUBMITTED))
    expect(row).to_contain_text(individu_name)
    checkpoint("screening-list")
    link(page, NOMINEE_NAME).click()
    expect(page).to_have_url(path_pattern("awards:screening_detail", pk=nomination.pk))
    expect(heading(page)).to_have_text(fr("Nomination of %(name)s", name=NOMINEE_NAME))
    expect(page.locator("main")).to_contain_text(label(ConsentStatus.GIVEN))
    checkpoint("screening-detail")
    button(page, fr("Declare eligible")).click()
    expect(page).to_have_url(path_pattern("awards:screening_detail", pk=nomination.pk))
    expect(message(page)).to_have_text(fr("The nomination is declared eligible. The nominator is informed by e-mail."))
    expect(button(page, fr("Declare eligible"))).to_have_count(0)
    checkpoint("eligible")

    nomination.refresh_from_db()
    assert nomination.state == NominationState.ELIGIBLE
    assert nomination.has_consent
    assert nomination.screened_by == people["officer"]


def test_round1_conflict_scores_and_close(live_server, page, checkpoint, people, edition):
    edition, nomination, others = to_round1(edition, people)
    edition_title = french(edition, "title")
    conflicted = others[CONFLICTED_NOMINEE]
    criteria = list(category(edition, "individu").criteria.order_by("position", "pk"))
    assert len(criteria) == 4

    # The juror declares a conflict with one Individu nominee, then no longer reaches that nomination.
    sign_in(page, live_server, checkpoint, JUROR)
    # The jury panel links the edition twice, in the heading of its current round and in « My juries ».
    link(page, edition_title).first.click()
    expect(page).to_have_url(path_pattern("awards:jury_home", pk=edition.pk))
    expect(heading(page)).to_have_text(fr("Jury – %(title)s", title=edition_title))
    expect(page.locator("main table tbody tr")).to_have_count(10)
    checkpoint("jury-home")
    conflicted_row = page.locator("main table tbody tr").filter(has_text=CONFLICTED_NOMINEE)
    conflicted_row.get_by_role("link").click()
    expect(page).to_have_url(path_pattern("awards:jury_nomination", pk=edition.pk, nomination_pk=conflicted.pk))
    expect(heading(page)).to_have_text(CONFLICTED_NOMINEE)
    expect(page.locator("#id_actions, section[aria-labelledby=sheet-title]")).to_have_count(0)
    checkpoint("declaration")
    page.locator("input[name=has_conflict][value=yes]").check()
    page.locator("#id_comment").fill("Patrice Morin est mon beau-frère.")
    button(page, fr("Record my declaration")).click()
    expect(page).to_have_url(path_pattern("awards:jury_home", pk=edition.pk))
    expect(message(page)).to_have_text(
        fr("Your conflict of interest is recorded. The nomination is withdrawn from your lists.")
    )
    expect(page.locator("main table tbody tr").filter(has_text=CONFLICTED_NOMINEE)).to_have_count(0)
    expect(page.locator("main table tbody tr")).to_have_count(9)
    checkpoint("conflict-declared")
    conflicted_url = reverse("awards:jury_nomination", kwargs={"pk": edition.pk, "nomination_pk": conflicted.pk})
    response = page.goto(live_server.url + conflicted_url)
    assert response.status == 404
    checkpoint("conflicted-nomination-404")

    # The juror declares no conflict with each other Individu nominee and scores them.
    for name, value in ((NOMINEE_NAME, "9"), ("Jonathan Lévesque", "8"), ("Amélie Bouchard", "7")):
        target = nomination if name == NOMINEE_NAME else others[name]
        slug = target.nominee_name.split()[0].lower()
        page.goto(live_server.url + reverse("awards:jury_home", kwargs={"pk": edition.pk}))
        page.locator("main table tbody tr").filter(has_text=name).get_by_role("link").click()
        expect(page).to_have_url(path_pattern("awards:jury_nomination", pk=edition.pk, nomination_pk=target.pk))
        page.locator("input[name=has_conflict][value=no]").check()
        button(page, fr("Record my declaration")).click()
        expect(message(page)).to_have_text(
            fr("Your declaration is recorded. You can now read and score the nomination.")
        )
        expect(page.locator("section[aria-labelledby=sheet-title]")).to_have_count(1)
        checkpoint(f"sheet-{slug}")
        for criterion in criteria:
            page.locator(f"#id_score_{criterion.pk}").fill(value.replace(".", ","))
        button(page, fr("Save my scores")).click()
        expect(page).to_have_url(path_pattern("awards:jury_nomination", pk=edition.pk, nomination_pk=target.pk))
        expect(message(page)).to_have_text(fr("Your score sheet is saved and complete."))
        total = f"{Decimal(value) * 10:.2f}".replace(".", ",")
        expect(page.locator("section[aria-labelledby=sheet-title]")).to_contain_text(
            fr("My total: %(total)s on 100", total=total)
        )
        checkpoint(f"scored-{slug}")
    page.goto(live_server.url + reverse("awards:jury_home", kwargs={"pk": edition.pk}))
    individu_rows = page.locator(f"section[aria-labelledby=category-{category(edition, 'individu').pk}] tbody tr")
    expect(individu_rows).to_have_count(3)
    for index in range(3):
        expect(individu_rows.nth(index)).to_contain_text(fr("Sheet complete"))
    checkpoint("jury-home-scored")
    sign_out(page)

    # The other sheets come through the services, then the program manager closes round 1.
    score_the_rest(edition, people)
    sign_in(page, live_server, checkpoint, MANAGER)
    # The panel's links end with the edition year, for screen readers.
    link(page, f"{fr('Round 1')} – {edition.year}").click()
    expect(page).to_have_url(path_pattern("awards:round1", pk=edition.pk))
    expect(heading(page)).to_have_text(fr("Round 1 – %(title)s", title=edition_title))
    checkpoint("round1")
    button(page, fr("Close round 1")).click()
    expect(page).to_have_url(path_pattern("awards:vote", pk=edition.pk))
    expect(message(page)).to_have_text(
        fr("Round 1 is closed. The finalists are chosen and the jurors are invited to vote.")
    )
    expect(heading(page)).to_have_text(fr("Final vote – %(title)s", title=edition_title))
    checkpoint("vote-open")

    edition.refresh_from_db()
    assert edition.state == EditionState.FINAL_VOTE
    conflict = JurorConflict.objects.get(juror=people["juror"], nomination=conflicted)
    assert conflict.has_conflict
    assert not Round1Score.objects.filter(juror=people["juror"], nomination=conflicted).exists()
    individu_finalists = [finalist.nominee_name for finalist in finalists_in_order(edition, "individu")]
    assert individu_finalists == [NOMINEE_NAME, "Jonathan Lévesque", "Amélie Bouchard"]
    assert refreshed(conflicted).state == NominationState.NOT_RETAINED
    assert refreshed(nomination).round1_score == Decimal("90")


def test_vote_announcement_and_certificate(live_server, page, checkpoint, people, edition):
    edition, nomination, _others = to_final_vote(edition, people)
    edition_title = french(edition, "title")
    individu = category(edition, "individu")
    finalists = finalists_in_order(edition, "individu")
    assert [finalist.nominee_name for finalist in finalists] == [NOMINEE_NAME, "Jonathan Lévesque", "Amélie Bouchard"]

    # The juror ranks the Individu finalists in the browser.
    sign_in(page, live_server, checkpoint, JUROR)
    # The jury panel links the edition twice, in the heading of its current round and in « My juries ».
    link(page, edition_title).first.click()
    expect(page).to_have_url(path_pattern("awards:jury_home", pk=edition.pk))
    checkpoint("jury-home-vote")
    page.locator(f"section[aria-labelledby=category-{individu.pk}]").get_by_role(
        "link", name=fr("Cast my ballot")
    ).click()
    expect(page).to_have_url(path_pattern("awards:ballot", pk=edition.pk, category_pk=individu.pk))
    expect(heading(page)).to_have_text(fr("Ballot – %(name)s", name=french(individu, "name")))
    checkpoint("ballot")
    for rank, finalist in enumerate(finalists, start=1):
        page.locator(f"#id_rank_{finalist.pk}").select_option(str(rank))
    page.locator("#id_rank_no_award").select_option(str(len(finalists) + 1))
    button(page, fr("Submit my ballot")).click()
    expect(page).to_have_url(path_pattern("awards:jury_home", pk=edition.pk))
    expect(message(page)).to_have_text(fr("Your ballot is recorded. Thank you."))
    expect(page.locator(f"section[aria-labelledby=category-{individu.pk}]")).to_contain_text(fr("See my ballot"))
    checkpoint("ballot-submitted")
    sign_out(page)

    # The other ballots come through the services.
    for code in OTHER_NOMINEES:
        for juror in jurors_of(people):
            if not Ballot.objects.filter(category=category(edition, code), juror=juror).exists():
                vote_in_round1_order(edition, juror, code)

    # The program manager closes and counts the vote, validates the results and announces them.
    sign_in(page, live_server, checkpoint, MANAGER)
    link(page, f"{fr('Final vote')} – {edition.year}").click()
    expect(page).to_have_url(path_pattern("awards:vote", pk=edition.pk))
    checkpoint("vote-progress")
    button(page, fr("Close and count the vote")).click()
    expect(page).to_have_url(path_pattern("awards:results", pk=edition.pk))
    expect(message(page)).to_have_text(fr("The final vote is closed and counted."))
    expect(heading(page)).to_have_text(fr("Results – %(title)s", title=edition_title))
    checkpoint("results-counted")
    button(page, fr("Validate the results")).click()
    expect(message(page)).to_have_text(
        fr("The results are validated. You can now choose the Coup de cœur and announce them.")
    )
    certificate = link(
        page,
        fr(
            "Certificate of %(name)s – %(category)s (PDF)",
            name=NOMINEE_NAME,
            category=french(individu, "name"),
        ),
    )
    expect(certificate).to_have_count(1)
    checkpoint("results-validated")
    button(page, fr("Announce the results")).click()
    expect(page).to_have_url(path_pattern("awards:results", pk=edition.pk))
    expect(message(page)).to_have_text(fr("The results are announced. The public prize page now shows them."))
    checkpoint("results-announced")

    # The laureate's certificate downloads as a PDF.
    response = page.request.get(live_server.url + certificate.get_attribute("href"))
    assert response.status == 200
    assert response.headers["content-type"] == "application/pdf"
    assert response.body().startswith(b"%PDF")
    sign_out(page)

    # The public prize page names the laureate, who consented.
    page.goto(live_server.url + reverse("awards:prize"))
    individu_results = page.locator(f"section[aria-labelledby=results-{individu.pk}]")
    expect(individu_results).to_contain_text(f"{fr('Laureate:')} {NOMINEE_NAME}")
    expect(individu_results).to_contain_text("Jonathan Lévesque")
    expect(page.get_by_text(CONFLICTED_NOMINEE)).to_have_count(0)
    checkpoint("prize-results")

    # The laureate withdraws consent through the e-mailed link, and the public pages stop naming her.
    page.goto(live_server.url + reverse("awards:consent", kwargs={"token": nomination.token}))
    checkpoint("consent-laureate")
    page.locator("#id_reason").fill("Je préfère rester discrète.")
    button(page, fr("Withdraw my consent")).click()
    expect(message(page)).to_have_text(
        fr("Your consent is withdrawn, and with it the nomination. The nominator is informed.")
    )
    checkpoint("consent-withdrawn")
    page.goto(live_server.url + reverse("awards:prize"))
    expect(individu_results).to_contain_text(f"{fr('Laureate:')} {fr('Name not published')}")
    expect(page.get_by_text(NOMINEE_NAME)).to_have_count(0)
    checkpoint("prize-results-unpublished")
    page.goto(live_server.url + reverse("awards:edition_results", kwargs={"pk": edition.pk}))
    expect(page.get_by_text(NOMINEE_NAME)).to_have_count(0)
    expect(page.locator(f"section[aria-labelledby=results-{individu.pk}]")).to_contain_text(fr("Name not published"))
    checkpoint("edition-results")

    edition.refresh_from_db()
    assert edition.state == EditionState.ANNOUNCED
    laureate = refreshed(nomination)
    assert laureate.state == NominationState.LAUREATE
    assert laureate.public_name == ""
    assert Ballot.objects.filter(category=individu, juror=people["juror"]).exists()
