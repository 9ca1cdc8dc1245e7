"""The program manager's results pages, the tally sheet page and PDF, and the laureates' certificates."""

import shutil
import subprocess

import pytest
from django.contrib.messages import get_messages
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from awards import services
from awards.dashboards import editions_panel
from awards.documents_jury import CERTIFICATE, TALLY_SHEET
from awards.models import CoupDeCoeur, EditionState, NominationState, Result, ResultOutcome
from common.models import Document
from tests.awards.conftest import category, eligible, make_edition, nominate, refreshed, to_final_vote
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

needs_poppler = pytest.mark.skipif(
    shutil.which("pdftotext") is None, reason="pdftotext (poppler-utils) is not installed"
)


@pytest.fixture(autouse=True)
def english_pages(client, settings):
    """Serve the pages in English, so that messages compare with their msgids."""
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"


def messages_of(response) -> list[str]:
    return [str(message) for message in get_messages(response.wsgi_request)]


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


def pdf_text(content: bytes, tmp_path) -> str:
    """Return the text of a PDF with every kind of space turned into an ordinary one."""
    path = tmp_path / "document.pdf"
    path.write_bytes(content)
    output = subprocess.run(["pdftotext", str(path), "-"], capture_output=True, text=True, check=True).stdout
    for space in ("\u00a0", "\u202f"):
        output = output.replace(space, " ")
    return output


def results_url(edition) -> str:
    return reverse("awards:results", args=[edition.pk])


def tally_url(edition, code: str = "organisation", name: str = "tally") -> str:
    return reverse(f"awards:{name}", args=[edition.pk, category(edition, code).pk])


def rank_in_order(edition, jurors, finalists):
    """Every juror ranks the finalists in round 1 order, then « Aucun lauréat »."""
    organisation = category(edition, "organisation")
    ranks = {nomination.pk: rank for rank, nomination in enumerate(finalists, start=1)}
    ranks[None] = len(finalists) + 1
    for juror in jurors:
        services.submit_ballot(category=organisation, juror=juror, ranks=ranks)


@pytest.fixture
def vote(edition, manager, jurors, officer):
    """The final vote with three finalists in « Organisation », scored 90, 80 and 70, with no ballot yet."""
    return to_final_vote(edition, manager, jurors, officer)


@pytest.fixture
def counted(vote, manager, jurors):
    """The vote closed and counted: every juror ranked the finalists in order, so the first one wins."""
    edition, finalists = vote
    rank_in_order(edition, jurors, finalists)
    services.close_vote(edition=edition, actor=manager)
    return refreshed(edition), finalists


@pytest.fixture
def validated(counted, manager):
    edition, finalists = counted
    services.validate_results(edition=edition, actor=manager)
    return refreshed(edition), [refreshed(nomination) for nomination in finalists]


# Results page


def test_results_page_shows_each_categorys_outcome(client, manager, counted):
    edition, finalists = counted
    response = page(client, manager, results_url(edition))
    assert response.status_code == 200
    [block] = [block for block in response.context["blocks"] if block.category.code == "organisation"]
    assert block.sheet.winner == finalists[0].nominee_name
    assert block.sheet.outcome == ResultOutcome.LAUREATE.label
    assert tally_url(edition, name="tally_pdf") in response.content.decode()


def test_results_page_while_vote_open_is_provisional(client, manager, jurors, vote):
    edition, finalists = vote
    rank_in_order(edition, jurors, finalists)
    response = page(client, manager, results_url(edition))
    [block] = [block for block in response.context["blocks"] if block.category.code == "organisation"]
    assert block.sheet.provisional
    assert block.sheet.winner == finalists[0].nominee_name
    assert response.context["vote_open"]


@pytest.mark.parametrize("persona", ["officer", "president", "juror", "nominator"])
def test_results_page_hidden_from_others(client, officer, jurors, counted, persona):
    edition, finalists = counted
    people = {"officer": officer, "president": jurors[0], "juror": jurors[1], "nominator": finalists[0].nominator}
    assert page(client, people[persona], results_url(edition)).status_code == 404


