"""The nominator's pages: start, draft form, documents, review, submission, completion, withdrawal and the PDF."""

import io
from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
from django.contrib.messages import get_messages
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from pypdf import PdfReader

from awards import services
from awards.links import consent_path, jury_path, nomination_path
from awards.models import MAX_DOCUMENTS, JurorConflict, Nomination, NominationDocument, NominationState, PrizeEdition
from common.models import TransitionLog
from tests.awards.conftest import category, draft, eligible, make_edition, nominate
from tests.awards.factories import PDF_BYTES, pdf_upload
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

MONTREAL = ZoneInfo("America/Montreal")


@pytest.fixture
def client(client, settings):
    """A test client that reads the pages in English, so that assertions on messages follow the msgids."""
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    return client


def french(client, settings):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "fr"
    return client


@pytest.fixture
def nominator(db):
    return UserFactory()


@pytest.fixture
def nominator_client(client, nominator):
    client.force_login(nominator)
    return client


def url(name, nomination, **kwargs):
    return reverse(f"awards:{name}", kwargs={"pk": nomination.pk, **kwargs})


def message_texts(response) -> list[str]:
    return [str(message) for message in get_messages(response.wsgi_request)]


def empty_draft(edition, nominator, code="organisation") -> Nomination:
    return services.start_nomination(edition=edition, category=category(edition, code), actor=nominator)


def form_data(**changes) -> dict:
    """Every field of the draft form, filled in as a nominator would."""
    data = {
        "category": "",
        "nominee_name": "Léa Gagnon",
        "nominee_email": "lea.gagnon@exemple.qc.ca",
        "nominee_phone": "418 555-0142",
        "nominee_organization": "École secondaire de la Cité",
        "nominee_language": "fr",
        "region": "03",
        "nominator_relationship": "Collègue",
        "nominator_phone": "418 555-0100",
        "actions": "Ateliers hebdomadaires\r\nsur la civilité en ligne.",
        "reach": "Toute l'école, parents compris.",
        "people_reached": "640",
        "document_kind": "support_letter",
    }
    data.update(changes)
    return data


def post_form(client, nomination, **changes):
    data = form_data(**{"category": str(nomination.category_id), **changes})
    return client.post(url("nomination_edit", nomination), data)


def refreshed(nomination) -> Nomination:
    return Nomination.objects.get(pk=nomination.pk)


def close_window(edition, *, closes_at) -> PrizeEdition:
    """Move the nomination window into the past, as if the deadline had passed before the closing job ran.

    The window is part of the frozen rules, so the row is changed directly.
    """
    PrizeEdition.objects.filter(pk=edition.pk).update(
        nominations_open_at=closes_at.replace(month=3, day=1), nominations_close_at=closes_at
    )
    return PrizeEdition.objects.get(pk=edition.pk)


# Access: anonymous users, other users, staff and jurors


NOMINATOR_PAGES = ["nomination_detail", "nomination_edit", "nomination_review", "nomination_withdraw"]
NOMINATOR_ACTIONS = ["nomination_submit", "nomination_resubmit", "nomination_withdraw", "nomination_consent_request"]


@pytest.mark.parametrize("name", [*NOMINATOR_PAGES, "nomination_summary_pdf"])
def test_anonymous_redirected_to_login(client, edition, name):
    nomination = draft(edition)

    response = client.get(url(name, nomination))

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:login"))


@pytest.mark.parametrize("name", ["my_nominations", "nomination_start"])
def test_anonymous_list_and_start_redirected(client, name):
    response = client.get(reverse(f"awards:{name}"))

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:login"))


@pytest.mark.parametrize("name", [*NOMINATOR_PAGES, "nomination_summary_pdf"])
def test_other_user_gets_404_on_pages(client, edition, name):
    nomination = draft(edition)
    client.force_login(UserFactory())

    assert client.get(url(name, nomination)).status_code == 404


@pytest.mark.parametrize("name", NOMINATOR_ACTIONS)
def test_other_user_gets_404_on_actions(client, edition, name):
    nomination = draft(edition)
    client.force_login(UserFactory())

    response = client.post(url(name, nomination), {"reason": "Je retire."})

    assert response.status_code == 404
    assert refreshed(nomination).state == NominationState.DRAFT


