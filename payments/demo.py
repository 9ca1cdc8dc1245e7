"""Demo agreements for `make run`: one in every state, with their installments and reports.

The files of the call ECI-2027 have projects that start in 2027, too late for payments and reports. So this
module opens a past call, ECI-2025, closed long ago, and takes one file per organization through the real
services. The file goes through the builder of load_demo_applications, two reviews, the committee's
recommendation and the approval, which creates the agreement. The agreement then goes through signature,
countersignature, payments by two finance officers, reports, withholding or termination. Project dates count
from today, so that the payment dates are in the past and the report due dates fall where each case needs:

- draft, sent for signature and signed by the organization: projects that start in a month or two;
- active (« Carrefour jeunesse Rosemont », mandataire@demo.qc.ca): installments 1 and 2 paid, progress
  report 1 accepted, progress report 2 sent back for revision;
- active (Saguenay): installment 1 paid, progress report 1 overdue, installment 2 withheld meanwhile;
- active (Nikan): countersigned this month, installment 1 due, waiting for the finance officers;
- completed (Joliette): every installment paid, the final report accepted with its final payment;
- terminated (Laval): installment 1 paid, then the agreement ended with an amount to recover.

It runs after `load_program` and `load_demo`. A file that already exists in the call is left as it is, so
running it twice changes nothing.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal

from django.contrib.auth.models import Group
from django.db import transaction
from django.utils import timezone

from accounts.demo import DEMO_PASSWORD
from accounts.models import Organization, Role, User
from applications.budget import add_months
from applications.demo import (
    DEMO_ORGANIZATIONS,
    OFFICER_EMAIL,
    YES,
    DemoApplication,
    DemoOrganization,
    DemoPerson,
    DemoSetupError,
    all_questions,
)
from applications.demo import _build as build_file
from applications.demo import _demo_organization as demo_organization
from applications.models import Application, ApplicationState
from common.fiscal import FiscalYear, fiscal_year_of
from grants import services as call_services
from grants.loading import DEFAULT_PROGRAM_FILE, LoadReport, _load_call
from grants.models import Call, CallState, Program
from payments import installments, reports, services
from payments.models import Agreement, AgreementState, Installment, InstallmentKind, ReportKind
from payments.reports import ReportContent
from reviews import committee, decisions
from reviews import services as review_services
from reviews.models import CommitteeDecision, Recommendation

PAST_CALL_CODE = "ECI-2025"
TEMPLATE_CALL_CODE = "ECI-2027"
COMMITTEE_EMAIL = "comite@demo.qc.ca"
DECISION_MAKER_EMAIL = "decision@demo.qc.ca"
MANAGER_EMAIL = "gestionnaire@demo.qc.ca"
# Two different finance officers: the first approves each installment, the second records its payment.
FINANCE_EMAILS = ("finances@demo.qc.ca", "finances2@demo.qc.ca")
# The reviewers asked first. Any other reviewer without a conflict of interest replaces one in conflict.
REVIEWER_EMAILS = ("evaluateur@demo.qc.ca", "evaluatrice2@demo.qc.ca")
SECOND_REVIEWER = DemoPerson("evaluatrice2@demo.qc.ca", "Marie-Claude", "Fortin")
ENVELOPE = Decimal("1000000")
# The envelopes of the past call reach this many fiscal years past the current one.
ENVELOPE_YEARS_AHEAD = 5
REVIEW_DAYS = 21
# Days from the date an installment is planned for to the payment date the demo records.
PAYMENT_DELAY_DAYS = 14

# One project year of every demo project: expenses by category code, and the organization's own revenue.
YEAR_EXPENSES = {
    "salaries": Decimal("30000"),
    "fees-subcontracting": Decimal("5000"),
    "materials": Decimal("2500"),
    "promotion": Decimal("1500"),
    "travel": Decimal("1000"),
    "administration": Decimal("3000"),
}
# The amount requested each year is the expenses less this revenue: 40 000 $.
YEAR_OWN_REVENUE = Decimal("3000")


# --- Demo data --------------------------------------------------------------------------------------


@dataclass(frozen=True)
class DemoAgreement:
    """One demo file of the past call and the agreement state the demo brings it to.

    `starts_in_months` places the project start on the first day of a month counted from the current one.
    `steps` run in order once the agreement is active, and `_run_step` runs each of them.
    """

    organization_neq: str
    state: AgreementState
    starts_in_months: int
    years: int
    project: dict[str, str]
    clienteles: tuple[str, ...]
    region: str
    # One (title, activities) per project year.
    phases: tuple[tuple[str, str], ...]
    signer_title: str
    report_activities: str = ""
    steps: tuple[tuple, ...] = ()


PAY = "pay"  # (PAY, installment number)
ACCEPT = "accept"  # (ACCEPT, progress report number)
REVISE = "revise"  # (REVISE, progress report number, comments)
WITHHOLD = "withhold"  # (WITHHOLD, installment number, reason)
FINAL = "final"  # (FINAL, eligible expenses): the final report submitted and accepted
TERMINATE = "terminate"  # (TERMINATE, eligible expenses, reason)

# Two organizations that only this module uses.
NEW_ORGANIZATIONS = [
    DemoOrganization(
        name="Centre de femmes L’Éclaircie",
        neq="1149063127",
        region="04",
        street_address="1060, rue Sainte-Julie",
        city="Trois-Rivières",
        postal_code="G9A 1Y3",
        incorporated_on=date(1993, 10, 5),
        mission="Offrir aux femmes de Trois-Rivières un lieu d’entraide, d’information et d’action collective, "
        "et lutter contre toutes les formes de violence qu’elles subissent.",
        representative=DemoPerson("josee.berube@demo.qc.ca", "Josée", "Bérubé"),
    ),
    DemoOrganization(
        name="Maison des familles de Rimouski-Neigette",
        neq="1142207718",
        region="01",
        street_address="85, rue Saint-Germain Est",
        city="Rimouski",
        postal_code="G5L 1A6",
        incorporated_on=date(2002, 4, 17),
        mission="Accueillir les familles de Rimouski-Neigette et soutenir les parents dans leur rôle par des "
        "ateliers, des haltes-garderies et des activités familles-enfants.",
        representative=DemoPerson("alexandre.gendron@demo.qc.ca", "Alexandre", "Gendron"),
    ),
]

DEMO_AGREEMENTS = [
    DemoAgreement(
        organization_neq="1142207718",
        state=AgreementState.DRAFT,
        starts_in_months=2,
        years=1,
        project={
            "title": "Bien dans ma cour : prévenir l’intimidation dès la maternelle",
            "summary": "Outiller les parents et le personnel des services de garde de six écoles primaires de "
            "Rimouski pour reconnaître et faire cesser l’intimidation entre enfants de 4 à 8 ans.",
            "objectives": "1. Former 60 éducatrices et éducateurs des services de garde.\n2. Joindre 300 parents "
            "par des ateliers en soirée.",
            "expected_impacts": "Des adultes qui interviennent tôt et de la même façon à l’école et à la maison.",
            "approach": "Ateliers de deux heures pour le personnel, puis ateliers parents-enfants animés par une "
            "intervenante de la Maison des familles dans chaque école.",
            "knowledge_base": "Les recherches sur la prévention précoce de l’intimidation au préscolaire et "
            "l’expérience des ateliers parents-enfants de l’organisme.",
            "help_resources": "Ligne Parents, le CLSC de Rimouski et les professionnels des écoles.",
        },
        clienteles=("youth", "school"),
        region="01",
        phases=(("Formations et ateliers", "Formation du personnel et ateliers parents-enfants dans six écoles."),),
        signer_title="Directeur général",
    ),
    DemoAgreement(
        organization_neq="1149063127",
        state=AgreementState.SENT_FOR_SIGNATURE,
        starts_in_months=1,
        years=2,
        project={
            "title": "Respect au travail : les femmes immigrantes contre l’intimidation en emploi",
            "summary": "Accompagner les femmes immigrantes de Trois-Rivières qui vivent de l’intimidation au "
            "travail, et former les employeurs de la région à la prévenir.",
            "objectives": "1. Accompagner 80 femmes par des rencontres individuelles et de groupe.\n2. Former "
            "25 employeurs à la prévention de l’intimidation et du harcèlement.",
            "expected_impacts": "Des femmes qui connaissent leurs droits et leurs recours, et des milieux de "
            "travail qui se dotent d’une politique de prévention.",
            "approach": "Groupes de parole mensuels, accompagnement individuel vers les recours, et ateliers de "
            "trois heures pour les employeurs partenaires.",
            "knowledge_base": "Les travaux sur l’intimidation et le harcèlement vécus par les travailleuses "
            "immigrantes, et l’expérience de l’organisme en accompagnement.",
            "help_resources": "CNESST, 811 Info-Social, services d’aide aux personnes immigrantes de la région.",
        },
        clienteles=("women", "ethnocultural-minorities"),
        region="04",
        phases=(
            ("Accompagnement et recrutement des employeurs", "Groupes de parole et premiers ateliers."),
            ("Ateliers en entreprise et bilan", "Ateliers chez les employeurs partenaires et bilan du projet."),
        ),
        signer_title="Coordonnatrice générale",
    ),
    DemoAgreement(
        organization_neq="1143457812",
        state=AgreementState.SIGNED_BY_ORGANIZATION,
        starts_in_months=1,
        years=2,
        project={
            "title": "Cyberpairs : une entraide entre élèves contre la cyberintimidation",
            "summary": "Former des élèves du secondaire de Sherbrooke à soutenir leurs pairs victimes ou témoins "
            "de cyberintimidation et à les diriger vers l’aide disponible.",
            "objectives": "1. Former 40 élèves cyberpairs dans trois écoles.\n2. Joindre 1 500 élèves par des "
            "ateliers animés par les cyberpairs.",
            "expected_impacts": "Des élèves qui parlent plus tôt des situations de cyberintimidation et qui "
            "savent à qui s’adresser.",
            "approach": "Une formation de deux jours pour les cyberpairs, un accompagnement mensuel par une "
            "intervenante, et des ateliers en classe.",
            "knowledge_base": "Les recherches sur l’aide par les pairs à l’école secondaire et l’expérience de la "
            "maison des jeunes auprès des adolescents.",
            "help_resources": "Tel-jeunes, Cyberaide et les intervenants des écoles participantes.",
        },
        clienteles=("youth", "school"),
        region="05",
        phases=(
            ("Formation des cyberpairs", "Recrutement et formation des cyberpairs ; premiers ateliers."),
            ("Ateliers et relève", "Ateliers dans les classes et formation d’une relève de cyberpairs."),
        ),
        signer_title="Directrice générale",
    ),
    DemoAgreement(
        organization_neq="1141234567",
        state=AgreementState.ACTIVE,
        starts_in_months=-25,
        years=3,
        project={
            "title": "Passage sans intimidation : du primaire au secondaire à Rosemont",
            "summary": "Accompagner les élèves de 6e année de Rosemont dans leur passage au secondaire, moment où "
            "l’intimidation augmente, par du mentorat et des ateliers dans les écoles.",
            "objectives": "1. Jumeler 150 élèves de 6e année avec des mentors de 3e secondaire.\n2. Tenir des "
            "ateliers sur l’intimidation dans huit écoles primaires et deux écoles secondaires.",
            "expected_impacts": "Une transition plus sereine, des élèves qui connaissent les adultes à qui parler "
            "et moins de situations d’intimidation en 1re secondaire.",
            "approach": "Mentorat de la fin du primaire au premier trimestre du secondaire, ateliers animés par "
            "les intervenants du Carrefour, et rencontres avec les parents.",
            "knowledge_base": "Les recherches sur la transition primaire-secondaire et l’expérience du Carrefour "
            "auprès des jeunes du quartier depuis 2009.",
            "help_resources": "Tel-jeunes, les intervenants des écoles et du Carrefour, et le CLSC de Rosemont.",
        },
        clienteles=("youth", "school"),
        region="06",
        phases=(
            ("Mentorat, première cohorte", "Formation des mentors et jumelage de la première cohorte."),
            ("Mentorat, deuxième cohorte", "Deuxième cohorte et ateliers dans les écoles secondaires."),
            ("Troisième cohorte et bilan", "Troisième cohorte, guide pour les écoles et bilan du projet."),
        ),
        signer_title="Directrice générale",
        report_activities="Jumelage de 52 élèves de 6e année avec des mentors, et 24 ateliers dans les écoles.",
        steps=(
            (PAY, 1),
            (ACCEPT, 1),
            (PAY, 2),
            (
                REVISE,
                2,
                "Les dépenses de matériel dépassent largement le budget prévu pour l’année 2 : expliquez "
                "l’écart et joignez les factures principales. Précisez aussi le nombre d’élèves joints dans "
                "chaque école.",
            ),
        ),
    ),
    DemoAgreement(
        organization_neq="1145521096",
        state=AgreementState.ACTIVE,
        starts_in_months=-14,
        years=2,
        project={
            "title": "Voisins vigilants : contrer l’intimidation entre locataires aînés",
            "summary": "Prévenir l’intimidation entre personnes aînées dans les habitations à loyer modique de "
            "Saguenay, par des comités de locataires formés et des rencontres de médiation.",
            "objectives": "1. Former un comité de locataires dans dix immeubles.\n2. Offrir la médiation dans "
            "toutes les situations signalées.",
            "expected_impacts": "Des immeubles où les situations d’intimidation sont signalées et réglées plus tôt.",
            "approach": "Formation des comités par une intervenante, cafés-rencontres mensuels et médiation "
            "offerte par l’association.",
            "knowledge_base": "Les travaux sur l’intimidation entre personnes aînées en habitation collective.",
            "help_resources": "Ligne Aide Abus Aînés, l’office d’habitation et le CIUSSS du Saguenay–Lac-Saint-Jean.",
        },
        clienteles=("seniors",),
        region="02",
        phases=(
            ("Comités de locataires", "Formation des comités dans les dix immeubles."),
            ("Médiation et bilan", "Médiation, cafés-rencontres et bilan du projet."),
        ),
        signer_title="Directeur général",
        steps=(
            (PAY, 1),
            (
                WITHHOLD,
                2,
                "Le rapport d’étape de la première année n’a pas été reçu à la date prévue. Le versement sera "
                "libéré quand le rapport sera accepté.",
            ),
        ),
    ),
    DemoAgreement(
        organization_neq="1148290634",
        state=AgreementState.ACTIVE,
        starts_in_months=0,
        years=2,
        project={
            "title": "Cercles jeunesse : prévenir l’intimidation chez les jeunes des Premières Nations",
            "summary": "Tenir des cercles de parole pour les jeunes de 12 à 17 ans des Premières Nations de "
            "Sept-Îles afin de prévenir l’intimidation à l’école et en ligne.",
            "objectives": "1. Tenir 40 cercles de parole.\n2. Former 20 jeunes leaders qui animeront des "
            "activités dans leur école.",
            "expected_impacts": "Des jeunes fiers de leur identité, qui reconnaissent l’intimidation et en parlent.",
            "approach": "Cercles animés avec des aînés de la communauté, activités culturelles et formation de "
            "jeunes leaders.",
            "knowledge_base": "Les approches culturellement sécurisantes en prévention auprès des jeunes "
            "autochtones et l’expérience du Carrefour.",
            "help_resources": "Tel-jeunes, la ligne d’écoute Espoir pour le mieux-être et les intervenants du "
            "Carrefour.",
        },
        clienteles=("indigenous-peoples", "youth"),
        region="09",
        phases=(
            ("Cercles de parole", "Cercles de parole et activités culturelles."),
            ("Jeunes leaders", "Formation des jeunes leaders et activités dans les écoles."),
        ),
        signer_title="Directrice générale",
    ),
    DemoAgreement(
        organization_neq="1144873205",
        state=AgreementState.COMPLETED,
        starts_in_months=-24,
        years=1,
        project={
            "title": "Parents complices : ateliers sur l’intimidation au primaire",
            "summary": "Offrir aux parents d’enfants du primaire de Joliette des ateliers pour reconnaître "
            "l’intimidation, en parler avec leur enfant et travailler avec l’école.",
            "objectives": "1. Tenir 24 ateliers pour les parents.\n2. Joindre 300 parents de trois écoles.",
            "expected_impacts": "Des parents qui reconnaissent les signes de l’intimidation et des enfants qui en "
            "parlent plus tôt.",
            "approach": "Ateliers en soirée de deux heures avec halte-garderie, et guide remis aux parents.",
            "knowledge_base": "Les recherches sur le rôle des parents dans la prévention de l’intimidation au "
            "primaire.",
            "help_resources": "Ligne Parents, Tel-jeunes et le CLSC de Joliette.",
        },
        clienteles=("youth", "school"),
        region="14",
        phases=(("Ateliers pour les parents", "24 ateliers en soirée dans trois écoles et à la maison."),),
        signer_title="Directeur général",
        report_activities="24 ateliers tenus dans trois écoles ; 310 parents joints.",
        steps=((PAY, 1), (ACCEPT, 1), (FINAL, Decimal("40000")), (PAY, 2)),
    ),
    DemoAgreement(
        organization_neq="1146638247",
        state=AgreementState.TERMINATED,
        starts_in_months=-8,
        years=2,
        project={
            "title": "Arbitres alliés : contrer l’homophobie sur les terrains de sport de Laval",
            "summary": "Former les arbitres et les officiels du sport amateur lavallois à intervenir devant un "
            "propos homophobe ou transphobe pendant un match.",
            "objectives": "1. Former 200 arbitres et officiels.\n2. Adopter une procédure d’intervention commune "
            "à six fédérations régionales.",
            "expected_impacts": "Des matchs où les propos homophobes sont relevés et sanctionnés.",
            "approach": "Formations de trois heures, capsules en ligne et accompagnement des fédérations.",
            "knowledge_base": "Les recherches canadiennes sur l’homophobie dans le sport amateur.",
            "help_resources": "Interligne, Sport’Aide et Tel-jeunes.",
        },
        clienteles=("sexual-gender-diversity", "sport-recreation"),
        region="13",
        phases=(
            ("Formation des arbitres", "Formations dans les six fédérations régionales."),
            ("Procédure commune et bilan", "Adoption de la procédure et bilan du projet."),
        ),
        signer_title="Executive Director",
        steps=(
            (PAY, 1),
            (
                TERMINATE,
                Decimal("21500"),
                "Les fédérations partenaires se sont retirées du projet et l’organisme a suspendu les formations. "
                "Le ministère met fin à la convention et réclame la partie du premier versement non utilisée.",
            ),
        ),
    ),
]


@dataclass
class DemoStaff:
    officer: User
    committee_member: User
    decision_maker: User
    manager: User
    finance: tuple[User, User]
    reviewers: list[User] = field(default_factory=list)


# --- The past call ----------------------------------------------------------------------------------


def _past_call(manager: User, today: date) -> tuple[Call, bool]:
    """Return the past call, created like the program's calls and closed, with envelopes up to a few years ahead.

    Its rubric, documents and screening questions are those of ECI-2027 in the program file.
    """
    call = Call.objects.filter(code=PAST_CALL_CODE).first()
    if call is not None:
        return call, False
    data = json.loads(DEFAULT_PROGRAM_FILE.read_text(encoding="utf-8"))
    template = next(item for item in data["calls"] if item["code"] == TEMPLATE_CALL_CODE)
    first = fiscal_year_of(add_months(today, -36)).start_year
    last = fiscal_year_of(today).start_year + ENVELOPE_YEARS_AHEAD
    # NOTE: the envelopes are set once, from the date of the first run. A file added to this call years later
    # would need more envelopes, added in the admin site.
    envelopes = [[FiscalYear(year).label, str(ENVELOPE)] for year in range(min(first, 2024), last + 1)]
    call_data = {
        **template,
        "code": PAST_CALL_CODE,
        "title_fr": "Appel de projets 2024-2025",
        "title_en": "2024-2025 call for projects",
        "opens_at": "2024-06-03T08:30:00-04:00",
        "closes_at": "2024-09-13T16:30:00-04:00",
        "state": CallState.PUBLISHED,
        "envelopes": envelopes,
    }
    program = Program.objects.get(code=data["program"]["code"])
    rules_by_version = {rules.version: rules for rules in program.rules_versions.all()}
    with transaction.atomic():
        call = _load_call(program, rules_by_version, call_data, LoadReport())
        call = call_services.close_call(call=call, actor=manager, reason="Date limite passée.")
    return call, True


# --- From application to agreement ------------------------------------------------------------------


def _month_start(today: date, months: int) -> date:
    return add_months(today.replace(day=1), months)


def _application_spec(spec: DemoAgreement, today: date) -> DemoApplication:
    starts_on = _month_start(today, spec.starts_in_months)
    ends_on = add_months(starts_on, 12 * spec.years) - timedelta(days=1)
    phases = []
    for number, (title, activities) in enumerate(spec.phases, start=1):
        phase_start = add_months(starts_on, 12 * (number - 1))
        phase_end = min(add_months(starts_on, 12 * number) - timedelta(days=1), ends_on)
        phases.append((title, phase_start, phase_end, activities))
    years = range(1, spec.years + 1)
    return DemoApplication(
        organization_neq=spec.organization_neq,
        state=ApplicationState.UNDER_REVIEW,
        project=spec.project,
        clienteles=spec.clienteles,
        regions=(spec.region,),
        reach="local",
        starts_on=starts_on,
        ends_on=ends_on,
        phases=tuple(phases),
        expenses={year: dict(YEAR_EXPENSES) for year in years},
        revenues=tuple(("own", "Contribution de l’organisme", year, YEAR_OWN_REVENUE, True) for year in years),
        screening=all_questions(YES),
    )


def _second_reviewer() -> User:
    user = User.objects.filter(email=SECOND_REVIEWER.email).first()
    if user is None:
        user = User.objects.create_user(
            email=SECOND_REVIEWER.email,
            password=DEMO_PASSWORD,
            first_name=SECOND_REVIEWER.first_name,
            last_name=SECOND_REVIEWER.last_name,
            email_verified_at=timezone.now(),
        )
        user.groups.add(Group.objects.get(name=Role.REVIEWER))
    return user


def _free_reviewers(application: Application, staff: DemoStaff) -> list[User]:
    """Two reviewers without a conflict of interest with the organization, the usual ones first."""
    candidates = [*staff.reviewers, *User.objects.filter(groups__name=Role.REVIEWER).order_by("email")]
    chosen = []
    for reviewer in candidates:
        if reviewer in chosen or review_services.conflict_reason(reviewer=reviewer, application=application):
            continue
        chosen.append(reviewer)
        if len(chosen) == 2:
            return chosen
    raise DemoSetupError(f"Two reviewers without a conflict of interest are needed for {application.reference}.")


def _approve(application: Application, staff: DemoStaff, today: date) -> None:
    """Review, recommend and approve a file under review for the amounts it requests."""
    requested = {row.project_year: row.amount for row in application.requested_amounts.all()}
    criteria = list(application.call.criteria.order_by("position"))
    marks = [(Decimal("8"), Decimal("7.5"), Decimal("8")), (Decimal("7.5"), Decimal("8"), Decimal("7"))]
    for reviewer, values in zip(_free_reviewers(application, staff), marks, strict=True):
        assignment = review_services.assign_reviewer(
            application=application, reviewer=reviewer, due_on=today + timedelta(days=REVIEW_DAYS), actor=staff.officer
        )
        assignment = review_services.declare_conflict(assignment=assignment, actor=reviewer, has_conflict=False)
        scores = {}
        for position, criterion in enumerate(criteria):
            if criterion.allows_not_applicable:
                # The criterion on a previous agreement of the program: these organizations had none.
                scores[criterion.pk] = (None, True, "Aucune convention antérieure du programme.")
            else:
                scores[criterion.pk] = (values[position % len(values)], False, "")
        review_services.save_review(
            assignment=assignment,
            actor=reviewer,
            scores=scores,
            overall_comment="Projet pertinent, bien ancré dans son milieu, au budget cohérent avec les activités.",
            recommendation=Recommendation.FUND,
            suggested=requested,
        )
        review_services.submit_review(assignment=assignment, actor=reviewer)
    review_services.close_review(application=application, actor=staff.officer)
    committee.record_recommendation(
        application=application,
        actor=staff.committee_member,
        decision=CommitteeDecision.RECOMMEND,
        amounts=requested,
        rationale="Le comité retient le projet pour sa pertinence et la solidité de son budget.",
    )
    decisions.approve_application(application=application, actor=staff.decision_maker, amounts=requested)


# --- The agreement ----------------------------------------------------------------------------------


def _representative(agreement: Agreement) -> User:
    return agreement.application.organization.memberships.get(is_representative=True).user


def _sign_and_activate(agreement: Agreement, spec: DemoAgreement, staff: DemoStaff) -> Agreement:
    if spec.state == AgreementState.DRAFT:
        return agreement
    agreement = services.send_for_signature(agreement=agreement, actor=staff.officer)
    if spec.state == AgreementState.SENT_FOR_SIGNATURE:
        return agreement
    representative = _representative(agreement)
    agreement = services.sign_agreement(
        agreement=agreement,
        actor=representative,
        signer_name=representative.get_full_name(),
        signer_title=spec.signer_title,
        document_sha256=agreement.sent_document_sha256,
    )
    if spec.state == AgreementState.SIGNED_BY_ORGANIZATION:
        return agreement
    return services.countersign_agreement(agreement=agreement, actor=staff.decision_maker)


def _paid_on(installment: Installment, today: date) -> date:
    """Return the demo payment date: two weeks after the date the installment is planned for, at the latest today."""
    return min(installment.due_on + timedelta(days=PAYMENT_DELAY_DAYS), today)


def _pay(agreement: Agreement, number: int, staff: DemoStaff, today: date) -> None:
    installment = agreement.installments.get(number=number)
    first, second = staff.finance
    installments.approve_installment(installment=installment, actor=first)
    paid_on = _paid_on(installment, today)
    installments.record_payment(
        installment=installment,
        actor=second,
        paid_on=paid_on,
        reference=f"VIR-{paid_on:%Y%m%d}-{installment.pk:04d}",
    )


def _submit_report(agreement: Agreement, kind: str, number: int, spec: DemoAgreement) -> None:
    """Fill and submit a report as the representative: people reached, expenses, and what was done."""
    report = agreement.reports.get(kind=kind, number=number)
    application = agreement.application
    clienteles = list(application.clienteles.order_by("position"))
    categories = {category.code: category for category in application.call.expense_categories.all()}
    final = kind == ReportKind.FINAL
    if final:
        # The final report gives the expenses of each project year.
        expenses = {
            (categories[code].pk, year): amount
            for year in range(1, spec.years + 1)
            for code, amount in YEAR_EXPENSES.items()
        }
    else:
        # A progress report gives the expenses to date, project year 0.
        expenses = {(categories[code].pk, 0): amount * number for code, amount in YEAR_EXPENSES.items()}
    content = ReportContent(
        activities=spec.report_activities or spec.phases[min(number, spec.years) - 1][1],
        indicators="Présence aux activités, questionnaires avant et après, signalements reçus.",
        difficulties="Le recrutement a pris plus de temps que prévu au début de l’année.",
        results="Les objectifs sont atteints ; le bilan détaillé est joint au rapport." if final else "",
        reach={clientele.pk: people for clientele, people in zip(clienteles, (180, 45, 30), strict=False)},
        expenses=expenses,
        revenues=[("Contribution de l’organisme", YEAR_OWN_REVENUE * spec.years)] if final else [],
    )
    representative = _representative(agreement)
    reports.save_report(report=report, actor=representative, content=content)
    reports.submit_report(report=report, actor=representative)


def _run_step(agreement: Agreement, step: tuple, spec: DemoAgreement, staff: DemoStaff, today: date) -> None:
    action, *arguments = step
    if action == PAY:
        _pay(agreement, arguments[0], staff, today)
    elif action == ACCEPT:
        _submit_report(agreement, ReportKind.PROGRESS, arguments[0], spec)
        report = agreement.reports.get(kind=ReportKind.PROGRESS, number=arguments[0])
        reports.accept_report(report=report, actor=staff.officer)
    elif action == REVISE:
        number, comments = arguments
        _submit_report(agreement, ReportKind.PROGRESS, number, spec)
        report = agreement.reports.get(kind=ReportKind.PROGRESS, number=number)
        reports.request_revision(report=report, actor=staff.officer, comments=comments)
    elif action == WITHHOLD:
        number, reason = arguments
        installment = agreement.installments.get(number=number)
        installments.withhold_installment(installment=installment, actor=staff.officer, reason=reason)
    elif action == FINAL:
        _submit_report(agreement, ReportKind.FINAL, 0, spec)
        report = agreement.reports.get(kind=ReportKind.FINAL)
        reports.accept_report(report=report, actor=staff.officer, eligible_expenses=arguments[0])
    elif action == TERMINATE:
        eligible_expenses, reason = arguments
        services.terminate_agreement(
            agreement=agreement, actor=staff.decision_maker, reason=reason, eligible_expenses=eligible_expenses
        )
    else:
        raise ValueError(f"Unknown demo step {action!r}.")


def _build(call: Call, spec: DemoAgreement, staff: DemoStaff, today: date) -> Agreement | None:
    organization = Organization.objects.get(neq=spec.organization_neq)
    if Application.objects.filter(call=call, organization=organization).exists():
        return None
    # One transaction per file: its e-mails and PDFs go out when it commits, and a failure leaves no half file.
    with transaction.atomic():
        application = build_file(call=call, spec=_application_spec(spec, today), officer=staff.officer)
        _approve(application, staff, today)
        agreement = Agreement.objects.get(application=application)
        agreement = _sign_and_activate(agreement, spec, staff)
        for step in spec.steps:
            _run_step(agreement, step, spec, staff, today)
        agreement.refresh_from_db()
        if agreement.state != spec.state:
            raise DemoSetupError(
                f"Demo agreement {agreement.reference} ended in state {agreement.state}, not {spec.state}."
            )
    return agreement


def _describe(agreement: Agreement) -> str:
    rows = agreement.installments.order_by("number")
    states = ", ".join(f"{row.number} {row.state}" for row in rows if row.kind != InstallmentKind.UNUSED)
    return (
        f"Agreement {agreement.reference} of {agreement.application.organization.name}: {agreement.state} "
        f"(installments {states})."
    )


def _demo_staff() -> DemoStaff:
    emails = [OFFICER_EMAIL, COMMITTEE_EMAIL, DECISION_MAKER_EMAIL, MANAGER_EMAIL, *FINANCE_EMAILS]
    users = {user.email: user for user in User.objects.filter(email__in=[*emails, REVIEWER_EMAILS[0]])}
    missing = [email for email in [*emails, REVIEWER_EMAILS[0]] if email not in users]
    if missing:
        raise DemoSetupError(f"The demo logins {', '.join(missing)} do not exist: run `manage.py load_demo` first.")
    return DemoStaff(
        officer=users[OFFICER_EMAIL],
        committee_member=users[COMMITTEE_EMAIL],
        decision_maker=users[DECISION_MAKER_EMAIL],
        manager=users[MANAGER_EMAIL],
        finance=(users[FINANCE_EMAILS[0]], users[FINANCE_EMAILS[1]]),
        reviewers=[users[REVIEWER_EMAILS[0]], _second_reviewer()],
    )


def load_demo_payments() -> list[str]:
    """Create the past call and its demo agreements unless they exist; return one line per thing created."""
    if not Program.objects.exists():
        raise DemoSetupError("The program does not exist: run `manage.py load_program` first.")
    staff = _demo_staff()
    today = timezone.localdate()
    log: list[str] = []

    call, created = _past_call(staff.manager, today)
    if created:
        labels = list(call.envelopes.order_by("fiscal_year").values_list("fiscal_year", flat=True))
        log.append(f"Created the closed call {call.code} with envelopes from {labels[0]} to {labels[-1]}.")

    organizations = {data.neq: data for data in [*DEMO_ORGANIZATIONS, *NEW_ORGANIZATIONS]}
    for spec in DEMO_AGREEMENTS:
        if spec.organization_neq in organizations:
            with transaction.atomic():
                demo_organization(organizations[spec.organization_neq])
        elif not Organization.objects.filter(neq=spec.organization_neq).exists():
            raise DemoSetupError("The demo organizations do not exist: run `manage.py load_demo` first.")
        agreement = _build(call, spec, staff, today)
        if agreement is not None:
            log.append(_describe(agreement))
    return log