def test_results_page_before_the_vote_is_404(client, manager, edition):
    assert page(client, manager, results_url(edition)).status_code == 404


def test_results_page_queries_constant(client, manager, jurors, officer, edition):
    first, finalists = to_final_vote(edition, manager, jurors, officer, scores=(9,))
    rank_in_order(first, jurors, finalists)
    services.close_vote(edition=first, actor=manager)
    one_row = count_queries(client, manager, results_url(first))
    other = make_edition(manager, jurors)
    second, finalists = to_final_vote(other, manager, jurors, officer, scores=(9, 8, 7))
    rank_in_order(second, jurors, finalists)
    services.close_vote(edition=second, actor=manager)
    three_rows = count_queries(client, manager, results_url(second))
    assert one_row == three_rows


def test_close_vote_from_the_vote_page(client, manager, jurors, vote):
    edition, finalists = vote
    rank_in_order(edition, jurors, finalists)
    client.force_login(manager)
    response = client.post(reverse("awards:close_vote", args=[edition.pk]))
    assert response.status_code == 302
    assert response["Location"] == results_url(edition)
    assert Result.objects.filter(category__edition=edition).count() == 3


def test_close_vote_twice_is_already_done(client, manager, counted):
    edition, _finalists = counted
    client.force_login(manager)
    response = client.post(reverse("awards:close_vote", args=[edition.pk]))
    assert response.status_code == 302
    assert "The final vote is already closed." in messages_of(response)


# Recount, validation, Coup de cœur and announcement


def test_recount_with_a_reason(client, manager, counted):
    edition, _finalists = counted
    client.force_login(manager)
    prefix = f"recount-{category(edition, 'organisation').pk}"
    response = client.post(tally_url(edition, name="recount"), {f"{prefix}-reason": "Vérification demandée"})
    assert response.status_code == 302
    assert Result.objects.filter(category=category(edition, "organisation")).count() == 2


def test_recount_needs_a_reason(client, manager, counted):
    edition, _finalists = counted
    client.force_login(manager)
    response = client.post(tally_url(edition, name="recount"), {})
    assert response.status_code == 200
    assert Result.objects.filter(category=category(edition, "organisation")).count() == 1


def test_recount_hidden_from_jurors(client, jurors, counted):
    edition, _finalists = counted
    client.force_login(jurors[0])
    prefix = f"recount-{category(edition, 'organisation').pk}"
    assert client.post(tally_url(edition, name="recount"), {f"{prefix}-reason": "x"}).status_code == 404


def test_validate_names_the_laureate(client, manager, counted):
    edition, finalists = counted
    client.force_login(manager)
    response = client.post(reverse("awards:validate_results", args=[edition.pk]))
    assert response.status_code == 302
    assert refreshed(edition).state == EditionState.RESULTS_VALIDATED
    assert refreshed(finalists[0]).state == NominationState.LAUREATE


def test_validate_twice_is_already_done(client, manager, counted):
    edition, _finalists = counted
    client.force_login(manager)
    client.post(reverse("awards:validate_results", args=[edition.pk]))
    response = client.post(reverse("awards:validate_results", args=[edition.pk]))
    assert response.status_code == 302
    assert "The results were already validated." in messages_of(response)


def test_validate_before_close_shows_the_services_message(client, manager, vote):
    edition, _finalists = vote
    client.force_login(manager)
    response = client.post(reverse("awards:validate_results", args=[edition.pk]))
    assert response.status_code == 200
    assert response.context["page_error"] == "Close the final vote before validating the results."