def test_other_user_gets_404_on_documents(client, edition):
    nomination = draft(edition)
    document = nomination.documents.get()
    client.force_login(UserFactory())

    assert client.get(url("nomination_document", nomination, document_id=document.pk)).status_code == 404
    assert client.post(url("nomination_document_remove", nomination, document_id=document.pk)).status_code == 404
    assert nomination.documents.count() == 1


def test_other_user_post_to_form_changes_nothing(client, edition):
    nomination = draft(edition)
    client.force_login(UserFactory())

    response = post_form(client, nomination, nominee_name="Quelqu'un d'autre")

    assert response.status_code == 404
    assert refreshed(nomination).nominee_name == nomination.nominee_name


def test_unknown_nomination_gets_404(nominator_client):
    assert nominator_client.get(reverse("awards:nomination_detail", kwargs={"pk": 999999})).status_code == 404


def test_officer_sees_page_but_not_form(client, edition, officer):
    nomination = draft(edition)
    client.force_login(officer)

    assert client.get(url("nomination_detail", nomination)).status_code == 200
    assert client.get(url("nomination_summary_pdf", nomination)).status_code == 200
    assert client.get(url("nomination_edit", nomination)).status_code == 404
    assert client.post(url("nomination_submit", nomination)).status_code == 404


def test_juror_sees_only_eligible_nominations_once_declared(client, edition, officer, jurors):
    submitted = nominate(edition)
    declared = eligible(edition, officer)
    client.force_login(jurors[1])

    assert client.get(url("nomination_detail", submitted)).status_code == 404
    # Before declaring, the juror sees only the nominee and category, on the jury's own pages.
    assert client.get(url("nomination_detail", declared)).status_code == 404
    JurorConflict.objects.create(nomination=declared, juror=jurors[1], has_conflict=False)
    assert client.get(url("nomination_detail", declared)).status_code == 200


def test_conflicted_juror_gets_404(client, edition, officer, jurors):
    declared = eligible(edition, officer)
    JurorConflict.objects.create(nomination=declared, juror=jurors[1], has_conflict=True)
    client.force_login(jurors[1])

    assert client.get(url("nomination_detail", declared)).status_code == 404
    assert client.get(url("nomination_summary_pdf", declared)).status_code == 404


# Start


def test_start_page_lists_open_categories(nominator_client, edition):
    response = nominator_client.get(reverse("awards:nomination_start"))

    assert response.status_code == 200
    for code in ("individu", "organisation", "education"):
        assert f'value="{category(edition, code).pk}"' in response.text


def test_start_creates_draft(nominator_client, nominator, edition):
    organisation = category(edition, "organisation")

    response = nominator_client.post(reverse("awards:nomination_start"), {"category": organisation.pk})

    nomination = Nomination.objects.get(nominator=nominator)
    assert response.status_code == 302
    assert response["Location"] == url("nomination_edit", nomination)
    assert nomination.state == NominationState.DRAFT
    assert nomination.category == organisation


def test_start_without_category_shows_error(nominator_client, nominator, edition):
    response = nominator_client.post(reverse("awards:nomination_start"), {})

    assert response.status_code == 200
    assert "Choose the category of the nomination." in response.text
    assert not Nomination.objects.exists()


def test_start_category_of_draft_edition_refused(nominator_client, manager, jurors, edition):
    other = make_edition(manager, [], open_nominations=False)

    response = nominator_client.post(
        reverse("awards:nomination_start"), {"category": category(other, "organisation").pk}
    )

    assert response.status_code == 200
    assert "This category does not accept nominations now." in response.text
    assert not Nomination.objects.exists()


def test_start_without_open_edition_says_so(nominator_client):
    response = nominator_client.get(reverse("awards:nomination_start"))

    assert response.status_code == 200
    assert "No edition of the prize accepts nominations at the moment." in response.text


def test_start_unverified_user_redirected(client, edition):
    client.force_login(UserFactory(email_verified_at=None))

    response = client.post(reverse("awards:nomination_start"), {"category": category(edition, "organisation").pk})

    assert response.status_code == 302
    assert response["Location"] == reverse("accounts:dashboard")
    assert not Nomination.objects.exists()


