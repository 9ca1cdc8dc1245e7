"""Demo review stage for `make run`: files in every review and decision state of the call ECI-2027.

It runs after `load_demo_applications`, whose only file under review is the one of « Carrefour communautaire
Nikan ». It adds six organizations, each with a file taken to « under review » the way load_demo_applications
does it, then brings every file of the review stage to its demo state:

- under review, with one assignment offered, one accepted with a draft review and one review submitted;
- evaluated, waiting for the committee;
- recommended (Nikan, with a declared conflict and an affiliation, and a second file), waiting for a decision;
- not recommended, below the passing score and with reviewers who disagree, waiting for a decision;
- approved within the envelopes, and declined with a reason.

The evaluated, recommended and not recommended files make the ranking of the call: four rows, the last one
below the funding line. Everything goes through applications.services, reviews.services, reviews.committee and
reviews.decisions, as the screens would do it, except the affiliation, which the ministry records in the admin
site. Each step checks what already exists, so running it twice changes nothing.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

from django.contrib.auth.models import Group
from django.db import transaction
from django.utils import timezone

from accounts.demo import DEMO_PASSWORD
from accounts.models import Organization, Role, User
from applications.demo import (
    DEMO_CALL_CODE,
    OFFICER_EMAIL,
    YES,
    DemoApplication,
    DemoOrganization,
    DemoPerson,
    DemoSetupError,
    all_questions,
    money,
)

# The file builders of the demo applications: reusing them gives the new files the same history, PDFs and e-mails.
from applications.demo import _build as build_file
from applications.demo import _demo_organization as demo_organization
from applications.models import Application, ApplicationState
from grants.models import Call
from reviews import committee, decisions, services
from reviews.models import (
    Affiliation,
    AssignmentState,
    CommitteeDecision,
    ConflictKind,
    DecisionOutcome,
    Recommendation,
    Review,
    ReviewAssignment,
)

# « Carrefour communautaire Nikan », whose file is under review once load_demo_applications has run.
NIKAN_NEQ = "1148290634"
COMMITTEE_EMAIL = "comite@demo.qc.ca"
DECISION_MAKER_EMAIL = "decision@demo.qc.ca"
DUE_IN_DAYS = 21

FIRST_REVIEWER = "evaluateur@demo.qc.ca"
SECOND_REVIEWER = "evaluatrice2@demo.qc.ca"
THIRD_REVIEWER = "evaluateur3@demo.qc.ca"
FOURTH_REVIEWER = "evaluatrice4@demo.qc.ca"

# (e-mail, first name, last name)
NEW_REVIEWERS = [
    (SECOND_REVIEWER, "Marie-Claude", "Fortin"),
    (THIRD_REVIEWER, "Jean-Philippe", "Gauthier"),
    (FOURTH_REVIEWER, "Annie", "Thibault"),
]
# evaluateur3 sits on the board of « Carrefour communautaire Nikan »: he is never assigned to its files.
AFFILIATED_EMAIL = THIRD_REVIEWER
AFFILIATION_COMMENT = "Membre du conseil d’administration de l’organisme depuis 2022."
# evaluatrice4 is assigned to the Nikan file, then declares a conflict and sees nothing more of it.
CONFLICTED_EMAIL = FOURTH_REVIEWER
CONFLICT_COMMENT = "Ma sœur coordonne les activités jeunesse de l’organisme."


# --- Demo data --------------------------------------------------------------------------------------


@dataclass(frozen=True)
class DemoReview:
    """The review of one demo reviewer: a score per criterion position (None: not applicable), with comments.

    `submitted=False` leaves the review as a draft. A draft may score only the first criteria.
    """

    email: str
    scores: tuple[tuple[Decimal | None, str], ...]
    overall_comment: str
    recommendation: str
    suggested: dict[int, Decimal]
    submitted: bool = True


@dataclass(frozen=True)
class DemoConflict:
    email: str
    kind: str
    comment: str


@dataclass(frozen=True)
class DemoCommittee:
    """The committee's recommendation. `amounts` maps a project year to the amount recommended."""

    decision: str
    amounts: dict[int, Decimal]
    rationale: str


@dataclass(frozen=True)
class DemoDecision:
    """The decision maker's decision. An approval grants the amounts the committee recommended."""

    outcome: str
    reason: str


@dataclass(frozen=True)
class DemoFile:
    """One file of the review stage and the application state the demo brings it to."""

    organization_neq: str
    state: ApplicationState
    reviews: tuple[DemoReview, ...]
    # Reviewers assigned who have not made their conflict of interest declaration yet.
    offered_to: tuple[str, ...] = ()
    conflicts: tuple[DemoConflict, ...] = ()
    committee: DemoCommittee | None = None
    decision: DemoDecision | None = None


def scores(*values: str | None) -> tuple[tuple[Decimal | None, str], ...]:
    """Return scores without comments, in criterion order. None marks « not applicable »."""
    return tuple((None if value is None else Decimal(value), "") for value in values)


