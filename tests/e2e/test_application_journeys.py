"""Applications in Chromium: an organization fills and submits a three-year application, then an officer screens
a submitted one, requests information, and declares it receivable once the organization has sent it.

Form fields are found by id or `name`, so that they do not depend on the wording. Headings, buttons, links and
messages are found and checked by their French text, the language of the site.
"""

import re
from datetime import timedelta

import pytest
from django.contrib.auth.models import Group
from django.contrib.contenttypes.models import ContentType
from django.core import mail
from django.urls import reverse
from django.utils import timezone
from playwright.sync_api import expect

from applications import services
from applications.models import Application, ApplicationState
from common.models import Document
from grants.models import ExpenseCategory, ScreeningQuestion
from tests.applications.factories import PDF_BYTES, ApplicationFactory, complete_application, ensure_call_setup
from tests.e2e.conftest import login
from tests.factories import CallFactory, MembershipFactory, UserFactory

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

PASSWORD = "Intimidation-Zero-2026"
APPLICANT_EMAIL = "gerard.cote@exemple.qc.ca"
OFFICER_EMAIL = "nadia.belanger@famille.gouv.qc.ca"
ORGANIZATION = "Maison des jeunes du Plateau"
CALL_CODE = "ECI-E2E"
CALL_TITLE = "Appel de projets de démonstration"
REFERENCE = f"{CALL_CODE}-0001"
TITLE = "Brigades de pairs aidants contre la cyberintimidation"
OWN_CONTRIBUTION = "Contribution de l’organisme"
FORM_HAS_ONE_ERROR = "Le formulaire contient 1 erreur. Corrigez-la pour continuer."
MISSING_ITEMS = "1. La résolution du conseil d’administration signée.\n2. Le détail des dépenses de matériel de l’an 1."


def path_pattern(name: str, **kwargs) -> re.Pattern:
    # Chromium keeps the fragment of the previous URL across a redirect, such as « #id_requested_1 » after a link
    # of the review page, so the URL may end with one.
    return re.compile(re.escape(reverse(name, kwargs=kwargs)) + "(#[^/]*)?$")


def step_pattern(application: Application, step: str) -> re.Pattern:
    return path_pattern("applications:step", pk=application.pk, step=step)


def button(page, name: str):
    return page.get_by_role("button", name=name, exact=True)


def heading(page):
    return page.get_by_role("heading", level=1)


def message(page):
    """Return the message the previous action left at the top of the page."""
    return page.locator(".messages [role=status]")


def wizard_step(page, title: str):
    """Return the link to the step `title` in the list of steps, whose name also gives the status of the step."""
    return page.get_by_role("navigation", name="Étapes de la demande").get_by_role(
        "link", name=re.compile(rf"^{re.escape(title)} ")
    )


def expect_state(page, state: str) -> None:
    expect(page.locator(".status").first).to_have_text(state)


def sign_out(page, check) -> None:
    button(page, "Se déconnecter").click()
    expect(page).to_have_url(path_pattern("home"))
    check("signed-out")


def pdf_file(folder, name: str):
    path = folder / name
    path.write_bytes(PDF_BYTES)
    return path


@pytest.fixture
def open_call(db):
    call = CallFactory(code=CALL_CODE, title_fr=CALL_TITLE)
    ensure_call_setup(call)
    return call


@pytest.fixture
def applicant(db):
    """Create the representative (mandataire) of an organization, with a known password."""
    membership = MembershipFactory(
        is_representative=True,
        user__email=APPLICANT_EMAIL,
        user__first_name="Gérard",
        user__last_name="Côté",
        organization__name=ORGANIZATION,
    )
    user = membership.user
    user.set_password(PASSWORD)
    user.save()
    return user


@pytest.fixture
def program_officer(db):
    # A transactional test empties every table after it runs, the groups of the data migrations included.
    Group.objects.get_or_create(name="program_officer")
    user = UserFactory(roles=["program_officer"], email=OFFICER_EMAIL, first_name="Nadia", last_name="Bélanger")
    user.set_password(PASSWORD)
    user.save()
    return user