# Draft form


def test_form_shows_saved_values(nominator_client, edition):
    nomination = draft(edition)
    nominator_client.force_login(nomination.nominator)

    response = nominator_client.get(url("nomination_edit", nomination))

    assert response.status_code == 200
    assert nomination.nominee_name in response.text
    assert nomination.documents.get().filename in response.text


def test_form_saves_every_field(nominator_client, nominator, edition):
    nomination = empty_draft(edition, nominator)

    response = post_form(nominator_client, nomination, category=str(category(edition, "individu").pk))

    saved = refreshed(nomination)
    assert response.status_code == 302
    assert saved.category.code == "individu"
    assert saved.nominee_name == "Léa Gagnon"
    assert saved.nominee_email == "lea.gagnon@exemple.qc.ca"
    assert saved.region == "03"
    assert saved.actions == "Ateliers hebdomadaires\nsur la civilité en ligne."
    assert saved.people_reached == 640
    assert "The draft is saved." in message_texts(response)


def test_people_reached_accepts_thousands_spaces(nominator_client, nominator, edition):
    nomination = empty_draft(edition, nominator)

    post_form(nominator_client, nomination, people_reached="1\u202f200")

    assert refreshed(nomination).people_reached == 1200


def test_form_save_and_review_goes_to_review(nominator_client, nominator, edition):
    nomination = empty_draft(edition, nominator)

    response = post_form(nominator_client, nomination, review="1")

    assert response["Location"] == url("nomination_review", nomination)


def test_draft_keeps_typed_values_on_error(nominator_client, nominator, edition):
    nomination = empty_draft(edition, nominator)

    response = post_form(
        nominator_client, nomination, nominee_email="lea.gagnon@", people_reached="beaucoup", region="99"
    )

    saved = refreshed(nomination)
    assert response.status_code == 200
    # The values that passed their checks are stored.
    assert saved.nominee_name == "Léa Gagnon"
    assert saved.actions == "Ateliers hebdomadaires\nsur la civilité en ligne."
    # The invalid ones are not, but the page shows them as typed, with their errors.
    assert saved.nominee_email == ""
    assert saved.people_reached is None
    assert saved.region == ""
    assert 'value="lea.gagnon@"' in response.text
    assert 'value="beaucoup"' in response.text
    assert "Enter a whole number, for example 250." in response.text
    assert "Enter a valid email address." in response.text
    assert "The values without an error are saved." in response.text


def test_valid_upload_saved_despite_text_error(nominator_client, nominator, edition):
    nomination = empty_draft(edition, nominator)

    response = post_form(nominator_client, nomination, nominee_email="pas-une-adresse", document=pdf_upload())

    assert response.status_code == 200
    document = nomination.documents.get()
    assert document.kind == "support_letter"
    assert document.filename == "lettre-appui.pdf"
    assert "The file « lettre-appui.pdf » is added." in response.text


def test_upload_of_wrong_type_refused(nominator_client, nominator, edition):
    nomination = empty_draft(edition, nominator)
    disguised = SimpleUploadedFile("lettre.pdf", b"Ceci n'est pas un PDF.", content_type="application/pdf")

    response = post_form(nominator_client, nomination, document=disguised)

    assert response.status_code == 200
    assert "“lettre.pdf” is not an accepted file type." in response.text
    assert not nomination.documents.exists()
    assert refreshed(nomination).nominee_name == "Léa Gagnon"


def test_upload_without_kind_refused(nominator_client, nominator, edition):
    nomination = empty_draft(edition, nominator)

    response = post_form(nominator_client, nomination, document_kind="", document=pdf_upload())

    assert response.status_code == 200
    assert "Say whether the document is a support letter or another document." in response.text
    assert not nomination.documents.exists()


def test_sixth_document_refused(nominator_client, nominator, edition):
    nomination = empty_draft(edition, nominator)
    for index in range(MAX_DOCUMENTS):
        services.add_document(
            nomination=nomination, actor=nominator, kind="other", upload=pdf_upload(f"document-{index}.pdf")
        )

    page = nominator_client.get(url("nomination_edit", nomination))
    response = post_form(nominator_client, nomination, document=pdf_upload("sixieme.pdf"))

    assert "The maximum number of files is reached" in page.text
    assert response.status_code == 200
    assert "A nomination holds at most 5 documents" in response.text
    assert nomination.documents.count() == MAX_DOCUMENTS