# The six organizations this module adds, each with a file that load_demo_applications' builder takes to
# « under review ».
NEW_ORGANIZATIONS = [
    DemoOrganization(
        name="Hockey mineur des Pays-d’en-Haut",
        neq="1142035718",
        region="15",
        street_address="45, rue Principale",
        city="Saint-Sauveur",
        postal_code="J0R 1R0",
        incorporated_on=date(1995, 4, 18),
        mission="Offrir aux jeunes de 5 à 17 ans des Pays-d’en-Haut la pratique du hockey dans un cadre "
        "sécuritaire, accessible et respectueux, encadrée par des entraîneurs bénévoles formés.",
        representative=DemoPerson("stephane.ouellet@demo.qc.ca", "Stéphane", "Ouellet"),
    ),
    DemoOrganization(
        name="Accueil et intégration Drummond",
        neq="1143869021",
        region="17",
        street_address="220, rue Brock",
        city="Drummondville",
        postal_code="J2C 1M3",
        incorporated_on=date(2003, 11, 20),
        mission="Accueillir les personnes immigrantes de la MRC de Drummond, les accompagner dans leur "
        "installation et favoriser les rapprochements entre elles et la population de la région.",
        representative=DemoPerson("nadia.haddad@demo.qc.ca", "Nadia", "Haddad"),
    ),
    DemoOrganization(
        name="Maison de la famille des Etchemins",
        neq="1145047392",
        region="12",
        street_address="1516, route 277",
        city="Lac-Etchemin",
        postal_code="G0R 1S0",
        incorporated_on=date(1999, 6, 2),
        mission="Soutenir les familles des Etchemins dans leur rôle parental par des ateliers, des activités "
        "parents-enfants et un service d’écoute.",
        representative=DemoPerson("catherine.poulin@demo.qc.ca", "Catherine", "Poulin"),
    ),
    DemoOrganization(
        name="Comité logement et vie de quartier Saint-Sauveur",
        neq="1146201485",
        region="03",
        street_address="301, rue Saint-Vallier Ouest",
        city="Québec",
        postal_code="G1K 1K2",
        incorporated_on=date(2012, 2, 9),
        mission="Défendre les droits des locataires du quartier Saint-Sauveur et améliorer la vie collective "
        "dans les immeubles d’habitation à loyer modique.",
        representative=DemoPerson("louis.bergeron@demo.qc.ca", "Louis", "Bergeron"),
    ),
    DemoOrganization(
        name="Regroupement Autonomie Bas-Saint-Laurent",
        neq="1147358604",
        region="01",
        street_address="150, avenue Belzile",
        city="Rimouski",
        postal_code="G5L 3E4",
        incorporated_on=date(2001, 9, 14),
        mission="Promouvoir les droits et la participation sociale des personnes ayant une déficience "
        "intellectuelle ou un trouble du spectre de l’autisme au Bas-Saint-Laurent.",
        representative=DemoPerson("genevieve.michaud@demo.qc.ca", "Geneviève", "Michaud"),
    ),
    DemoOrganization(
        name="Centre d’action bénévole de l’Abitibi-Est",
        neq="1149012736",
        region="08",
        street_address="625, 3e Avenue",
        city="Val-d’Or",
        postal_code="J9P 1S7",
        incorporated_on=date(1987, 3, 30),
        mission="Promouvoir l’action bénévole et offrir aux personnes aînées de l’Abitibi-Est des services de "
        "maintien à domicile, d’accompagnement et de visites d’amitié.",
        representative=DemoPerson("rejean.dube@demo.qc.ca", "Réjean", "Dubé"),
    ),
]