def test_application_submitted_after_corrections(live_server, page, checkpoint, tmp_path, open_call, applicant):
    mail.outbox.clear()
    salaries = ExpenseCategory.objects.get(code="salaries").pk
    materials = ExpenseCategory.objects.get(code="materials").pk

    def cell(year: int, category: int):
        return page.locator(f'[name="expense_{year}_{category}"]')

    def requested(year: int):
        return page.locator(f'[name="requested_{year}"]')

    login(page, live_server, APPLICANT_EMAIL, PASSWORD, checkpoint)
    expect(page.locator("html")).to_have_attribute("lang", "fr")
    checkpoint("dashboard")

    page.get_by_role("link", name="Appels de projets", exact=True).click()
    checkpoint("calls")
    page.get_by_role("link", name=CALL_TITLE).click()
    expect(heading(page)).to_have_text(CALL_TITLE)
    checkpoint("call")
    button(page, "Commencer ou poursuivre la demande").click()

    application = Application.objects.get(call=open_call)
    expect(page).to_have_url(step_pattern(application, "organisation"))
    expect(message(page)).to_have_text(
        f"La demande de {ORGANIZATION} est commencée. Chaque étape est enregistrée séparément : "
        "vous pouvez revenir à tout moment."
    )
    expect(heading(page)).to_have_text("Votre organisme")
    checkpoint("step-organization")
    page.locator("#id_confirm").check()
    button(page, "Enregistrer et continuer").click()

    expect(page).to_have_url(step_pattern(application, "projet"))
    expect(message(page)).to_have_text("L’étape « Organisme » est enregistrée.")
    expect(heading(page)).to_have_text("Votre projet")
    checkpoint("step-project")
    page.locator("#id_title").fill(TITLE)
    page.locator("#id_summary").fill("Former des élèves de 3e secondaire comme pairs aidants.")
    page.locator("#id_objectives").fill("Réduire la cyberintimidation dans trois écoles secondaires.")
    page.locator("#id_expected_impacts").fill("Plus de signalements, moins de victimisation répétée.")
    page.locator("#id_approach").fill(
        "Ateliers, accompagnement hebdomadaire,\ncampagne de sensibilisation par les pairs."
    )
    page.locator("#id_knowledge_base").fill("Programmes de pairs aidants évalués au Québec et en Ontario.")
    page.locator("#id_help_resources").fill("Référence vers Tel-jeunes et les CLSC.")
    button(page, "Enregistrer et continuer").click()

    expect(page).to_have_url(step_pattern(application, "clientele"))
    expect(heading(page)).to_have_text("Clientèles et régions")
    checkpoint("step-clienteles")
    for checkbox in page.locator('input[name="clienteles"]').all():
        checkbox.check()
    page.locator('input[name="regions"][value="06"]').check()
    page.locator('input[name="regions"][value="13"]').check()
    page.locator('input[name="reach"][value="regional"]').check()
    button(page, "Enregistrer et continuer").click()

    expect(page).to_have_url(step_pattern(application, "calendrier"))
    expect(heading(page)).to_have_text("Calendrier du projet")
    checkpoint("step-calendar")
    page.locator("#id_starts_on").fill("2027-07-01")
    page.locator("#id_ends_on").fill("2030-06-30")
    page.locator("#id_phases-0-title").fill("Recrutement et formation des pairs aidants")
    page.locator("#id_phases-0-starts_on").fill("2027-07-01")
    page.locator("#id_phases-0-ends_on").fill("2027-12-31")
    page.locator("#id_phases-0-activities").fill("Recrutement dans trois écoles, 20 heures de formation.")
    button(page, "Enregistrer et continuer").click()

    # Budget, first try: an amount in an invalid format.
    expect(page).to_have_url(step_pattern(application, "budget"))
    expect(heading(page)).to_have_text("Budget")
    expect(page.locator("th#year-3")).to_contain_text("Année 3")
    expect(page.locator("th#year-4")).to_have_count(0)
    checkpoint("step-budget")
    cell(1, salaries).fill("12,34,5")
    cell(1, materials).fill("3 000")
    requested(1).fill("40 000")
    button(page, "Enregistrer et continuer").click()

    expect(page).to_have_url(step_pattern(application, "budget"))
    invalid_amount = (
        "Salaires et avantages sociaux, année 1 : « 12,34,5 » n’est pas un montant valide. Inscrivez un montant "
        "comme 1 234,56 (des chiffres, un espace entre les milliers et une virgule avant les cents)."
    )
    summary = page.get_by_role("alert")
    expect(summary.get_by_role("heading")).to_have_text(FORM_HAS_ONE_ERROR)
    expect(summary.get_by_role("link")).to_have_text([invalid_amount])
    expect(page.locator(f"#id_expense_1_{salaries}_error")).to_have_text(invalid_amount)
    expect(cell(1, salaries)).to_have_accessible_description(invalid_amount)
    expect(cell(1, salaries)).to_have_value("12,34,5")
    expect(cell(1, materials)).to_have_value("3 000")
    expect(requested(1)).to_have_value("40 000")
    checkpoint("step-budget-format-error")
    summary.get_by_role("link").click()
    expect(cell(1, salaries)).to_be_focused()
    assert not application.budget_lines.exists()

    # Second try: valid amounts, but no year balances and year 1 requests more than 50 000 $.
    for year in (1, 2, 3):
        cell(year, salaries).fill("42 000")
        cell(year, materials).fill("3 000")
        requested(year).fill("55 000" if year == 1 else "40 000")
    button(page, "Enregistrer").click()

    expect(page).to_have_url(step_pattern(application, "budget"))
    expect(message(page)).to_have_text("L’étape « Budget » est enregistrée.")
    expect(page.get_by_role("alert")).to_have_count(0)
    expect(page.locator("td.unbalanced")).to_have_text(["-10 000,00 $", "5 000,00 $", "5 000,00 $"])
    checkpoint("step-budget-unbalanced")
    wizard_step(page, "Vérification et dépôt").click()

    expect(page).to_have_url(path_pattern("applications:review", pk=application.pk))
    expect(heading(page)).to_have_text("Vérification et dépôt")
    problems = page.locator(".problem-list")
    expect(problems.get_by_role("heading", level=2)).to_have_text("8 problèmes à régler avant le dépôt")
    expect(problems.get_by_role("heading", level=3)).to_have_text(["Budget", "Documents"])
    budget_url = reverse("applications:step", kwargs={"pk": application.pk, "step": "budget"})
    over_maximum = problems.get_by_role(
        "link", name="Année de projet 1 : 55 000,00 $ demandés, ce qui dépasse le maximum annuel de 50 000,00 $."
    )
    expect(over_maximum).to_have_attribute("href", f"{budget_url}#id_requested_1")
    expect(problems.get_by_role("link", name=re.compile(r"^L’année de projet \d n’est pas équilibrée"))).to_have_count(
        3
    )
    expect(
        problems.get_by_role(
            "link",
            name="L’année de projet 2 n’est pas équilibrée : les dépenses s’élèvent à 45 000,00 $, mais le montant "
            "demandé de 40 000,00 $ et les autres revenus de 0,00 $ totalisent 40 000,00 $. Ajustez les montants "
            "pour que les deux totaux concordent.",
        )
    ).to_have_attribute("href", f"{budget_url}#id_requested_2")
    expect(problems.get_by_role("link", name=re.compile(r"^Joignez le document « "))).to_have_count(4)
    expect(problems.get_by_role("link")).to_have_count(8)
    expect(page.locator(".submit-block")).to_contain_text(
        "Le bouton Déposer la demande s’affichera ici lorsque tous les problèmes ci-dessus seront réglés."
    )
    expect(button(page, "Déposer la demande")).to_have_count(0)
    checkpoint("review-problems")
    over_maximum.click()

    expect(page).to_have_url(re.compile(re.escape(budget_url) + "#id_requested_1$"))
    expect(cell(1, salaries)).to_have_value("42 000,00")
    expect(requested(1)).to_have_value("55 000,00")
    checkpoint("step-budget-from-review")
    requested(1).fill("40 000")
    button(page, "Enregistrer et continuer").click()

    # Other revenues: 5 000 $ of the organization's own money each year. Two blank rows are offered at a time.
    expect(page).to_have_url(step_pattern(application, "revenus"))
    expect(heading(page)).to_have_text("Autres revenus")
    checkpoint("step-revenues")
    for row, year in ((0, 1), (1, 2)):
        page.locator(f"#id_revenues-{row}-kind").select_option("own")
        page.locator(f"#id_revenues-{row}-source").fill(OWN_CONTRIBUTION)
        page.locator(f"#id_revenues-{row}-project_year").select_option(str(year))
        page.locator(f"#id_revenues-{row}-amount").fill("5 000")
        page.locator(f"#id_revenues-{row}-is_confirmed").check()
    button(page, "Enregistrer").click()

    expect(page).to_have_url(step_pattern(application, "revenus"))
    expect(message(page)).to_have_text("L’étape « Autres revenus » est enregistrée.")
    expect(page.locator("#id_revenues-1-amount")).to_have_value("5 000,00")
    expect(page.locator("#id_revenues-3-kind")).to_be_visible()
    checkpoint("step-revenues-saved")
    page.locator("#id_revenues-2-kind").select_option("own")
    page.locator("#id_revenues-2-source").fill(OWN_CONTRIBUTION)
    page.locator("#id_revenues-2-project_year").select_option("3")
    page.locator("#id_revenues-2-amount").fill("5 000")
    button(page, "Enregistrer et continuer").click()

    # Documents: a text file renamed .pdf is rejected, and the real PDF sent with it is kept.
    expect(page).to_have_url(step_pattern(application, "documents"))
    expect(heading(page)).to_have_text("Documents")
    checkpoint("step-documents")
    fake = tmp_path / "Résolution du CA – brouillon.pdf"
    fake.write_text("Ceci n’est pas un PDF : c’est une note de la secrétaire.\n", encoding="utf-8")
    page.locator("#id_document_board-resolution").set_input_files(fake)
    page.locator("#id_document_letters-patent").set_input_files(pdf_file(tmp_path, "Lettres patentes – 2012.pdf"))
    button(page, "Téléverser les fichiers choisis").click()

    expect(message(page)).to_have_text("1 fichier a été ajouté.")
    expect(page.get_by_role("alert").get_by_role("heading")).to_have_text(FORM_HAS_ONE_ERROR)
    expect(page.locator("#id_document_board-resolution_error")).to_contain_text(
        "« Résolution du CA – brouillon.pdf » n’est pas un type de fichier accepté."
    )
    expect(page.locator("#document-board-resolution .attachment-list")).to_have_count(0)
    expect(page.locator("#document-letters-patent .attachment-list")).to_contain_text("Lettres patentes – 2012.pdf")
    checkpoint("step-documents-rejected")
    page.locator("#id_document_board-resolution").set_input_files(pdf_file(tmp_path, "Résolution du CA – 2026.pdf"))
    page.locator("#id_document_annual-report").set_input_files(pdf_file(tmp_path, "Rapport annuel 2025-2026.pdf"))
    page.locator("#id_document_financial-statements").set_input_files(
        pdf_file(tmp_path, "États financiers vérifiés – 2025.pdf")
    )
    button(page, "Téléverser les fichiers choisis").click()

    expect(page).to_have_url(step_pattern(application, "documents"))
    expect(message(page)).to_have_text("3 fichiers ont été ajoutés.")
    expect(page.get_by_role("alert")).to_have_count(0)
    expect(page.locator("#document-board-resolution .attachment-list")).to_contain_text("Résolution du CA – 2026.pdf")
    expect(page.locator("#document-annual-report .attachment-list")).to_contain_text("Rapport annuel 2025-2026.pdf")
    expect(page.locator("#document-financial-statements .attachment-list")).to_contain_text(
        "États financiers vérifiés – 2025.pdf"
    )
    checkpoint("step-documents-complete")
    page.get_by_role("link", name="Passer à la vérification").click()

    expect(page).to_have_url(path_pattern("applications:review", pk=application.pk))
    expect(page.locator(".problem-list")).to_have_count(0)
    expect(page.get_by_role("status")).to_have_text(
        "Rien ne manque : la demande respecte les règles de l’appel de projets."
    )
    expect(wizard_step(page, "Vérification et dépôt")).to_contain_text("0 problème à régler")
    expect(page.locator(".application-summary")).to_contain_text("Résolution du CA – 2026.pdf")
    checkpoint("review-ready")
    button(page, "Déposer la demande").click()

    expect(page).to_have_url(path_pattern("applications:detail", pk=application.pk))
    expect(message(page)).to_have_text(
        f"Votre demande est déposée sous le numéro {REFERENCE}. Chaque membre de l’organisme reçoit une "
        "confirmation par courriel."
    )
    expect(heading(page)).to_have_text(TITLE)
    header = page.locator(".file-header")
    expect(header.locator("dt").first).to_have_text("Numéro de dossier")
    expect(header.locator("dd").first).to_have_text(REFERENCE)
    expect_state(page, "Déposée")
    timeline = page.locator(".timeline")
    expect(timeline.get_by_role("heading", name="Historique")).to_be_visible()
    expect(timeline.locator(".timeline-what strong")).to_have_text(["Brouillon commencé", "Demande déposée"])
    expect(timeline.locator("li").nth(1)).to_contain_text("Gérard Côté")
    expect(timeline.locator("li").nth(1)).to_contain_text(f"Numéro de dossier {REFERENCE}.")
    checkpoint("file-submitted")

    application.refresh_from_db()
    assert application.state == ApplicationState.SUBMITTED
    assert application.reference == REFERENCE
    assert [email.to for email in mail.outbox] == [[APPLICANT_EMAIL]]
    assert mail.outbox[0].subject == f"Demande {REFERENCE} reçue"
    receipts = Document.objects.filter(
        content_type=ContentType.objects.get_for_model(Application),
        object_id=str(application.pk),
        kind="applications.receipt",
    )
    assert receipts.count() == 1
    receipt_link = page.get_by_role("link", name="Accusé de réception")
    expect(receipt_link).to_have_attribute("href", reverse("common:document_download", args=[receipts.get().pk]))