def test_remove_document(nominator_client, nominator, edition):
    nomination = empty_draft(edition, nominator)
    document = services.add_document(nomination=nomination, actor=nominator, kind="other", upload=pdf_upload())

    response = nominator_client.post(url("nomination_document_remove", nomination, document_id=document.pk))

    assert response.status_code == 302
    assert not NominationDocument.objects.filter(pk=document.pk).exists()
    assert "The file « lettre-appui.pdf » was removed." in message_texts(response)


def test_document_download(nominator_client, edition):
    nomination = draft(edition)
    nominator_client.force_login(nomination.nominator)
    document = nomination.documents.get()

    response = nominator_client.get(url("nomination_document", nomination, document_id=document.pk))

    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert b"".join(response.streaming_content) == PDF_BYTES


def test_document_missing_file_gets_410(nominator_client, edition):
    nomination = draft(edition)
    nominator_client.force_login(nomination.nominator)
    document = nomination.documents.get()
    document.file.storage.delete(document.file.name)

    response = nominator_client.get(url("nomination_document", nomination, document_id=document.pk))

    assert response.status_code == 410
    assert document.filename in response.text


def test_form_of_submitted_nomination_redirects(client, edition):
    nomination = nominate(edition)
    client.force_login(nomination.nominator)

    response = post_form(client, nomination, nominee_name="Changement tardif")

    assert response.status_code == 302
    assert response["Location"] == url("nomination_detail", nomination)
    assert refreshed(nomination).nominee_name != "Changement tardif"


# Review and submission


def test_review_links_problems_to_fields(nominator_client, nominator, edition):
    nomination = empty_draft(edition, nominator)

    response = nominator_client.get(url("nomination_review", nomination))

    edit = url("nomination_edit", nomination)
    assert response.status_code == 200
    assert f'<a href="{edit}#id_nominee_name">Enter the nominee&#x27;s name.</a>' in response.text
    assert f'<a href="{edit}#documents">Attach at least one support letter.</a>' in response.text
    assert url("nomination_submit", nomination) not in response.text


def test_review_of_complete_draft_offers_submit(client, edition):
    nomination = draft(edition)
    client.force_login(nomination.nominator)

    response = client.get(url("nomination_review", nomination))

    assert "Nothing is missing" in response.text
    assert url("nomination_submit", nomination) in response.text


def test_submit_complete_draft(client, edition, django_capture_on_commit_callbacks):
    nomination = draft(edition)
    client.force_login(nomination.nominator)

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url("nomination_submit", nomination))

    assert response.status_code == 302
    assert response["Location"] == url("nomination_detail", nomination)
    assert refreshed(nomination).state == NominationState.SUBMITTED
    assert "Your nomination is submitted and you receive a confirmation by e-mail." in message_texts(response)


def test_submit_individu_sends_consent_email(client, edition, django_capture_on_commit_callbacks):
    nomination = draft(edition, "individu")
    client.force_login(nomination.nominator)

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url("nomination_submit", nomination))

    consent_mails = [message for message in mail.outbox if nomination.nominee_email in message.to]
    assert refreshed(nomination).consent_requested_at is not None
    assert len(consent_mails) == 1
    assert "/prix/consentement/" in consent_mails[0].body
    assert any("The nominee receives an e-mail to give or refuse consent" in text for text in message_texts(response))


def test_submit_incomplete_draft_refused(nominator_client, nominator, edition):
    nomination = empty_draft(edition, nominator)

    response = nominator_client.post(url("nomination_submit", nomination))

    assert response["Location"] == url("nomination_review", nomination)
    assert refreshed(nomination).state == NominationState.DRAFT
    assert any("Enter the nominee's name." in text for text in message_texts(response))