NEW_APPLICATIONS = [
    DemoApplication(
        organization_neq="1142035718",
        state=ApplicationState.UNDER_REVIEW,
        project={
            "title": "Franc jeu : un vestiaire sans intimidation",
            "summary": "Former les entraîneurs, les arbitres et les parents du hockey mineur des Pays-d’en-Haut "
            "pour prévenir l’intimidation dans les vestiaires, sur la glace et dans les estrades, et donner aux "
            "joueurs un moyen simple de signaler une situation.",
            "objectives": "1. Former 120 entraîneurs et arbitres bénévoles à reconnaître l’intimidation et à "
            "intervenir.\n2. Joindre 400 parents par des rencontres d’avant-saison.\n3. Mettre en place un "
            "répondant par équipe et un moyen confidentiel de signalement.",
            "expected_impacts": "Des vestiaires mieux encadrés, des joueurs qui savent à qui parler et des "
            "situations signalées plus tôt, mesurés par un sondage auprès des joueurs au début et à la fin de "
            "chaque saison.",
            "approach": "Avant chaque saison, une formation de trois heures est offerte aux entraîneurs et aux "
            "arbitres, et une rencontre d’une heure aux parents de chaque équipe.\n\n"
            "Pendant la saison, un répondant par équipe reçoit les signalements et les transmet au comité Franc "
            "jeu, qui fait le suivi avec les familles.",
            "knowledge_base": "Le projet s’appuie sur les travaux sur l’intimidation dans le sport amateur et sur "
            "les outils de sécurité dans le sport diffusés par le gouvernement du Québec.",
            "help_resources": "Tel-jeunes, Jeunesse, J’écoute et l’officier de protection de l’intégrité de la "
            "fédération. Les répondants dirigent les jeunes vers ces ressources.",
        },
        clienteles=("youth", "sport-recreation"),
        regions=("15",),
        reach="regional",
        starts_on=date(2027, 9, 1),
        ends_on=date(2029, 8, 31),
        phases=(
            (
                "Formation des entraîneurs, des arbitres et des parents",
                date(2027, 9, 1),
                date(2027, 12, 20),
                "Formations d’avant-saison et rencontres de parents dans les trois arénas de la région.",
            ),
            (
                "Répondants d’équipe et suivi des signalements",
                date(2028, 1, 8),
                date(2029, 8, 31),
                "Un répondant par équipe, un comité Franc jeu et un sondage auprès des joueurs chaque saison.",
            ),
        ),
        expenses={
            1: {
                "salaries": money("30000"),
                "fees-subcontracting": money("8000"),
                "materials": money("3000"),
                "promotion": money("2500"),
                "travel": money("2000"),
                "administration": money("3000"),
            },
            2: {
                "salaries": money("28000"),
                "fees-subcontracting": money("6000"),
                "materials": money("1500"),
                "promotion": money("2000"),
                "travel": money("2000"),
                "administration": money("2800"),
            },
        },
        revenues=(
            ("own", "Contribution de l’association", 1, money("2500"), True),
            ("partner", "MRC des Pays-d’en-Haut", 1, money("2000"), True),
            ("own", "Contribution de l’association", 2, money("2500"), True),
            ("partner", "MRC des Pays-d’en-Haut", 2, money("2000"), False),
        ),
        screening=all_questions(YES),
    ),
    DemoApplication(
        organization_neq="1143869021",
        state=ApplicationState.UNDER_REVIEW,
        project={
            "title": "Ensemble à l’école : prévenir l’intimidation à caractère raciste",
            "summary": "Avec trois écoles secondaires de Drummondville, prévenir l’intimidation à caractère raciste "
            "que vivent les élèves issus de l’immigration, par des ateliers en classe, des jumelages entre "
            "élèves et la formation du personnel.",
            "objectives": "1. Animer 90 ateliers en classe sur les préjugés et l’intimidation à caractère "
            "raciste.\n2. Jumeler 80 élèves nouvellement arrivés avec des élèves du milieu.\n3. Former 60 "
            "membres du personnel scolaire.",
            "expected_impacts": "Moins d’intimidation à caractère raciste rapportée par les élèves, mesurée par un "
            "sondage avant et après le projet, et un personnel qui intervient plus vite.",
            "approach": "Les ateliers sont animés en duo par une intervenante de l’organisme et un élève formé.\n\n"
            "Les jumelages durent une année scolaire, avec une activité par mois.\n\nLe personnel reçoit une "
            "formation d’une demi-journée sur l’intervention auprès des victimes et des témoins.",
            "knowledge_base": "Le projet s’appuie sur les recherches sur les rapprochements interculturels en "
            "milieu scolaire et sur l’expérience de jumelage de l’organisme depuis 2010.",
            "help_resources": "Intervenants des écoles, Tel-jeunes et la Commission des droits de la personne et "
            "des droits de la jeunesse pour les situations de discrimination.",
        },
        clienteles=("ethnocultural-minorities", "school", "youth"),
        regions=("17",),
        reach="local",
        starts_on=date(2027, 8, 15),
        ends_on=date(2029, 8, 14),
        phases=(
            (
                "Ateliers et jumelages, première année scolaire",
                date(2027, 8, 15),
                date(2028, 6, 30),
                "Ententes avec les écoles, formation des élèves animateurs, ateliers et jumelages.",
            ),
            (
                "Deuxième année scolaire et formation du personnel",
                date(2028, 8, 15),
                date(2029, 8, 14),
                "Nouvelle cohorte de jumelages, formation du personnel et bilan avec les directions.",
            ),
        ),
        expenses={
            1: {
                "salaries": money("34000"),
                "fees-subcontracting": money("5000"),
                "materials": money("2000"),
                "promotion": money("2000"),
                "travel": money("1000"),
                "administration": money("3500"),
            },
            2: {
                "salaries": money("34000"),
                "fees-subcontracting": money("4000"),
                "materials": money("1500"),
                "promotion": money("2500"),
                "travel": money("1000"),
                "administration": money("3400"),
            },
        },
        revenues=(
            ("own", "Contribution de l’organisme", 1, money("3000"), True),
            ("own", "Contribution de l’organisme", 2, money("3000"), True),
        ),
        screening=all_questions(YES),
    ),
    DemoApplication(
        organization_neq="1145047392",
        state=ApplicationState.UNDER_REVIEW,
        project={
            "title": "Parents branchés : accompagner les familles face à la cyberintimidation",
            "summary": "Outiller les parents d’enfants de 9 à 14 ans des Etchemins pour prévenir la "
            "cyberintimidation, en parler avec leur enfant et savoir comment réagir quand elle survient.",
            "objectives": "1. Tenir 20 ateliers pour 250 parents dans les municipalités de la MRC.\n2. Offrir "
            "un service d’écoute aux parents dont l’enfant vit de la cyberintimidation.",
            "expected_impacts": "Des parents qui connaissent les applications de leurs enfants, qui en parlent "
            "avec eux et qui savent comment réagir et à qui s’adresser.",
            "approach": "Les ateliers ont lieu en soirée dans les écoles primaires et à la maison de la famille, "
            "avec un service de garde.\n\nUne intervenante offre de l’écoute et de l’accompagnement aux "
            "parents, en personne ou par téléphone.",
            "knowledge_base": "Le projet s’appuie sur les recherches sur le rôle des parents dans la prévention "
            "de la cyberintimidation et sur les outils d’éducation au numérique destinés aux familles.",
            "help_resources": "Ligne Parents, Tel-jeunes, les intervenants des écoles et le CLSC des Etchemins.",
        },
        clienteles=("youth", "school"),
        regions=("12",),
        reach="regional",
        starts_on=date(2027, 9, 1),
        ends_on=date(2028, 8, 31),
        phases=(
            (
                "Ateliers pour les parents et service d’écoute",
                date(2027, 9, 1),
                date(2028, 8, 31),
                "20 ateliers en soirée dans la MRC ; écoute et accompagnement des parents toute l’année.",
            ),
        ),
        expenses={
            1: {
                "salaries": money("26000"),
                "fees-subcontracting": money("4000"),
                "materials": money("2500"),
                "promotion": money("3000"),
                "travel": money("2500"),
                "administration": money("2800"),
            },
        },
        revenues=(
            ("own", "Contribution de la maison de la famille", 1, money("1800"), True),
            ("partner", "MRC des Etchemins", 1, money("2000"), True),
        ),
        screening=all_questions(YES),
    ),
    DemoApplication(
        organization_neq="1146201485",
        state=ApplicationState.UNDER_REVIEW,
        project={
            "title": "Bon voisinage : contrer l’intimidation entre locataires des HLM du quartier",
            "summary": "Dans six immeubles d’habitation à loyer modique de Saint-Sauveur, prévenir l’intimidation "
            "entre locataires par la médiation, des comités de voisinage et l’accompagnement des victimes.",
            "objectives": "1. Offrir la médiation dans 60 situations de conflit ou d’intimidation entre "
            "voisins.\n2. Former six comités de voisinage.\n3. Accompagner les victimes dans leurs démarches.",
            "expected_impacts": "Moins de situations d’intimidation entre locataires et des victimes qui osent "
            "demander de l’aide.",
            "approach": "Une médiatrice rencontre les locataires concernés et propose une médiation.\n\nLes "
            "comités de voisinage organisent des activités dans les espaces communs des immeubles.",
            "knowledge_base": "Le projet s’appuie sur l’expérience de médiation citoyenne de l’organisme et sur "
            "les travaux sur l’intimidation dans les milieux de vie des personnes aînées.",
            "help_resources": "Ligne Aide Abus Aînés, le CLSC de la Basse-Ville et l’Office municipal "
            "d’habitation de Québec.",
        },
        clienteles=("poverty-homelessness", "seniors", "general-population"),
        regions=("03",),
        reach="local",
        starts_on=date(2027, 7, 1),
        ends_on=date(2029, 6, 30),
        phases=(
            (
                "Médiation et comités de voisinage",
                date(2027, 7, 1),
                date(2029, 6, 30),
                "Médiation sur demande ; un comité de voisinage par immeuble ; activités dans les espaces communs.",
            ),
        ),
        expenses={
            1: {
                "salaries": money("36000"),
                "fees-subcontracting": money("9000"),
                "materials": money("1500"),
                "promotion": money("2000"),
                "travel": money("500"),
                "administration": money("3600"),
            },
            2: {
                "salaries": money("36000"),
                "fees-subcontracting": money("6000"),
                "materials": money("1000"),
                "promotion": money("1500"),
                "travel": money("500"),
                "administration": money("3500"),
            },
        },
        revenues=(
            ("own", "Contribution du comité", 1, money("1600"), True),
            ("in_kind", "Office municipal d’habitation : salles communautaires", 1, money("3000"), True),
            ("own", "Contribution du comité", 2, money("1500"), True),
            ("in_kind", "Office municipal d’habitation : salles communautaires", 2, money("3000"), True),
        ),
        screening=all_questions(YES),
    ),
    DemoApplication(
        organization_neq="1147358604",
        state=ApplicationState.UNDER_REVIEW,
        project={
            "title": "Respect sur toute la ligne : contrer l’intimidation des personnes ayant une déficience "
            "intellectuelle",
            "summary": "Prévenir l’intimidation que vivent les personnes ayant une déficience intellectuelle dans "
            "le transport collectif et au travail, en formant les chauffeurs et les employeurs, et en outillant "
            "les personnes elles-mêmes.",
            "objectives": "1. Former 150 chauffeurs du transport collectif et adapté de la région.\n2. "
            "Accompagner 40 employeurs qui embauchent des personnes ayant une déficience intellectuelle.\n3. "
            "Tenir des ateliers d’affirmation de soi pour 120 personnes.",
            "expected_impacts": "Des personnes qui reconnaissent l’intimidation et la signalent, des chauffeurs et "
            "des employeurs qui interviennent, et moins de situations rapportées au fil des trois années.",
            "approach": "Les ateliers d’affirmation de soi sont conçus avec des personnes ayant une déficience "
            "intellectuelle, en langage simple et avec des mises en situation.\n\nLes formations des chauffeurs "
            "et des employeurs sont coanimées par une personne concernée.",
            "knowledge_base": "Le projet s’appuie sur les recherches sur la victimisation des personnes ayant une "
            "déficience intellectuelle et sur l’expérience de l’organisme en défense des droits.",
            "help_resources": "Le centre de réadaptation de la région, le CAVAC du Bas-Saint-Laurent et les "
            "intervenantes de l’organisme.",
        },
        clienteles=("disabilities", "general-population"),
        regions=("01",),
        reach="regional",
        starts_on=date(2027, 9, 1),
        ends_on=date(2030, 8, 31),
        phases=(
            (
                "Ateliers d’affirmation de soi",
                date(2027, 9, 1),
                date(2030, 6, 30),
                "Quatre groupes par année dans les villes de la région.",
            ),
            (
                "Formation des chauffeurs et des employeurs",
                date(2028, 1, 15),
                date(2030, 8, 31),
                "Formations coanimées par une personne concernée ; suivi des employeurs accompagnés.",
            ),
        ),
        expenses={
            year: {
                "salaries": money("31000"),
                "fees-subcontracting": money("5000"),
                "materials": money("2500"),
                "promotion": money("2000"),
                "travel": money("4000"),
                "administration": money("3200"),
            }
            for year in (1, 2, 3)
        },
        revenues=tuple(
            revenue
            for year in (1, 2, 3)
            for revenue in (
                ("own", "Contribution du Regroupement", year, money("2000"), True),
                ("partner", "Centraide Bas-Saint-Laurent", year, money("3000"), True),
            )
        ),
        support_letters=("Lettre d’appui – Société des transports de Rimouski.pdf",),
        screening=all_questions(YES),
    ),
    DemoApplication(
        organization_neq="1149012736",
        state=ApplicationState.UNDER_REVIEW,
        project={
            "title": "Aînés avertis : une tournée de conférences sur l’intimidation envers les aînés",
            "summary": "Une tournée de conférences dans les municipalités de l’Abitibi-Est pour informer les "
            "personnes aînées sur l’intimidation et les ressources d’aide.",
            "objectives": "1. Tenir 30 conférences pour 900 personnes aînées.\n2. Distribuer un aide-mémoire "
            "des ressources d’aide.",
            "expected_impacts": "Des personnes aînées mieux informées sur l’intimidation et sur les ressources d’aide.",
            "approach": "Un conférencier présente l’intimidation envers les aînés dans les salles municipales et "
            "les résidences, suivi d’une période de questions.",
            "knowledge_base": "Le projet s’appuie sur les outils de sensibilisation existants sur la "
            "maltraitance et l’intimidation envers les personnes aînées.",
            "help_resources": "Ligne Aide Abus Aînés et le CLSC de Val-d’Or.",
        },
        clienteles=("seniors",),
        regions=("08",),
        reach="regional",
        starts_on=date(2027, 10, 1),
        ends_on=date(2028, 9, 30),
        phases=(
            (
                "Tournée de conférences",
                date(2027, 10, 1),
                date(2028, 9, 30),
                "30 conférences dans les salles municipales et les résidences de l’Abitibi-Est.",
            ),
        ),
        expenses={
            1: {
                "salaries": money("18000"),
                "fees-subcontracting": money("9000"),
                "materials": money("3000"),
                "promotion": money("4000"),
                "travel": money("6000"),
                "administration": money("2500"),
            },
        },
        revenues=(("own", "Contribution du centre", 1, money("2500"), True),),
        screening=all_questions(YES),
    ),
]

