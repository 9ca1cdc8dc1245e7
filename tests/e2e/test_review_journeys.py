"""The review of a file in Chromium, from the assignment of reviewers to the decision.

The program officer assigns three reviewers. One declares a conflict of interest and loses every access to the
file, and the two others score it. The officer closes the review, the committee recommends the file and the decision
maker approves it at the recommended amounts, which issues an approval letter.

Form fields are found by id or `name`, so that they do not depend on the wording. Headings, buttons, links and
messages are found and checked by their French text, the language of the site.
"""

import re
from datetime import timedelta
from decimal import Decimal

import pytest
from django.contrib.auth.models import Group
from django.contrib.contenttypes.models import ContentType
from django.urls import reverse
from django.utils import timezone
from playwright.sync_api import expect

from accounts.models import Role
from applications import services as application_services
from applications.models import Application, ApplicationState, ScreeningAnswer
from common.models import Document
from grants.models import Envelope, ScreeningQuestion
from reviews.models import AssignmentState, CommitteeDecision, DecisionOutcome, ReviewAssignment
from tests.applications.factories import ApplicationFactory, complete_application, ensure_call_setup
from tests.e2e.conftest import login
from tests.factories import CallFactory, MembershipFactory, UserFactory

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

PASSWORD = "Intimidation-Zero-2026"
CALL_CODE = "ECI-EVAL"
ORGANIZATION = "Maison des jeunes du Plateau"
REPRESENTATIVE_EMAIL = "gerard.cote@exemple.qc.ca"
OFFICER_EMAIL = "nadia.belanger@famille.gouv.qc.ca"
REVIEWER_A = ("Louise", "Tremblay", "louise.tremblay@exemple.qc.ca")
REVIEWER_B = ("Marc", "Gagnon", "marc.gagnon@exemple.qc.ca")
REVIEWER_C = ("Sophie", "Roy", "sophie.roy@exemple.qc.ca")
COMMITTEE_EMAIL = "julie.morin@famille.gouv.qc.ca"
DECISION_MAKER_EMAIL = "andre.lavoie@famille.gouv.qc.ca"
YEARLY_AMOUNT = Decimal("40000")


def path_pattern(name: str, **kwargs) -> re.Pattern:
    # Chromium may keep the fragment of the previous URL across a redirect.
    return re.compile(re.escape(reverse(name, kwargs=kwargs)) + "(#[^/]*)?$")


def button(page, name: str):
    return page.get_by_role("button", name=name, exact=True)


def heading(page):
    return page.get_by_role("heading", level=1)


def message(page):
    """Return the message the previous action left at the top of the page."""
    return page.locator(".messages [role=status]")


def sign_out(page) -> None:
    button(page, "Se déconnecter").click()
    expect(page).to_have_url(path_pattern("home"))


def sign_in(page, live_server, checkpoint, email: str) -> None:
    """Sign in as `email`, then check the dashboard that the role gets."""
    login(page, live_server, email, PASSWORD)
    checkpoint(f"dashboard-{email.split('@')[0]}")


def staff(role: str, email: str, first_name: str, last_name: str):
    # A transactional test empties every table after it runs, the groups of the data migrations included.
    Group.objects.get_or_create(name=role)
    user = UserFactory(roles=[role], email=email, first_name=first_name, last_name=last_name)
    user.set_password(PASSWORD)
    user.save()
    return user


@pytest.fixture
def people(db):
    return {
        "officer": staff(Role.PROGRAM_OFFICER, OFFICER_EMAIL, "Nadia", "Bélanger"),
        "a": staff(Role.REVIEWER, REVIEWER_A[2], *REVIEWER_A[:2]),
        "b": staff(Role.REVIEWER, REVIEWER_B[2], *REVIEWER_B[:2]),
        "c": staff(Role.REVIEWER, REVIEWER_C[2], *REVIEWER_C[:2]),
        "committee": staff(Role.COMMITTEE_MEMBER, COMMITTEE_EMAIL, "Julie", "Morin"),
        "decision_maker": staff(Role.DECISION_MAKER, DECISION_MAKER_EMAIL, "André", "Lavoie"),
    }