def test_submit_after_deadline_shows_local_deadline(client, settings, edition):
    nomination = draft(edition)
    close_window(edition, closes_at=datetime(2026, 5, 15, 16, 30, tzinfo=MONTREAL))
    french(client, settings).force_login(nomination.nominator)

    response = client.post(url("nomination_submit", nomination))

    assert response["Location"] == url("nomination_review", nomination)
    assert refreshed(nomination).state == NominationState.DRAFT
    assert any("15 mai 2026 à 16 h 30" in text for text in message_texts(response))


def test_review_after_deadline_hides_submit(client, settings, edition):
    nomination = draft(edition)
    close_window(edition, closes_at=datetime(2026, 5, 15, 16, 30, tzinfo=MONTREAL))
    french(client, settings).force_login(nomination.nominator)

    response = client.get(url("nomination_review", nomination))

    assert "15 mai 2026 à 16 h 30" in response.text
    assert url("nomination_submit", nomination) not in response.text


def test_submit_twice_says_already_done(client, edition):
    nomination = nominate(edition)
    client.force_login(nomination.nominator)

    response = client.post(url("nomination_submit", nomination))

    assert response["Location"] == url("nomination_detail", nomination)
    assert any("already submitted" in text for text in message_texts(response))
    assert (
        TransitionLog.objects.filter(object_id=str(nomination.pk), transition="awards.nomination.submitted").count()
        == 1
    )


# Completion requested by the ministry


def test_incomplete_nomination_shows_items_and_resubmits(client, edition, officer):
    nomination = nominate(edition)
    services.request_completion(nomination=nomination, actor=officer, items=["Ajoutez une deuxième lettre d'appui."])
    client.force_login(nomination.nominator)

    page = client.get(url("nomination_detail", nomination))
    form = client.get(url("nomination_edit", nomination))
    review = client.get(url("nomination_review", nomination))
    response = client.post(url("nomination_resubmit", nomination))

    assert "Ajoutez une deuxième lettre d&#x27;appui." in page.text
    assert form.status_code == 200
    assert "Ajoutez une deuxième lettre d&#x27;appui." in review.text
    assert url("nomination_resubmit", nomination) in review.text
    assert response["Location"] == url("nomination_detail", nomination)
    assert refreshed(nomination).state == NominationState.SUBMITTED


def test_resubmit_without_request_refused(client, edition):
    nomination = nominate(edition)
    client.force_login(nomination.nominator)

    response = client.post(url("nomination_resubmit", nomination))

    assert any("already sent" in text for text in message_texts(response))
    assert refreshed(nomination).state == NominationState.SUBMITTED


def test_incomplete_category_cannot_change(client, edition, officer):
    nomination = nominate(edition)
    services.request_completion(nomination=nomination, actor=officer, items=["Précisez la portée."])
    client.force_login(nomination.nominator)

    response = post_form(client, nomination, category=str(category(edition, "education").pk), reach="Précisée.")

    saved = refreshed(nomination)
    assert response.status_code == 302
    assert saved.category.code == "organisation"
    assert saved.reach == "Précisée."


# Withdrawal


def test_withdraw_requires_reason(client, edition):
    nomination = nominate(edition)
    client.force_login(nomination.nominator)

    response = client.post(url("nomination_withdraw", nomination), {"reason": "  "})

    assert response.status_code == 200
    assert "Give the reason for withdrawing the nomination." in response.text
    assert refreshed(nomination).state == NominationState.SUBMITTED


def test_withdraw_with_reason(client, edition):
    nomination = nominate(edition)
    client.force_login(nomination.nominator)

    response = client.post(url("nomination_withdraw", nomination), {"reason": "La personne a déménagé."})

    withdrawn = refreshed(nomination)
    assert response["Location"] == url("nomination_detail", nomination)
    assert withdrawn.state == NominationState.WITHDRAWN
    assert withdrawn.withdrawal_reason == "La personne a déménagé."


def test_withdraw_twice_says_already_done(client, edition):
    nomination = nominate(edition)
    services.withdraw_nomination(nomination=nomination, actor=nomination.nominator, reason="Retrait.")
    client.force_login(nomination.nominator)

    response = client.post(url("nomination_withdraw", nomination), {"reason": "Encore."})

    assert response.status_code == 302
    assert "This nomination was already withdrawn." in message_texts(response)
    assert refreshed(nomination).withdrawal_reason == "Retrait."