def test_coup_de_coeur_choices_are_eligible_nominations(client, manager, officer, jurors, edition):
    withheld = nominate(edition, "individu")
    services.declare_ineligible(nomination=withheld, actor=officer, reason="Consentement jamais donné")
    edition, finalists = to_final_vote(edition, manager, jurors, officer)
    rank_in_order(edition, jurors, finalists)
    services.close_vote(edition=edition, actor=manager)
    services.validate_results(edition=edition, actor=manager)
    response = page(client, manager, results_url(edition))
    choices = set(response.context["coup_form"].fields["nomination"].queryset)
    assert set(finalists) <= choices
    assert withheld not in choices


def test_coup_de_coeur_is_recorded_and_removed(client, manager, validated):
    edition, finalists = validated
    client.force_login(manager)
    url = reverse("awards:coup_de_coeur", args=[edition.pk])
    response = client.post(url, {"nomination": finalists[2].pk, "citation": "Une brigade numérique exemplaire."})
    assert response.status_code == 302
    coup = CoupDeCoeur.objects.get(edition=edition)
    assert coup.nomination == finalists[2]
    assert coup.citation == "Une brigade numérique exemplaire."
    client.post(url, {"remove": "1"})
    assert not CoupDeCoeur.objects.filter(edition=edition).exists()


def test_coup_de_coeur_needs_a_nomination(client, manager, validated):
    edition, _finalists = validated
    client.force_login(manager)
    response = client.post(reverse("awards:coup_de_coeur", args=[edition.pk]), {"citation": "Bravo"})
    assert response.status_code == 200
    assert response.context["coup_form"].errors["nomination"]
    assert not CoupDeCoeur.objects.exists()


def test_announce_and_announce_again(client, manager, validated):
    edition, _finalists = validated
    client.force_login(manager)
    url = reverse("awards:announce", args=[edition.pk])
    assert client.post(url).status_code == 302
    assert refreshed(edition).state == EditionState.ANNOUNCED
    response = client.post(url)
    assert "The results were already announced." in messages_of(response)


def test_announce_hidden_from_officers(client, officer, validated):
    edition, _finalists = validated
    client.force_login(officer)
    assert client.post(reverse("awards:announce", args=[edition.pk])).status_code == 404
    assert refreshed(edition).state == EditionState.RESULTS_VALIDATED


# Tally sheet page


def test_tally_page_for_the_manager(client, manager, counted):
    edition, finalists = counted
    response = page(client, manager, tally_url(edition))
    assert response.status_code == 200
    sheet = response.context["sheet"]
    assert sheet.options == [nomination.nominee_name for nomination in finalists] + ["No laureate"]
    assert sheet.pairwise[0].cells == [None, 3, 3, 3]
    assert [row.status for row in sheet.statuses] == ["ranked", "ranked", "ranked"]


def test_tally_page_for_a_juror_after_close(client, jurors, counted):
    edition, _finalists = counted
    assert page(client, jurors[1], tally_url(edition)).status_code == 200


def test_tally_page_hidden_from_jurors_while_vote_open(client, jurors, vote):
    edition, _finalists = vote
    assert page(client, jurors[1], tally_url(edition)).status_code == 404


def test_live_tally_for_the_manager_while_vote_open(client, manager, vote):
    edition, _finalists = vote
    response = page(client, manager, tally_url(edition))
    assert response.status_code == 200
    assert response.context["sheet"].provisional


@pytest.mark.parametrize("persona", ["officer", "nominator", "other_juror"])
def test_tally_page_hidden_from_others(client, officer, counted, persona):
    edition, finalists = counted
    people = {
        "officer": officer,
        "nominator": finalists[0].nominator,
        "other_juror": UserFactory(roles=["jury_member"]),
    }
    assert page(client, people[persona], tally_url(edition)).status_code == 404
    assert page(client, people[persona], tally_url(edition, name="tally_pdf")).status_code == 404