NIKAN_REVIEWS = (
    DemoReview(
        email=FIRST_REVIEWER,
        scores=(
            (
                Decimal("8.5"),
                "Projet bien ancré dans la communauté : les aînés et les jeunes ont participé à sa conception.",
            ),
            (
                Decimal("8"),
                "La formation des intervenants scolaires assure des effets au-delà de la durée du projet.",
            ),
            (
                Decimal("7"),
                "Calendrier réaliste ; le nombre de cercles de parole la première année paraît ambitieux.",
            ),
            (None, "Premier projet de l’organisme financé par le programme."),
        ),
        overall_comment="Projet pertinent et culturellement sécurisant, qui répond à un besoin peu couvert dans la "
        "région. Le budget est cohérent avec les activités prévues.",
        recommendation=Recommendation.FUND,
        suggested={1: Decimal("46000"), 2: Decimal("46000"), 3: Decimal("42000")},
    ),
    DemoReview(
        email=SECOND_REVIEWER,
        scores=(
            (Decimal("8"), "Objectifs clairs et mesurables ; la clientèle visée est bien définie."),
            (
                Decimal("7"),
                "Les capsules vidéo en innu-aimun peuvent rejoindre d’autres communautés ; leur diffusion reste à "
                "préciser.",
            ),
            (Decimal("7.5"), "Partenariats confirmés avec deux écoles ; les lettres d’appui sont au dossier."),
            (None, "Sans objet : aucune convention antérieure."),
        ),
        overall_comment="Demande solide. Je suggère de réduire un peu les honoraires de la troisième année, une "
        "partie de la formation pouvant être donnée par l’équipe déjà formée.",
        recommendation=Recommendation.FUND_WITH_CONDITIONS,
        suggested={1: Decimal("44000"), 2: Decimal("44000"), 3: Decimal("38000")},
    ),
)