@pytest.fixture
def under_review(people) -> Application:
    """A three-year file of 40 000 $ a year, taken through submission and screening to « under review »."""
    call = CallFactory(code=CALL_CODE, passing_score=Decimal("60"))
    ensure_call_setup(call)
    # The factory gives the call an envelope for the first fiscal year only, and the file spans three.
    for label in ("2028-2029", "2029-2030"):
        Envelope.objects.create(call=call, fiscal_year=label, amount=Decimal("600000"))
    membership = MembershipFactory(
        is_representative=True,
        user__email=REPRESENTATIVE_EMAIL,
        user__first_name="Gérard",
        user__last_name="Côté",
        organization__name=ORGANIZATION,
    )
    representative = membership.user
    representative.set_password(PASSWORD)
    representative.save()

    application = complete_application(
        ApplicationFactory(call=call, organization=membership.organization, created_by=representative)
    )
    question = ScreeningQuestion.objects.create(
        call=call, kind=ScreeningQuestion.Kind.RECEIVABILITY, position=0, text_fr="Dossier complet?"
    )

    officer = people["officer"]
    application = application_services.submit_application(application=application, actor=representative)
    application = application_services.take_charge(application=application, actor=officer)
    application_services.save_screening(
        application=application, actor=officer, answers={question.pk: (ScreeningAnswer.Answer.YES, "")}
    )
    application = application_services.declare_receivable(application=application, actor=officer)
    assert application.state == ApplicationState.UNDER_REVIEW
    return application


def assignment_of(application, reviewer) -> ReviewAssignment:
    return ReviewAssignment.objects.get(application=application, reviewer=reviewer)


def assign(page, checkpoint, reviewer, due_on: str) -> None:
    page.locator("#id_reviewer").select_option(label=f"{reviewer.get_full_name()} ({reviewer.email})")
    page.locator("#id_due_on").fill(due_on)
    button(page, "Affecter").click()
    expect(message(page)).to_have_text("L’évaluatrice ou l’évaluateur est affecté et reçoit un courriel.")
    checkpoint(f"assigned-{reviewer.first_name.lower()}")


def review_file(page, live_server, checkpoint, application, reviewer, scores) -> None:
    """Sign in as `reviewer`, declare no conflict, score every criterion and submit, then sign out."""
    sign_in(page, live_server, checkpoint, reviewer.email)
    page.goto(live_server.url + reverse("reviews:my_assignments"))
    expect(heading(page)).to_have_text("Mes affectations d’évaluation")
    page.get_by_role("link", name=application.reference, exact=True).click()
    assignment = assignment_of(application, reviewer)
    expect(page).to_have_url(path_pattern("reviews:assignment", pk=assignment.pk))
    name = reviewer.first_name.lower()
    checkpoint(f"{name}-declaration")
    page.locator('input[name="has_conflict"][value="no"]').check()
    button(page, "Enregistrer ma déclaration").click()
    expect(message(page)).to_have_text(
        "Votre déclaration est enregistrée. Vous pouvez maintenant lire et noter le dossier."
    )
    checkpoint(f"{name}-grid")
    criteria = list(application.call.criteria.order_by("position", "pk"))
    assert len(criteria) == len(scores)
    for criterion, score in zip(criteria, scores, strict=True):
        page.locator(f'[name="score_{criterion.pk}"]').fill(score)
        page.locator(f'[name="comment_{criterion.pk}"]').fill(f"Appréciation du critère {criterion.name_fr}.")
    page.locator("#id_overall_comment").fill("Projet solide, bien ancré dans les écoles.")
    page.locator("#id_recommendation").select_option("fund")
    button(page, "Transmettre mon évaluation").click()
    expect(message(page)).to_have_text("Votre évaluation est transmise. Merci.")
    expect(page.locator(".status")).to_have_text("Évaluation transmise")
    checkpoint(f"{name}-submitted")
    assert assignment_of(application, reviewer).state == AssignmentState.SUBMITTED
    sign_out(page)