# Nomination page


def test_page_shows_state_and_history(client, edition):
    nomination = nominate(edition)
    client.force_login(nomination.nominator)

    response = client.get(url("nomination_detail", nomination))

    assert response.status_code == 200
    assert "Submitted" in response.text
    assert "Nomination started" in response.text
    assert "Nomination submitted" in response.text
    assert url("nomination_summary_pdf", nomination) in response.text
    assert url("nomination_withdraw", nomination) in response.text


def test_page_hides_who_took_internal_steps(client, edition, officer):
    nomination = nominate(edition)
    services.request_completion(nomination=nomination, actor=officer, items=["Précisez la portée."])

    client.force_login(nomination.nominator)
    nominator_page = client.get(url("nomination_detail", nomination))
    client.force_login(officer)
    officer_page = client.get(url("nomination_detail", nomination))

    assert "Completion requested" in nominator_page.text
    assert officer.last_name not in nominator_page.text
    assert officer.last_name in officer_page.text


def test_page_names_nominee_for_consent_answers(client, edition):
    nomination = nominate(edition, "individu")
    services.give_consent(token=nomination.token)
    client.force_login(nomination.nominator)

    response = client.get(url("nomination_detail", nomination))

    assert "Nominee&#x27;s consent given</strong> – the nominee" in response.text


def test_consent_request_resent_too_soon(client, edition):
    nomination = nominate(edition, "individu")
    client.force_login(nomination.nominator)

    response = client.post(url("nomination_consent_request", nomination))

    assert response["Location"] == url("nomination_detail", nomination)
    assert any("Wait an hour before sending another one." in text for text in message_texts(response))


def test_consent_request_after_nominee_change(client, edition, django_capture_on_commit_callbacks):
    nomination = nominate(edition, "individu")
    services.request_completion(
        nomination=nomination, actor=UserFactory(roles=["program_officer"]), items=["Corrigez l'adresse."]
    )
    services.save_nomination(
        nomination=nomination, actor=nomination.nominator, data={"nominee_email": "nouvelle@exemple.qc.ca"}
    )
    client.force_login(nomination.nominator)

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url("nomination_consent_request", nomination))

    assert "A consent request was sent to nouvelle@exemple.qc.ca." in message_texts(response)
    assert refreshed(nomination).consent_requested_email == "nouvelle@exemple.qc.ca"


# Summary PDF


def test_summary_pdf_downloads(client, edition):
    nomination = nominate(edition)
    client.force_login(nomination.nominator)

    response = client.get(url("nomination_summary_pdf", nomination))

    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"].startswith("attachment;")
    assert f"Candidature {nomination.pk}.pdf" in response["Content-Disposition"]
    text = "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(response.content)).pages)
    assert nomination.nominee_name in text
    assert "Organisation" in text
    assert "lettre-appui.pdf" in text


# Lists


def count_queries(client, path) -> int:
    client.get(path)  # fills the per-process caches (content types, translations)
    with CaptureQueriesContext(connection) as queries:
        response = client.get(path)
    assert response.status_code == 200
    return len(queries)


def test_my_nominations_lists_only_mine(client, edition, nominator):
    mine = draft(edition, nominator=nominator)
    other = draft(edition)
    client.force_login(nominator)

    response = client.get(reverse("awards:my_nominations"))

    assert url("nomination_detail", mine) in response.text
    assert url("nomination_detail", other) not in response.text


def test_my_nominations_queries_constant(client, edition, nominator):
    draft(edition, nominator=nominator)
    client.force_login(nominator)
    one = count_queries(client, reverse("awards:my_nominations"))

    draft(edition, "individu", nominator=nominator)
    draft(edition, "education", nominator=nominator)
    three = count_queries(client, reverse("awards:my_nominations"))

    assert one == three


def test_links_keep_fixed_paths(edition):
    nomination = draft(edition)

    assert nomination_path(nomination) == f"/prix/candidatures/{nomination.pk}/"
    assert consent_path("Ab-9_z") == "/prix/consentement/Ab-9_z/"
    assert jury_path(edition) == f"/prix/jury/{edition.pk}/"