NIKAN_FILE = DemoFile(
    organization_neq=NIKAN_NEQ,
    state=ApplicationState.RECOMMENDED,
    reviews=NIKAN_REVIEWS,
    conflicts=(DemoConflict(email=CONFLICTED_EMAIL, kind=ConflictKind.FAMILY, comment=CONFLICT_COMMENT),),
    committee=DemoCommittee(
        decision=CommitteeDecision.RECOMMEND,
        amounts={1: Decimal("45000"), 2: Decimal("45000"), 3: Decimal("40000")},
        rationale="Le comité retient le projet pour sa pertinence et son ancrage culturel. Il recommande un "
        "montant un peu inférieur à la demande, comme le suggèrent les évaluations.",
    ),
)

# Criterion order: relevance (weight 40), outcomes (35), feasibility (25), previous agreement (0, may be N/A).
DEMO_FILES = [
    NIKAN_FILE,
    DemoFile(
        organization_neq="1142035718",
        state=ApplicationState.UNDER_REVIEW,
        reviews=(
            DemoReview(
                email=SECOND_REVIEWER,
                scores=(
                    (Decimal("8"), "Besoin bien documenté par le sondage mené auprès des joueurs en 2026."),
                    (Decimal("7.5"), "Les répondants d’équipe restent en place après le projet."),
                    (Decimal("7"), "Beaucoup repose sur des bénévoles ; prévoir leur remplacement en cours de saison."),
                    (None, ""),
                ),
                overall_comment="Projet concret, porté par une association qui connaît bien son milieu.",
                recommendation=Recommendation.FUND,
                suggested={1: Decimal("44000"), 2: Decimal("37800")},
            ),
            # A draft: the reviewer scored the first two criteria and comes back later.
            DemoReview(
                email=FIRST_REVIEWER,
                scores=(
                    (Decimal("7.5"), "Bonne adéquation avec les objectifs du programme."),
                    (Decimal("7"), ""),
                ),
                overall_comment="",
                recommendation="",
                suggested={},
                submitted=False,
            ),
        ),
        offered_to=(FOURTH_REVIEWER,),
    ),
    DemoFile(
        organization_neq="1143869021",
        state=ApplicationState.EVALUATED,
        reviews=(
            DemoReview(
                email=THIRD_REVIEWER,
                scores=scores("7.5", "7", "6.5", None),
                overall_comment="Projet pertinent ; les jumelages entre élèves sont sa principale force.",
                recommendation=Recommendation.FUND,
                suggested={1: Decimal("44500"), 2: Decimal("43400")},
            ),
            DemoReview(
                email=FOURTH_REVIEWER,
                scores=scores("7", "7.5", "7", None),
                overall_comment="Bonne collaboration avec les écoles ; les indicateurs du sondage restent à préciser.",
                recommendation=Recommendation.FUND_WITH_CONDITIONS,
                suggested={1: Decimal("42000"), 2: Decimal("42000")},
            ),
        ),
    ),
    DemoFile(
        organization_neq="1145047392",
        state=ApplicationState.RECOMMENDED,
        reviews=(
            DemoReview(
                email=FIRST_REVIEWER,
                scores=scores("7", "6.5", "6", None),
                overall_comment="Projet utile dans une région où les parents ont peu de ressources sur le sujet. "
                "Les frais de promotion paraissent élevés pour 20 ateliers.",
                recommendation=Recommendation.FUND_WITH_CONDITIONS,
                suggested={1: Decimal("35000")},
            ),
            DemoReview(
                email=THIRD_REVIEWER,
                scores=scores("6.5", "6.5", "7", None),
                overall_comment="Organisme expérimenté auprès des familles ; le service d’écoute complète bien les "
                "ateliers.",
                recommendation=Recommendation.FUND,
                suggested={1: Decimal("37000")},
            ),
        ),
        committee=DemoCommittee(
            decision=CommitteeDecision.RECOMMEND,
            amounts={1: Decimal("35000")},
            rationale="Le comité recommande le projet et retranche 2 000 $ des frais de promotion, comme le "
            "suggère une évaluation.",
        ),
    ),
    DemoFile(
        organization_neq="1146201485",
        state=ApplicationState.NOT_RECOMMENDED,
        # The two reviewers disagree (more than 20 points apart), and the mean is below the passing score.
        reviews=(
            DemoReview(
                email=SECOND_REVIEWER,
                scores=scores("7", "7", "6", None),
                overall_comment="La médiation entre locataires répond à un vrai besoin du quartier.",
                recommendation=Recommendation.FUND_WITH_CONDITIONS,
                suggested={1: Decimal("40000"), 2: Decimal("40000")},
            ),
            DemoReview(
                email=THIRD_REVIEWER,
                scores=scores("4", "4", "3.5", None),
                overall_comment="Le projet vise surtout les conflits de voisinage en général ; le lien avec "
                "l’intimidation est peu développé et les résultats attendus ne sont pas mesurables.",
                recommendation=Recommendation.DO_NOT_FUND,
                suggested={},
            ),
        ),
        committee=DemoCommittee(
            decision=CommitteeDecision.NOT_RECOMMEND,
            amounts={},
            rationale="La note moyenne n’atteint pas la note de passage. Le comité partage les réserves sur le lien "
            "entre le projet et l’intimidation.",
        ),
    ),
    DemoFile(
        organization_neq="1147358604",
        state=ApplicationState.APPROVED,
        reviews=(
            DemoReview(
                email=FIRST_REVIEWER,
                scores=scores("8.5", "8", "7.5", None),
                overall_comment="Projet conçu avec les personnes concernées ; la formation des chauffeurs est une "
                "excellente idée.",
                recommendation=Recommendation.FUND,
                suggested={1: Decimal("42700"), 2: Decimal("42700"), 3: Decimal("42700")},
            ),
            DemoReview(
                email=FOURTH_REVIEWER,
                scores=scores("8", "8.5", "8", None),
                overall_comment="Partenariats solides et budget réaliste.",
                recommendation=Recommendation.FUND,
                suggested={1: Decimal("42000"), 2: Decimal("42000"), 3: Decimal("42000")},
            ),
        ),
        committee=DemoCommittee(
            decision=CommitteeDecision.RECOMMEND,
            amounts={1: Decimal("42000"), 2: Decimal("42000"), 3: Decimal("42000")},
            rationale="Projet en tête du classement ; le comité recommande 42 000 $ par année.",
        ),
        decision=DemoDecision(
            outcome=DecisionOutcome.APPROVED,
            reason="Octroi conforme à la recommandation du comité de sélection.",
        ),
    ),
    DemoFile(
        organization_neq="1149012736",
        state=ApplicationState.DECLINED,
        reviews=(
            DemoReview(
                email=SECOND_REVIEWER,
                scores=scores("5", "4.5", "5", None),
                overall_comment="Des conférences ponctuelles : le projet ne va pas au-delà de la sensibilisation.",
                recommendation=Recommendation.DO_NOT_FUND,
                suggested={},
            ),
            DemoReview(
                email=FOURTH_REVIEWER,
                scores=scores("5.5", "5", "4", None),
                overall_comment="Aucun suivi n’est prévu après les conférences, et les honoraires du conférencier "
                "sont élevés.",
                recommendation=Recommendation.DO_NOT_FUND,
                suggested={},
            ),
        ),
        committee=DemoCommittee(
            decision=CommitteeDecision.NOT_RECOMMEND,
            amounts={},
            rationale="Note moyenne sous la note de passage.",
        ),
        decision=DemoDecision(
            outcome=DecisionOutcome.DECLINED,
            reason="Le projet repose sur des conférences de sensibilisation ponctuelles, alors que le programme "
            "soutient des projets qui vont au-delà de la sensibilisation. Sa note moyenne n’atteint pas la note de "
            "passage de 60 sur 100.",
        ),
    ),
]