def test_review_committee_and_decision(live_server, page, checkpoint, people, under_review):
    application = under_review
    reference = application.reference
    reviewer_a, reviewer_b, reviewer_c = people["a"], people["b"], people["c"]
    due_on = (timezone.localdate() + timedelta(days=14)).isoformat()

    # The officer assigns three reviewers.
    login(page, live_server, OFFICER_EMAIL, PASSWORD, checkpoint)
    page.goto(live_server.url + reverse("reviews:file_reviews", kwargs={"pk": application.pk}))
    expect(heading(page)).to_have_text(f"Évaluations de {reference}")
    expect(page.locator("#assignments-title + p")).to_have_text(
        "Aucune évaluatrice ni aucun évaluateur n’est encore affecté à ce dossier."
    )
    checkpoint("file-reviews")
    for reviewer in (reviewer_a, reviewer_b, reviewer_c):
        assign(page, checkpoint, reviewer, due_on)
    rows = page.locator("section[aria-labelledby=assignments-title] tbody tr")
    expect(rows).to_have_count(3)
    sign_out(page)

    # Reviewer C declares a conflict of interest and loses every access to the file.
    conflicted = assignment_of(application, reviewer_c)
    sign_in(page, live_server, checkpoint, reviewer_c.email)
    page.goto(live_server.url + reverse("reviews:my_assignments"))
    checkpoint("c-list")
    page.get_by_role("link", name=reference, exact=True).click()
    expect(page).to_have_url(path_pattern("reviews:assignment", pk=conflicted.pk))
    expect(heading(page)).to_have_text(f"Évaluation de {reference}")
    checkpoint("c-declaration")
    page.locator('input[name="has_conflict"][value="yes"]').check()
    page.locator("#id_kind").select_option("family")
    page.locator("#id_comment").fill("Ma sœur siège au conseil d’administration de l’organisme.")
    button(page, "Enregistrer ma déclaration").click()
    expect(page).to_have_url(path_pattern("reviews:my_assignments"))
    expect(message(page)).to_have_text("Votre conflit d’intérêts est enregistré. Le dossier est retiré de votre liste.")
    expect(page.locator("main")).to_contain_text("Vous n’avez aucune affectation d’évaluation.")
    expect(page.locator("main")).not_to_contain_text(reference)
    expect(page.locator("main")).not_to_contain_text(application.title)
    expect(page.locator("main")).not_to_contain_text(ORGANIZATION)
    checkpoint("c-list-after-conflict")
    for url in (
        reverse("reviews:assignment", kwargs={"pk": conflicted.pk}),
        reverse("applications:detail", kwargs={"pk": application.pk}),
    ):
        response = page.goto(live_server.url + url)
        assert response.status == 404, url
        expect(heading(page)).to_have_text("Page introuvable")
        expect(page.locator("body")).not_to_contain_text(application.title)
        expect(page.locator("body")).not_to_contain_text(reference)
    checkpoint("c-not-found")
    page.goto(live_server.url + reverse("reviews:my_assignments"))
    sign_out(page)
    assert assignment_of(application, reviewer_c).state == AssignmentState.DECLINED

    # Reviewers A and B score the file.
    review_file(page, live_server, checkpoint, application, reviewer_a, ["8", "7,5", "7"])
    review_file(page, live_server, checkpoint, application, reviewer_b, ["9", "8", "6,5"])

    # The officer closes the review.
    sign_in(page, live_server, checkpoint, OFFICER_EMAIL)
    page.goto(live_server.url + reverse("reviews:file_reviews", kwargs={"pk": application.pk}))
    expect(page.locator("section[aria-labelledby=statistics-title] dl")).to_contain_text("2 (l’appel en exige 2)")
    checkpoint("file-reviews-submitted")
    button(page, "Terminer l’évaluation").click()
    expect(message(page)).to_have_text("L’évaluation du dossier est terminée. Le dossier est évalué.")
    checkpoint("review-closed")
    sign_out(page)
    application.refresh_from_db()
    assert application.state == ApplicationState.EVALUATED

    # The committee member records a recommendation from the ranking.
    sign_in(page, live_server, checkpoint, COMMITTEE_EMAIL)
    page.goto(live_server.url + reverse("reviews:ranking", kwargs={"code": CALL_CODE}))
    expect(heading(page)).to_have_text(f"Classement de l’appel {CALL_CODE}")
    checkpoint("ranking-committee")
    page.get_by_role("link", name=f"Consigner la recommandation sur {reference}").click()
    expect(page).to_have_url(path_pattern("reviews:recommend", pk=application.pk))
    checkpoint("recommend")
    page.locator(f'input[name="decision"][value="{CommitteeDecision.RECOMMEND}"]').check()
    for number in (1, 2, 3):
        expect(page.locator(f"#id_amount_{number}")).not_to_have_value("")
    page.locator("#id_rationale").fill("Projet bien classé, au-dessus de la note de passage.")
    button(page, "Consigner la recommandation").click()
    expect(page).to_have_url(path_pattern("reviews:ranking", code=CALL_CODE))
    expect(message(page)).to_have_text("La recommandation du comité est consignée.")
    checkpoint("recommended")
    sign_out(page)
    application.refresh_from_db()
    assert application.state == ApplicationState.RECOMMENDED

    # The decision maker approves the file at the recommended amounts.
    sign_in(page, live_server, checkpoint, DECISION_MAKER_EMAIL)
    page.goto(live_server.url + reverse("reviews:ranking", kwargs={"code": CALL_CODE}))
    checkpoint("ranking-decision-maker")
    page.get_by_role("link", name=f"Décider du dossier {reference}").click()
    expect(page).to_have_url(path_pattern("reviews:decide", pk=application.pk))
    expect(heading(page)).to_have_text(f"Décision sur {reference}")
    checkpoint("decide")
    button(page, "Approuver le dossier").click()
    expect(page).to_have_url(path_pattern("reviews:decide", pk=application.pk))
    expect(message(page)).to_have_text("Le dossier est approuvé. La lettre d’octroi est en préparation.")
    expect(page.locator("main")).to_contain_text("Décision enregistrée :")
    expect(button(page, "Approuver le dossier")).to_have_count(0)
    checkpoint("decided")

    application.refresh_from_db()
    assert application.state == ApplicationState.APPROVED
    decision = application.decision
    assert decision.outcome == DecisionOutcome.APPROVED
    assert (
        list(decision.approved_amounts.order_by("project_year").values_list("amount", flat=True)) == [YEARLY_AMOUNT] * 3
    )
    letters = Document.objects.filter(
        content_type=ContentType.objects.get_for_model(Application),
        object_id=str(application.pk),
        kind="reviews.approval_letter",
    )
    assert letters.count() == 1
    letter = letters.get()
    download = reverse("common:document_download", kwargs={"pk": letter.pk})
    response = page.request.get(live_server.url + download)
    assert response.status == 200
    assert response.body().startswith(b"%PDF")
    sign_out(page)

    # The file page shows the officer the approved state and the letter.
    sign_in(page, live_server, checkpoint, OFFICER_EMAIL)
    page.goto(live_server.url + reverse("applications:detail", kwargs={"pk": application.pk}))
    expect(page.locator(".status").first).to_have_text("Approuvée")
    expect(page.locator("#generated-title + ul a[href='" + download + "']")).to_have_count(1)
    checkpoint("file-approved")
