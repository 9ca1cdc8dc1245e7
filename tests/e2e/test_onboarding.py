"""An organization's first visit, in French: account, e-mail confirmation, organization profile, invitation."""

import re

import pytest
from django.core.management import call_command
from django.utils import translation
from playwright.sync_api import expect

from common.templatetags.formats import long_datetime
from grants.models import ProgramRules
from tests.factories import CallFactory

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

EMAIL = "gerard.cote@exemple.qc.ca"
PASSWORD = "Intimidation-Zero-2026"
INVITEE = "sylvie.tremblay@exemple.qc.ca"
ORGANIZATION = "Maison des jeunes du Plateau"
MISSION = "Accueillir les jeunes de 12 à 17 ans et prévenir l’intimidation."
CONFIRMATION_PATH = re.compile(r"/comptes/confirmation/\S+/")
INVITATION_PATH = re.compile(r"/comptes/invitation/\S+/")


def field(page, text: str):
    """Find the field labelled exactly `text`, with or without the required-field asterisk."""
    return page.get_by_label(re.compile(rf"^{re.escape(text)}( \*)?$"))


@pytest.fixture
def open_call(db):
    call_command("load_program")
    # ECI-2027 stops accepting applications on 15 March 2027, so the journey opens this call instead: it
    # closes 30 days after it is created.
    # Reuse the loaded rules, because the factory's own rules would repeat a version number of the program.
    rules = ProgramRules.objects.order_by("-version").first()
    return CallFactory(code="ECI-E2E", title_fr="Appel de projets de démonstration", program=rules.program, rules=rules)


def test_stylesheets_load_from_static_files(live_server, page):
    page.goto(live_server.url)
    # 10px is the design system's root font size (62.5 %), and 24px the padding app.css gives <main>.
    assert page.evaluate("getComputedStyle(document.documentElement).fontSize") == "10px"
    assert page.evaluate("getComputedStyle(document.querySelector('main')).paddingTop") == "24px"


def test_onboarding_journey_in_french(live_server, page, mailoutbox, open_call, checkpoint):
    page.goto(live_server.url)
    expect(page.locator("html")).to_have_attribute("lang", "fr")
    checkpoint("home")

    page.get_by_role("link", name="Créer un compte").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Créer un compte")
    checkpoint("register")
    field(page, "Prénom").fill("Gérard")
    field(page, "Nom").fill("Côté")
    field(page, "Adresse courriel").fill(EMAIL)
    field(page, "Langue des courriels").select_option("fr")
    field(page, "Mot de passe").fill(PASSWORD)
    field(page, "Confirmation du mot de passe").fill(PASSWORD)
    page.get_by_role("button", name="Créer mon compte").click()

    expect(page).to_have_url(re.compile(r"/comptes/inscription/envoyee/$"))
    expect(page.get_by_role("main")).to_contain_text(EMAIL)
    checkpoint("registration-sent")
    assert len(mailoutbox) == 1
    confirmation = CONFIRMATION_PATH.search(mailoutbox[-1].body)
    assert confirmation, mailoutbox[-1].body

    page.goto(live_server.url + confirmation.group(0))
    expect(page).to_have_url(re.compile(r"/comptes/connexion/"))
    expect(page.get_by_role("status")).to_contain_text("Votre adresse courriel est confirmée.")
    expect(field(page, "Adresse courriel")).to_have_value(EMAIL)
    checkpoint("login")
    field(page, "Mot de passe").fill(PASSWORD)
    page.get_by_role("button", name="Se connecter").click()

    expect(page).to_have_url(re.compile(r"/comptes/tableau-de-bord/$"))
    expect(page.get_by_role("heading", level=1)).to_contain_text("Gérard")
    checkpoint("dashboard")
    page.get_by_role("link", name="Créer le profil de mon organisme").click()

    expect(page).to_have_url(re.compile(r"/comptes/organismes/nouveau/$"))
    checkpoint("organization-form")
    field(page, "Nom légal").fill(ORGANIZATION)
    field(page, "Numéro d’entreprise du Québec (NEQ)").fill("9912345678")
    field(page, "Forme juridique").select_option("non_profit")
    field(page, "Région administrative").select_option("06")
    field(page, "Adresse (numéro et rue)").fill("4000, rue Saint-Denis")
    field(page, "Municipalité").fill("Montréal")
    field(page, "Code postal").fill("h2w 2m5")
    field(page, "Date de constitution").fill("2012-09-01")
    field(page, "Mission").fill(MISSION)
    page.get_by_role("button", name="Enregistrer").click()

    summary = page.get_by_role("alert")
    expect(summary).to_contain_text("Le formulaire contient 1 erreur")
    expect(summary.locator('a[href="#id_neq"]')).to_be_visible()
    expect(field(page, "Nom légal")).to_have_value(ORGANIZATION)
    expect(field(page, "Région administrative")).to_have_value("06")
    expect(field(page, "Date de constitution")).to_have_value("2012-09-01")
    expect(field(page, "Mission")).to_have_value(MISSION)
    checkpoint("organization-form-errors")
    summary.locator('a[href="#id_neq"]').click()
    expect(field(page, "Numéro d’entreprise du Québec (NEQ)")).to_be_focused()
    field(page, "Numéro d’entreprise du Québec (NEQ)").fill("1167891234")
    page.get_by_role("button", name="Enregistrer").click()

    expect(page).to_have_url(re.compile(r"/comptes/organismes/\d+/"))
    expect(page.get_by_role("heading", level=1)).to_have_text(ORGANIZATION)
    expect(page.get_by_role("main")).to_contain_text("1167891234")
    checkpoint("organization")
    field(page, "Adresse courriel de la personne à inviter").fill(INVITEE)
    page.get_by_role("button", name="Envoyer l’invitation").click()

    expect(page.get_by_role("status")).to_contain_text(INVITEE)
    expect(page.get_by_role("heading", name="Invitations en attente")).to_be_visible()
    # The history also names the address, but only the pending invitation starts with it.
    expect(page.get_by_role("listitem").filter(has_text=re.compile(rf"^{re.escape(INVITEE)} "))).to_be_visible()
    checkpoint("organization-invited")
    invitations = [message for message in mailoutbox if message.to == [INVITEE]]
    assert len(invitations) == 1
    assert INVITATION_PATH.search(invitations[0].body), invitations[0].body

    page.get_by_role("link", name="Appels de projets", exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Appels de projets")
    expect(page.get_by_role("row").filter(has_text="ECI-2027")).to_contain_text("15 mars 2027 à 16 h 30")
    checkpoint("calls")
    page.get_by_role("link", name="Appel de projets de démonstration").click()

    expect(page.get_by_role("heading", level=1)).to_have_text("Appel de projets de démonstration")
    with translation.override("fr"):
        deadline = long_datetime(open_call.closes_at)
    expect(page.get_by_role("main")).to_contain_text(f"acceptées jusqu’au {deadline}")
    checkpoint("call")