# --- Steps ------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class DemoStaff:
    officer: User
    committee_member: User
    decision_maker: User


def _reviewer(email: str, first_name: str, last_name: str) -> tuple[User, bool]:
    user = User.objects.filter(email=email).first()
    if user is not None:
        return user, False
    user = User.objects.create_user(
        email=email,
        password=DEMO_PASSWORD,
        first_name=first_name,
        last_name=last_name,
        email_verified_at=timezone.now(),
    )
    user.groups.add(Group.objects.get(name=Role.REVIEWER))
    return user, True


def _assignment(application: Application, reviewer: User, officer: User, log: list[str]) -> ReviewAssignment:
    """Return the reviewer's assignment to the file, assigning them first if they have none."""
    existing = ReviewAssignment.objects.filter(application=application, reviewer=reviewer).first()
    if existing is not None:
        return existing
    assignment = services.assign_reviewer(
        application=application,
        reviewer=reviewer,
        due_on=timezone.localdate() + timedelta(days=DUE_IN_DAYS),
        actor=officer,
    )
    log.append(f"Assigned {reviewer.email} to {application.reference}.")
    return assignment


def _review(application: Application, spec: DemoReview, officer: User, log: list[str]) -> None:
    reviewer = User.objects.get(email=spec.email)
    assignment = _assignment(application, reviewer, officer, log)
    if assignment.state == AssignmentState.ASSIGNED:
        assignment = services.declare_conflict(assignment=assignment, actor=reviewer, has_conflict=False)
        log.append(f"{reviewer.email} declared no conflict of interest.")
    if assignment.state != AssignmentState.ACCEPTED:
        return
    if not Review.objects.filter(assignment=assignment).exists():
        criteria = list(application.call.criteria.order_by("position"))
        services.save_review(
            assignment=assignment,
            actor=reviewer,
            scores={
                criterion.pk: (value, value is None, comment)
                for criterion, (value, comment) in zip(criteria, spec.scores, strict=False)
            },
            overall_comment=spec.overall_comment,
            recommendation=spec.recommendation,
            suggested=spec.suggested,
        )
        if not spec.submitted:
            log.append(f"{reviewer.email} saved a draft review of {application.reference}.")
    if spec.submitted:
        review = services.submit_review(assignment=assignment, actor=reviewer)
        log.append(f"{reviewer.email} submitted a review of {application.reference} (score {review.total}/100).")