def test_screening_receivable_after_information_request(
    live_server, page, checkpoint, tmp_path, open_call, applicant, program_officer
):
    questions = [
        ScreeningQuestion.objects.create(call=open_call, kind=kind, position=position, text_fr=text)
        for kind, position, text in [
            (ScreeningQuestion.Kind.RECEIVABILITY, 0, "La demande a-t-elle été déposée avant la date limite ?"),
            (ScreeningQuestion.Kind.RECEIVABILITY, 1, "Tous les documents exigés sont-ils joints ?"),
            (ScreeningQuestion.Kind.ELIGIBILITY, 0, "L’organisme est-il un organisme à but non lucratif ?"),
        ]
    ]
    organization = applicant.memberships.get().organization
    application = complete_application(
        ApplicationFactory(call=open_call, organization=organization, created_by=applicant)
    )
    services.submit_application(application=application, actor=applicant)
    mail.outbox.clear()
    salaries = ExpenseCategory.objects.get(code="salaries").pk
    materials = ExpenseCategory.objects.get(code="materials").pk

    def answer(question: ScreeningQuestion, value: str):
        return page.locator(f'input[name="answer_{question.pk}"][value="{value}"]')

    # The officer takes the file in charge and requests information.
    login(page, live_server, OFFICER_EMAIL, PASSWORD, checkpoint)
    checkpoint("officer-dashboard")
    page.get_by_role("navigation", name="Menu principal").get_by_role("link", name="Demandes d’aide financière").click()

    expect(page).to_have_url(path_pattern("applications:list"))
    expect(heading(page)).to_have_text("Demandes d’aide financière")
    expect(page.get_by_role("row").filter(has_text=REFERENCE)).to_contain_text("Déposée")
    checkpoint("staff-list")
    page.get_by_role("link", name=REFERENCE, exact=True).click()

    expect(page).to_have_url(path_pattern("applications:detail", pk=application.pk))
    expect_state(page, "Déposée")
    checkpoint("officer-file")
    page.get_by_role("link", name="Analyser le dossier").click()

    expect(page).to_have_url(path_pattern("applications:screening", pk=application.pk))
    expect(heading(page)).to_have_text(f"Analyse du dossier {REFERENCE}")
    checkpoint("screening")
    button(page, "Prendre en charge").click()

    expect(page).to_have_url(path_pattern("applications:screening", pk=application.pk))
    expect(message(page)).to_have_text("Vous avez pris ce dossier en charge. Son analyse peut commencer.")
    expect_state(page, "En analyse")
    expect(page.locator("dl.facts")).to_contain_text("Nadia Bélanger")
    expect(page.get_by_role("heading", name="Grille d’analyse")).to_be_visible()
    expect(page.get_by_role("heading", level=3)).to_have_text(["Recevabilité", "Admissibilité"])
    checkpoint("screening-taken-in-charge")
    answer(questions[0], "yes").check()
    page.locator(f"#id_comment_{questions[0].pk}").fill("Déposée trois semaines avant la date limite.")
    answer(questions[1], "no").check()
    page.locator(f"#id_comment_{questions[1].pk}").fill("La résolution du CA n’est pas signée.")
    button(page, "Enregistrer la grille").click()

    expect(page).to_have_url(path_pattern("applications:screening", pk=application.pk))
    expect(message(page)).to_have_text("La grille d’analyse est enregistrée.")
    expect(page.locator(".screening-question > p.help-text")).to_have_count(2)
    expect(page.locator(".screening-question > p.help-text").nth(1)).to_contain_text("Réponse enregistrée : « Non »")
    expect(answer(questions[1], "no")).to_be_checked()
    expect(answer(questions[2], "yes")).not_to_be_checked()
    checkpoint("screening-checklist-partial")
    respond_by = timezone.localdate() + timedelta(days=10)
    page.locator('input[name="sections"][value="documents"]').check()
    page.locator('input[name="sections"][value="budget"]').check()
    page.locator("#id_items").fill(MISSING_ITEMS)
    page.locator("#id_respond_by").fill(respond_by.isoformat())
    button(page, "Envoyer la demande de renseignements").click()

    expect(page).to_have_url(path_pattern("applications:screening", pk=application.pk))
    expect(message(page)).to_have_text("La demande de renseignements a été envoyée à l’organisme.")
    expect_state(page, "Renseignements demandés")
    requests = page.locator('section[aria-labelledby="requests-title"]')
    expect(requests.get_by_role("heading")).to_have_text("Demandes de renseignements")
    expect(requests.locator("tbody tr")).to_contain_text("La résolution du conseil d’administration signée.")
    expect(requests.locator("tbody tr")).to_contain_text("Budget, Documents")
    expect(button(page, "Envoyer la demande de renseignements")).to_have_count(0)
    checkpoint("screening-information-requested")
    sign_out(page, checkpoint)

    application.refresh_from_db()
    assert application.state == ApplicationState.INCOMPLETE
    assert sorted(application.reopened_sections) == ["budget", "documents"]
    assert [email.to for email in mail.outbox] == [[APPLICANT_EMAIL]]

    # The organization reads the request, changes the reopened sections only, and sends the information.
    login(page, live_server, APPLICANT_EMAIL, PASSWORD, checkpoint)
    expect(page.get_by_role("row").filter(has_text=REFERENCE)).to_contain_text("Renseignements demandés")
    checkpoint("applicant-dashboard")
    page.get_by_role("link", name=REFERENCE, exact=True).click()

    expect(page).to_have_url(path_pattern("applications:review", pk=application.pk))
    notice = page.locator(".information-request")
    expect(notice.get_by_role("heading")).to_have_text("Renseignements demandés par le Ministère")
    expect(notice).to_contain_text("La résolution du conseil d’administration signée.")
    expect(button(notice, "Transmettre les renseignements")).to_be_visible()
    for title in ("Organisme", "Projet", "Clientèles et régions", "Calendrier", "Autres revenus"):
        expect(wizard_step(page, title)).to_contain_text("consultation seulement")
    for title in ("Budget", "Documents"):
        expect(wizard_step(page, title)).to_contain_text("Terminée")
        expect(wizard_step(page, title)).not_to_contain_text("consultation seulement")
    checkpoint("review-information-requested")
    page.get_by_role("link", name="voir le dossier").click()

    expect(page).to_have_url(path_pattern("applications:detail", pk=application.pk))
    expect_state(page, "Renseignements demandés")
    expect(page.locator(".request-list")).to_contain_text("en attente de réponse")
    expect(page.locator(".request-list")).to_contain_text("Le détail des dépenses de matériel de l’an 1.")
    checkpoint("file-information-requested")
    page.get_by_role("link", name="Fournir les renseignements demandés").click()

    expect(page).to_have_url(path_pattern("applications:review", pk=application.pk))
    checkpoint("review-from-file")
    wizard_step(page, "Projet").click()

    expect(page).to_have_url(step_pattern(application, "projet"))
    expect(page.locator("#id_title")).to_have_count(0)
    expect(page.locator("main textarea, main input[type=text]")).to_have_count(0)
    expect(page.get_by_role("note")).to_have_text(
        "Cette partie n’est pas visée par la demande de renseignements : elle ne peut donc pas être modifiée. "
        "Elle est affichée telle qu’elle a été déposée."
    )
    expect(page.locator("main")).to_contain_text(TITLE)
    checkpoint("step-project-read-only")
    wizard_step(page, "Budget").click()

    expect(page).to_have_url(step_pattern(application, "budget"))
    checkpoint("step-budget-reopened")
    page.locator(f'[name="expense_1_{salaries}"]').fill("43 500")
    page.locator(f'[name="expense_1_{materials}"]').fill("1 500")
    button(page, "Enregistrer et continuer").click()

    # Other revenues come next, and this section was not reopened.
    expect(page).to_have_url(step_pattern(application, "revenus"))
    expect(message(page)).to_have_text("L’étape « Budget » est enregistrée.")
    expect(page.locator("#id_revenues-0-kind")).to_have_count(0)
    expect(page.locator("main")).to_contain_text(OWN_CONTRIBUTION)
    checkpoint("step-revenues-read-only")
    wizard_step(page, "Documents").click()

    expect(page).to_have_url(step_pattern(application, "documents"))
    checkpoint("step-documents-reopened")
    button(page, "Supprimer board-resolution.pdf").click()

    expect(page).to_have_url(step_pattern(application, "documents"))
    expect(message(page)).to_have_text("Le fichier « board-resolution.pdf » a été supprimé.")
    expect(page.locator("#document-board-resolution .attachment-list")).to_have_count(0)
    checkpoint("step-documents-removed")
    page.locator("#id_document_board-resolution").set_input_files(
        pdf_file(tmp_path, "Résolution du CA signée – 2026.pdf")
    )
    button(page, "Téléverser les fichiers choisis").click()

    expect(message(page)).to_have_text("1 fichier a été ajouté.")
    expect(page.locator("#document-board-resolution .attachment-list")).to_contain_text(
        "Résolution du CA signée – 2026.pdf"
    )
    checkpoint("step-documents-replaced")
    page.get_by_role("link", name="Passer à la vérification").click()

    expect(page).to_have_url(path_pattern("applications:review", pk=application.pk))
    expect(page.locator(".problem-list")).to_have_count(0)
    checkpoint("review-before-sending")
    button(page, "Transmettre les renseignements").click()

    expect(page).to_have_url(path_pattern("applications:detail", pk=application.pk))
    expect(message(page)).to_have_text(
        "Les renseignements sont transmis. La conseillère ou le conseiller en programme reprend l’analyse du dossier."
    )
    expect_state(page, "En analyse")
    expect(page.locator(".request-list")).to_contain_text("réponse transmise le")
    expect(page.get_by_role("link", name="Fournir les renseignements demandés")).to_have_count(0)
    checkpoint("file-information-sent")
    sign_out(page, checkpoint)

    application.refresh_from_db()
    assert application.state == ApplicationState.SCREENING
    assert application.reopened_sections == []
    assert application.budget_lines.get(project_year=1, category_id=salaries).amount == 43500
    assert application.attachments.filter(filename="Résolution du CA signée – 2026.pdf").exists()
    assert [email.to for email in mail.outbox] == [[APPLICANT_EMAIL], [OFFICER_EMAIL]]

    # The officer finishes the checklist and declares the file receivable.
    login(page, live_server, OFFICER_EMAIL, PASSWORD, checkpoint)
    checkpoint("officer-dashboard-again")
    page.get_by_role("link", name="Mes dossiers en analyse").click()

    expect(page).to_have_url(re.compile(re.escape(reverse("applications:list")) + r"\?officer="))
    expect(page.get_by_role("row").filter(has_text=REFERENCE)).to_contain_text("En analyse")
    checkpoint("staff-list-my-files")
    page.get_by_role("link", name=f"Analyser {REFERENCE}").click()

    expect(page).to_have_url(path_pattern("applications:screening", pk=application.pk))
    expect(answer(questions[0], "yes")).to_be_checked()
    checkpoint("screening-resumed")
    for question in questions:
        answer(question, "yes").check()
    page.locator(f"#id_comment_{questions[1].pk}").fill("Résolution signée reçue.")
    button(page, "Enregistrer la grille").click()

    expect(page).to_have_url(path_pattern("applications:screening", pk=application.pk))
    expect(page.locator(".screening-question > p.help-text")).to_have_count(3)
    checkpoint("screening-checklist-complete")
    button(page, "Déclarer recevable").click()

    expect(page).to_have_url(path_pattern("applications:detail", pk=application.pk))
    expect(message(page)).to_have_text("Le dossier est déclaré recevable et passe à l’évaluation.")
    expect_state(page, "En évaluation")
    expect(page.locator(".timeline .timeline-what strong")).to_have_text(
        [
            "Demande déposée",
            "Prise en charge du dossier",
            "Grille d’analyse enregistrée",
            "Renseignements demandés",
            "Renseignements transmis",
            "Grille d’analyse enregistrée",
            "Demande déclarée recevable",
        ]
    )
    expect(page.locator(".timeline li").nth(3)).to_contain_text("La résolution du conseil d’administration signée.")
    checkpoint("file-under-review")

    application.refresh_from_db()
    assert application.state == ApplicationState.UNDER_REVIEW
    assert application.officer == program_officer
    assert [email.to for email in mail.outbox][-1] == [APPLICANT_EMAIL]