@pytest.fixture
def conflicted_count(vote, manager, jurors):
    """The third juror declared a conflict with the first finalist before voting; the vote is then counted."""
    edition, finalists = vote
    services.declare_conflict(nomination=finalists[0], juror=jurors[2], has_conflict=True)
    organisation = category(edition, "organisation")
    ranks = {finalists[0].pk: 1, finalists[1].pk: 2, finalists[2].pk: 3, None: 4}
    for juror in jurors[:2]:
        services.submit_ballot(category=organisation, juror=juror, ranks=ranks)
    services.submit_ballot(
        category=organisation, juror=jurors[2], ranks={finalists[1].pk: 1, finalists[2].pk: 2, None: 3}
    )
    services.close_vote(edition=edition, actor=manager)
    return edition, finalists


def test_tally_hidden_from_conflicted_juror(client, jurors, conflicted_count):
    edition, _finalists = conflicted_count
    client.force_login(jurors[2])
    assert client.get(tally_url(edition)).status_code == 404
    assert client.get(tally_url(edition, name="tally_pdf")).status_code == 404
    assert not Document.objects.filter(kind=TALLY_SHEET).exists()


def test_conflicted_juror_sees_other_tallies(client, jurors, conflicted_count):
    edition, _finalists = conflicted_count
    assert page(client, jurors[2], tally_url(edition, "education")).status_code == 200


def test_conflicted_juror_home_has_no_tally_link(client, jurors, conflicted_count):
    edition, finalists = conflicted_count
    response = page(client, jurors[2], reverse("awards:jury_home", args=[edition.pk]))
    content = response.content.decode()
    assert tally_url(edition) not in content
    assert finalists[0].nominee_name not in content


def test_tally_page_queries_constant(client, manager, jurors, officer, edition):
    first, finalists = to_final_vote(edition, manager, jurors, officer, scores=(9,))
    rank_in_order(first, jurors, finalists)
    services.close_vote(edition=first, actor=manager)
    one_row = count_queries(client, manager, tally_url(first))
    other = make_edition(manager, jurors)
    second, finalists = to_final_vote(other, manager, jurors, officer, scores=(9, 8, 7))
    rank_in_order(second, jurors, finalists)
    services.close_vote(edition=second, actor=manager)
    three_rows = count_queries(client, manager, tally_url(second))
    assert one_row == three_rows


# Tally sheet PDF


@needs_poppler
def test_tally_pdf_shows_matrix_statuses_and_quorum(client, manager, conflicted_count, tmp_path):
    edition, finalists = conflicted_count
    response = page(client, manager, tally_url(edition, name="tally_pdf"))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    content = b"".join(response.streaming_content)
    text = pdf_text(content, tmp_path)
    for nomination in finalists:
        assert nomination.nominee_name in text
    assert str(edition.year) in text
    assert "Organisation" in text
    juror = jurors_name(edition, 2)
    assert juror in text


def jurors_name(edition, index: int) -> str:
    membership = edition.jury.select_related("juror").order_by("-is_president", "pk")[index]
    return membership.juror.get_full_name()


def test_tally_pdf_is_stored_once(client, manager, counted):
    edition, _finalists = counted
    client.force_login(manager)
    client.get(tally_url(edition, name="tally_pdf"))
    client.get(tally_url(edition, name="tally_pdf"))
    document = Document.objects.get(kind=TALLY_SHEET)
    assert document.version == 1
    assert len(document.sha256) == 64


# Certificates


def certificate_url(nomination) -> str:
    return reverse("awards:certificate", args=[nomination.pk])


@needs_poppler
def test_certificate_names_laureate_category_and_year(client, manager, validated, tmp_path):
    edition, finalists = validated
    response = page(client, manager, certificate_url(finalists[0]))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    text = pdf_text(b"".join(response.streaming_content), tmp_path)
    assert finalists[0].nominee_name in text
    assert "Prix Ensemble contre l'intimidation" in text
    assert str(edition.year) in text
    assert "Organisation" in text