def _declared_conflict(application: Application, spec: DemoConflict, officer: User, log: list[str]) -> None:
    reviewer = User.objects.get(email=spec.email)
    assignment = _assignment(application, reviewer, officer, log)
    if assignment.state == AssignmentState.ASSIGNED:
        services.declare_conflict(
            assignment=assignment, actor=reviewer, has_conflict=True, kind=spec.kind, comment=spec.comment
        )
        log.append(f"{reviewer.email} declared a conflict of interest on {application.reference}.")


def _recommend(application: Application, spec: DemoCommittee, member: User, log: list[str]) -> None:
    committee.record_recommendation(
        application=application,
        actor=member,
        decision=spec.decision,
        amounts=spec.amounts,
        rationale=spec.rationale,
    )
    wording = "to fund" if spec.decision == CommitteeDecision.RECOMMEND else "not to fund"
    log.append(f"{member.email} recorded the committee's recommendation {wording} {application.reference}.")


def _decide(application: Application, spec: DemoDecision, decision_maker: User, log: list[str]) -> None:
    if spec.outcome == DecisionOutcome.APPROVED:
        decisions.approve_application(
            application=application,
            actor=decision_maker,
            amounts=decisions.recommended_amounts(application),
            reason=spec.reason,
        )
        log.append(f"{decision_maker.email} approved {application.reference}.")
    else:
        decisions.decline_application(application=application, actor=decision_maker, reason=spec.reason)
        log.append(f"{decision_maker.email} declined {application.reference}.")