@needs_poppler
def test_certificate_of_the_coup_de_coeur(client, manager, validated, tmp_path):
    edition, finalists = validated
    services.set_coup_de_coeur(edition=edition, nomination=finalists[2], actor=manager, citation="Bravo!")
    response = page(client, manager, certificate_url(finalists[2]))
    assert response.status_code == 200
    text = pdf_text(b"".join(response.streaming_content), tmp_path)
    assert finalists[2].nominee_name in text
    assert "Bravo!" in text


def test_certificate_is_one_landscape_page(client, manager, validated, tmp_path):
    from pypdf import PdfReader

    _edition, finalists = validated
    response = page(client, manager, certificate_url(finalists[0]))
    path = tmp_path / "certificate.pdf"
    path.write_bytes(b"".join(response.streaming_content))
    reader = PdfReader(path)
    assert len(reader.pages) == 1
    box = reader.pages[0].mediabox
    assert box.width > box.height


def test_certificate_regenerated_after_citation_change(client, manager, validated):
    edition, finalists = validated
    services.set_coup_de_coeur(edition=edition, nomination=finalists[2], actor=manager, citation="Première")
    client.force_login(manager)
    client.get(certificate_url(finalists[2]))
    services.set_coup_de_coeur(edition=edition, nomination=finalists[2], actor=manager, citation="Seconde")
    client.get(certificate_url(finalists[2]))
    versions = list(Document.objects.filter(kind=CERTIFICATE).values_list("version", flat=True).order_by("version"))
    assert versions == [1, 2]


def test_certificate_for_the_nominator_only_once_announced(client, manager, validated):
    edition, finalists = validated
    laureate = finalists[0]
    assert page(client, laureate.nominator, certificate_url(laureate)).status_code == 404
    services.announce_results(edition=edition, actor=manager)
    assert page(client, laureate.nominator, certificate_url(laureate)).status_code == 200


def test_certificate_hidden_from_others(client, officer, jurors, manager, validated):
    edition, finalists = validated
    services.announce_results(edition=edition, actor=manager)
    laureate = finalists[0]
    assert page(client, officer, certificate_url(laureate)).status_code == 404
    assert page(client, jurors[1], certificate_url(laureate)).status_code == 404
    assert page(client, finalists[1].nominator, certificate_url(laureate)).status_code == 404


def test_no_certificate_for_a_finalist(client, manager, validated):
    _edition, finalists = validated
    assert page(client, manager, certificate_url(finalists[1])).status_code == 404


def test_no_certificate_before_validation(client, manager, counted):
    _edition, finalists = counted
    assert page(client, manager, certificate_url(finalists[0])).status_code == 404


# Dashboard


def test_editions_panel_links_the_results(manager, counted):
    edition, _finalists = counted
    [row] = editions_panel(manager).context["editions"]
    assert row.finalists == 3
    assert ("Results", results_url(edition)) in [(str(label), url) for label, url in row.links]


def test_editions_panel_only_for_managers(officer, jurors):
    assert editions_panel(officer) is None
    assert editions_panel(jurors[0]) is None


def test_editions_panel_queries_constant(manager, officer, edition):
    eligible(edition, officer)
    editions_panel(manager)  # caches the manager's roles on the instance
    with CaptureQueriesContext(connection) as one_row:
        editions_panel(manager)
    eligible(edition, officer)
    nominate(edition)
    with CaptureQueriesContext(connection) as three_rows:
        editions_panel(manager)
    assert len(one_row) == len(three_rows)


@pytest.mark.parametrize("name", ["validate_results", "coup_de_coeur", "announce"])
def test_results_actions_hidden_from_others(client, officer, jurors, counted, name):
    edition, finalists = counted
    for user in (officer, jurors[0], jurors[1]):
        client.force_login(user)
        response = client.post(reverse(f"awards:{name}", args=[edition.pk]), {"nomination": finalists[0].pk})
        assert response.status_code == 404
    assert refreshed(edition).state == EditionState.FINAL_VOTE
    assert not CoupDeCoeur.objects.exists()