def _bring_to_state(application: Application, spec: DemoFile, staff: DemoStaff, log: list[str]) -> None:
    """Take the file from « under review » to `spec.state`, skipping the steps already done.

    A file that someone moved on while trying the demo (a decision recorded on the recommended file, say) is
    left as it is, so that `make run` still works afterwards.
    """
    # One transaction per file: its e-mails and letters go out when it commits, and a failure leaves no half file.
    with transaction.atomic():
        if application.state == ApplicationState.UNDER_REVIEW:
            for review in spec.reviews:
                _review(application, review, staff.officer, log)
            for email in spec.offered_to:
                _assignment(application, User.objects.get(email=email), staff.officer, log)
            for conflict in spec.conflicts:
                _declared_conflict(application, conflict, staff.officer, log)
            if spec.state != ApplicationState.UNDER_REVIEW:
                application = services.close_review(application=application, actor=staff.officer)
                log.append(f"Closed the review of {application.reference}: evaluated.")

        if application.state == ApplicationState.EVALUATED and spec.committee is not None:
            _recommend(application, spec.committee, staff.committee_member, log)
            application.refresh_from_db()

        if application.state in decisions.DECIDABLE_STATES and spec.decision is not None:
            _decide(application, spec.decision, staff.decision_maker, log)


def _demo_staff() -> DemoStaff:
    users = {
        user.email: user
        for user in User.objects.filter(email__in=[OFFICER_EMAIL, COMMITTEE_EMAIL, DECISION_MAKER_EMAIL])
    }
    if len(users) < 3:
        raise DemoSetupError("The demo logins do not exist: run `manage.py load_demo` first.")
    return DemoStaff(
        officer=users[OFFICER_EMAIL],
        committee_member=users[COMMITTEE_EMAIL],
        decision_maker=users[DECISION_MAKER_EMAIL],
    )


def _create_files(call: Call, officer: User, log: list[str]) -> None:
    """Create the new organizations and take their files to « under review », unless they exist."""
    for data in NEW_ORGANIZATIONS:
        with transaction.atomic():
            demo_organization(data)
    for spec in NEW_APPLICATIONS:
        application = build_file(call=call, spec=spec, officer=officer)
        if application is not None:
            log.append(f"Created the file {application.reference} of {application.organization.name}, under review.")


def load_demo_reviews() -> list[str]:
    """Bring the demo files of the review stage to their demo states and return one line per action done now."""
    staff = _demo_staff()
    call = Call.objects.filter(code=DEMO_CALL_CODE).first()
    nikan = Organization.objects.filter(neq=NIKAN_NEQ).first()
    if call is None or nikan is None or not Application.objects.filter(call=call, organization=nikan).exists():
        raise DemoSetupError("The demo file under review does not exist: run `manage.py load_demo_applications` first.")

    log: list[str] = []
    for email, first_name, last_name in NEW_REVIEWERS:
        _user, created = _reviewer(email, first_name, last_name)
        if created:
            log.append(f"Created the reviewer {email}.")
    # No screen writes affiliations: the ministry records them in the admin site.
    _affiliation, created = Affiliation.objects.get_or_create(
        reviewer=User.objects.get(email=AFFILIATED_EMAIL),
        organization=nikan,
        defaults={"kind": ConflictKind.BOARD_MEMBER, "comment": AFFILIATION_COMMENT},
    )
    if created:
        log.append(f"Recorded the affiliation of {AFFILIATED_EMAIL} with {nikan.name}.")

    _create_files(call, staff.officer, log)
    for spec in DEMO_FILES:
        application = Application.objects.get(call=call, organization__neq=spec.organization_neq)
        _bring_to_state(application, spec, staff, log)
    return log
