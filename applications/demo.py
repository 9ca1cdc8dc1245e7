"""Demo applications for `make run`: files in every state of ApplicationState, in the demo call ECI-2027.

Everything goes through applications.services, as the screens would do it, so that each file has a real
history, its PDFs and its e-mails. It runs after `load_program` (the call) and `load_demo` (the officer and
« Carrefour jeunesse Rosemont »). A file that already exists for an organization is left as it is, so running
it twice changes nothing.
"""

from __future__ import annotations

import textwrap
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal

from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.utils import timezone

from accounts.demo import DEMO_PASSWORD
from accounts.models import Organization, User
from accounts.services import accept_invitation, create_organization, invite_member
from applications import services
from applications.models import Application, ApplicationState, InadmissibilityReason, ScreeningAnswer, Section
from common.audit import record_transition
from common.text import search_key
from grants.models import Call, Clientele, DocumentType, ExpenseCategory, ScreeningQuestion

DEMO_CALL_CODE = "ECI-2027"
OFFICER_EMAIL = "conseillere@demo.qc.ca"
# « Carrefour jeunesse Rosemont », created by accounts.demo with mandataire@demo.qc.ca as its representative.
ROSEMONT_NEQ = "1141234567"
EXTENSION_DAYS = 30
RESPONSE_DAYS = 21

YES = ScreeningAnswer.Answer.YES
NO = ScreeningAnswer.Answer.NO
RECEIVABILITY = ScreeningQuestion.Kind.RECEIVABILITY
ELIGIBILITY = ScreeningQuestion.Kind.ELIGIBILITY

REQUIRED_ATTACHMENTS = [
    ("board-resolution", "Résolution du conseil d’administration.pdf"),
    ("letters-patent", "Lettres patentes.pdf"),
    ("annual-report", "Rapport annuel 2025-2026.pdf"),
    ("financial-statements", "États financiers au 31 mars 2026.pdf"),
]


class DemoSetupError(RuntimeError):
    """Missing data that the demo applications need (the call or the demo logins).

    The message names the command to run first.
    """


# --- Demo data --------------------------------------------------------------------------------------


@dataclass(frozen=True)
class DemoPerson:
    email: str
    first_name: str
    last_name: str
    preferred_language: str = "fr"


@dataclass(frozen=True)
class DemoOrganization:
    name: str
    neq: str
    region: str
    street_address: str
    city: str
    postal_code: str
    incorporated_on: date
    mission: str
    representative: DemoPerson
    members: tuple[DemoPerson, ...] = ()


@dataclass(frozen=True)
class DemoApplication:
    """One demo file and the state it is brought to. Amounts are in dollars, by project year and category code."""

    organization_neq: str
    state: ApplicationState
    project: dict[str, str]
    clienteles: tuple[str, ...] = ()
    regions: tuple[str, ...] = ()
    reach: str = ""
    starts_on: date | None = None
    ends_on: date | None = None
    # (title, start, end, activities)
    phases: tuple[tuple[str, date, date, str], ...] = ()
    expenses: dict[int, dict[str, Decimal]] = field(default_factory=dict)
    # (kind, source, project year, amount, confirmed)
    revenues: tuple[tuple[str, str, int, Decimal, bool], ...] = ()
    attachments: bool = True
    support_letters: tuple[str, ...] = ()
    # (question kind, position, answer, comment), saved once the officer takes the file in charge.
    screening: tuple[tuple[str, int, str, str], ...] = ()
    # (sections reopened, missing items), and the project fields the organization changes in its reply.
    information_request: tuple[tuple[str, ...], str] | None = None
    reply_project: dict[str, str] = field(default_factory=dict)
    inadmissibility: tuple[str, str] | None = None
    withdrawal_reason: str = ""


def money(value: str) -> Decimal:
    return Decimal(value)


def all_questions(answer: str) -> tuple[tuple[str, int, str, str], ...]:
    """Answer every screening question of the demo call (4 of receivability, 6 of eligibility) with `answer`."""
    return tuple((RECEIVABILITY, position, answer, "") for position in range(4)) + tuple(
        (ELIGIBILITY, position, answer, "") for position in range(6)
    )


DEMO_ORGANIZATIONS = [
    DemoOrganization(
        name="Maison des jeunes L’Envolée de Sherbrooke",
        neq="1143457812",
        region="05",
        street_address="1255, rue King Ouest",
        city="Sherbrooke",
        postal_code="J1H 1R4",
        incorporated_on=date(2004, 3, 22),
        mission="Offrir aux adolescents de 12 à 17 ans de Sherbrooke un lieu de rencontre animé où ils deviennent "
        "des citoyens critiques, actifs et responsables, accompagnés par des adultes significatifs.",
        representative=DemoPerson("melanie.girard@demo.qc.ca", "Mélanie", "Girard"),
    ),
    DemoOrganization(
        name="Association Vieillir en sécurité Saguenay–Lac-Saint-Jean",
        neq="1145521096",
        region="02",
        street_address="475, boulevard Talbot",
        city="Saguenay",
        postal_code="G7H 4A3",
        incorporated_on=date(2011, 10, 4),
        mission="Promouvoir la sécurité, la dignité et la participation sociale des personnes aînées de la région, "
        "et prévenir la maltraitance et l’intimidation dans leurs milieux de vie.",
        representative=DemoPerson("gilles.simard@demo.qc.ca", "Gilles", "Simard"),
    ),
    DemoOrganization(
        name="Sport inclusif Laval",
        neq="1146638247",
        region="13",
        street_address="3235, boulevard Saint-Martin Est",
        city="Laval",
        postal_code="H7E 5G8",
        incorporated_on=date(2016, 2, 15),
        mission="Rendre le sport amateur lavallois accueillant pour les personnes de la diversité sexuelle et de "
        "genre, par la formation, la sensibilisation et l’accompagnement des clubs.",
        # An English-speaking representative shows e-mails in both languages, next to French letters.
        representative=DemoPerson("daniel.hughes@demo.qc.ca", "Daniel", "Hughes", preferred_language="en"),
    ),
    DemoOrganization(
        name="Milieux de travail sans intimidation Outaouais",
        neq="1147012359",
        region="07",
        street_address="115, boulevard Sacré-Cœur",
        city="Gatineau",
        postal_code="J8X 1C5",
        # Less than two years of activity at the deadline of the call: this file is declared inadmissible.
        incorporated_on=date(2025, 6, 10),
        mission="Aider les petites entreprises et les organismes de l’Outaouais à prévenir l’intimidation et le "
        "harcèlement psychologique au travail.",
        representative=DemoPerson("amelie.lafleur@demo.qc.ca", "Amélie", "Lafleur"),
    ),
    DemoOrganization(
        name="Carrefour communautaire Nikan",
        neq="1148290634",
        region="09",
        street_address="690, avenue Brochu",
        city="Sept-Îles",
        postal_code="G4R 2X5",
        incorporated_on=date(2008, 8, 19),
        mission="Offrir aux jeunes et aux familles des Premières Nations de la région de Sept-Îles un milieu de vie, "
        "des services d’accompagnement et des activités qui renforcent l’identité culturelle.",
        representative=DemoPerson("marie-eve.fontaine@demo.qc.ca", "Marie-Ève", "Fontaine"),
        members=(DemoPerson("samuel.jourdain@demo.qc.ca", "Samuel", "Jourdain"),),
    ),
    DemoOrganization(
        name="Entraide familles Joliette",
        neq="1144873205",
        region="14",
        street_address="200, rue De Salaberry",
        city="Joliette",
        postal_code="J6E 4G1",
        incorporated_on=date(1998, 5, 6),
        mission="Soutenir les parents de la MRC de Joliette dans leur rôle, par des ateliers, de l’écoute et des "
        "activités familles-enfants.",
        representative=DemoPerson("patrick.levesque@demo.qc.ca", "Patrick", "Lévesque"),
    ),
]


DEMO_APPLICATIONS = [
    DemoApplication(
        organization_neq=ROSEMONT_NEQ,
        state=ApplicationState.DRAFT,
        # A draft in progress: its budget and documents sections stay empty, to be filled in when trying the form.
        project={
            "title": "Zone sûre : prévenir l’intimidation dans les lieux de loisirs de Rosemont",
            "summary": "Former les animatrices et animateurs des parcs, de la maison des jeunes et du centre de "
            "loisirs de Rosemont pour que les 12 à 17 ans trouvent dans le quartier des lieux de loisirs sans "
            "intimidation.",
            "objectives": "1. Former 45 animatrices et animateurs de loisirs du quartier à reconnaître "
            "l’intimidation et à intervenir.\n2. Tenir des activités de sensibilisation conçues avec les jeunes "
            "dans six lieux de loisirs.",
            "expected_impacts": "",
            "approach": "",
            "knowledge_base": "",
            "help_resources": "",
        },
        clienteles=("youth", "sport-recreation"),
        regions=("06",),
        reach="local",
        starts_on=date(2027, 9, 1),
        ends_on=date(2029, 8, 31),
        phases=(
            (
                "Formation des équipes d’animation",
                date(2027, 9, 1),
                date(2028, 1, 31),
                "Quatre demi-journées de formation pour les équipes des six lieux de loisirs.",
            ),
        ),
        attachments=False,
    ),
    DemoApplication(
        organization_neq="1143457812",
        state=ApplicationState.SUBMITTED,
        project={
            "title": "Ambassadeurs numériques : les élèves contre la cyberintimidation",
            "summary": "Former une équipe d’élèves ambassadeurs dans quatre écoles secondaires de Sherbrooke pour "
            "prévenir la cyberintimidation, repérer les situations à risque et diriger les victimes et les "
            "témoins vers l’aide disponible.",
            "objectives": "1. Former 60 élèves ambassadeurs de la 2e à la 5e secondaire aux bons réflexes en ligne "
            "et à l’intervention auprès des pairs.\n2. Joindre 2 400 élèves par des ateliers animés par les "
            "ambassadeurs.\n3. Outiller le personnel des quatre écoles pour recevoir les signalements des élèves.",
            "expected_impacts": "Plus de signalements de cyberintimidation faits au personnel scolaire, des élèves "
            "qui connaissent mieux les recours, et moins de victimisation répétée, mesurée par un sondage avant "
            "et après le projet. Les ambassadeurs formés restent une ressource dans leur école après le projet.",
            "approach": "Le projet repose sur l’éducation par les pairs : les jeunes écoutent davantage d’autres "
            "jeunes lorsqu’il est question de leur vie en ligne.\n\n"
            "De septembre à décembre, les intervenantes de la maison des jeunes recrutent et forment les "
            "ambassadeurs en six rencontres de deux heures : reconnaître la cyberintimidation, réagir en témoin, "
            "protéger ses comptes, accompagner une victime vers un adulte de confiance.\n\n"
            "De janvier à juin, les ambassadeurs animent en duo des ateliers de 60 minutes dans les classes de "
            "1re et 2e secondaire, avec le soutien d’une intervenante. Une campagne conçue par les élèves sur les "
            "réseaux sociaux accompagne les ateliers.\n\n"
            "Le personnel des écoles reçoit une formation de trois heures sur la réception d’un signalement et "
            "sur le plan de lutte contre l’intimidation et la violence de l’école.",
            "knowledge_base": "Le projet s’appuie sur les recherches sur l’éducation par les pairs en milieu "
            "scolaire, sur les enquêtes québécoises qui documentent la cyberintimidation vécue par les élèves du "
            "secondaire, et sur des contenus d’éducation aux médias déjà validés auprès des adolescents.",
            "help_resources": "Chaque atelier se termine par la présentation de Tel-jeunes, de Jeunesse, J’écoute "
            "et de l’intervenante de l’école. Les ambassadeurs n’interviennent pas eux-mêmes : ils dirigent vers "
            "un adulte.",
        },
        clienteles=("youth", "school"),
        regions=("05",),
        reach="local",
        starts_on=date(2027, 7, 1),
        ends_on=date(2029, 6, 30),
        phases=(
            (
                "Recrutement et formation des ambassadeurs",
                date(2027, 7, 1),
                date(2027, 12, 20),
                "Entente avec les quatre écoles, recrutement des élèves, six rencontres de formation.",
            ),
            (
                "Ateliers en classe, première année",
                date(2028, 1, 8),
                date(2028, 6, 30),
                "Ateliers en duo dans les classes de 1re et 2e secondaire ; campagne sur les réseaux sociaux.",
            ),
            (
                "Ateliers en classe, deuxième année, et transfert aux écoles",
                date(2028, 9, 1),
                date(2029, 6, 30),
                "Nouvelle cohorte d’ambassadeurs, ateliers, formation du personnel et bilan avec les directions.",
            ),
        ),
        expenses={
            1: {
                "salaries": money("38000"),
                "fees-subcontracting": money("6000"),
                "materials": money("2500"),
                "promotion": money("3000"),
                "travel": money("1200"),
                "administration": money("3800"),
            },
            2: {
                "salaries": money("39000"),
                "fees-subcontracting": money("4000"),
                "materials": money("1500"),
                "promotion": money("2500"),
                "travel": money("1200"),
                "administration": money("3600"),
            },
        },
        revenues=(
            ("own", "Contribution de la maison des jeunes", 1, money("4500"), True),
            ("partner", "Ville de Sherbrooke", 1, money("3000"), False),
            ("own", "Contribution de la maison des jeunes", 2, money("4500"), True),
            ("partner", "Ville de Sherbrooke", 2, money("3000"), False),
        ),
        support_letters=("Lettre d’appui – Centre de services scolaire de la Région-de-Sherbrooke.pdf",),
    ),
    DemoApplication(
        organization_neq="1145521096",
        state=ApplicationState.SCREENING,
        project={
            "title": "Bien vivre ensemble en résidence : prévenir l’intimidation entre personnes aînées",
            "summary": "Dans douze résidences privées pour aînés de Saguenay, former des résidents sentinelles et le "
            "personnel pour prévenir l’intimidation entre résidents, en parler sans honte et diriger les "
            "personnes touchées vers l’aide.",
            "objectives": "1. Sensibiliser 600 résidents de douze résidences à l’intimidation entre pairs : "
            "exclusion, moqueries, commérages, pressions.\n2. Former 36 résidents sentinelles et 120 membres du "
            "personnel à reconnaître ces situations et à y réagir.\n3. Aider chaque résidence à adopter une "
            "démarche écrite de traitement des situations d’intimidation.",
            "expected_impacts": "Des résidents et un personnel qui nomment l’intimidation et savent quoi faire, des "
            "situations signalées plus tôt, et des milieux de vie où les résidents se sentent en sécurité. La "
            "démarche écrite et la trousse restent en place dans les résidences après le projet.",
            "approach": "Le projet se déroule en trois temps dans chaque résidence.\n\n"
            "D’abord, un café-rencontre ouvert à tous les résidents présente, par de courtes mises en situation "
            "jouées par une troupe de théâtre d’aînés, ce qu’est l’intimidation entre résidents et ce qui la "
            "distingue d’un simple conflit.\n\n"
            "Ensuite, des résidents volontaires deviennent sentinelles après une formation de quatre rencontres : "
            "écouter, rassurer, encourager la personne à demander de l’aide et savoir vers qui la diriger. Le "
            "personnel reçoit une formation de deux heures adaptée aux quarts de travail.\n\n"
            "Enfin, l’association accompagne la direction de chaque résidence dans la rédaction d’une démarche "
            "de traitement des situations, inspirée des politiques de lutte contre la maltraitance.",
            "knowledge_base": "Le projet s’appuie sur les recherches sur l’intimidation entre personnes aînées en "
            "milieu d’hébergement, sur l’expérience des réseaux de sentinelles en matière de maltraitance envers "
            "les aînés, et sur un sondage mené en 2026 par l’association auprès de 210 résidents de la région.",
            "help_resources": "Ligne Aide Abus Aînés, centres d’assistance et d’accompagnement aux plaintes (CAAP), "
            "travailleuses sociales du CIUSSS et commissaire aux plaintes. Chaque résident reçoit un aide-mémoire "
            "en gros caractères qui présente ces ressources.",
        },
        clienteles=("seniors",),
        regions=("02",),
        reach="regional",
        starts_on=date(2027, 9, 1),
        ends_on=date(2030, 8, 31),
        phases=(
            (
                "Recrutement des résidences et préparation",
                date(2027, 9, 1),
                date(2027, 12, 31),
                "Ententes avec douze résidences, adaptation de la trousse, répétitions de la troupe de théâtre.",
            ),
            (
                "Cafés-rencontres et formation des sentinelles",
                date(2028, 1, 1),
                date(2029, 6, 30),
                "Un café-rencontre et une cohorte de sentinelles par résidence ; formation du personnel.",
            ),
            (
                "Démarches écrites et bilan",
                date(2029, 7, 1),
                date(2030, 8, 31),
                "Accompagnement des directions, rencontres de suivi des sentinelles, bilan régional.",
            ),
        ),
        expenses={
            year: {
                "salaries": money("35000") if year < 3 else money("30000"),
                "fees-subcontracting": money("5000"),
                "materials": money("2000"),
                "promotion": money("1500"),
                "travel": money("2500"),
                "administration": money("3500"),
            }
            for year in (1, 2, 3)
        },
        revenues=tuple(
            revenue
            for year in (1, 2, 3)
            for revenue in (
                ("own", "Contribution de l’association", year, money("3000"), True),
                ("in_kind", "Prêt de salles par les résidences partenaires", year, money("2500"), True),
            )
        ),
        support_letters=("Lettre d’appui – Regroupement des résidences du Saguenay.pdf",),
        information_request=(
            (Section.PROJECT,),
            "Préciser comment les résidents sentinelles dirigeront les personnes vers les ressources d’aide, et "
            "les limites de leur rôle.",
        ),
        reply_project={
            "help_resources": "Ligne Aide Abus Aînés, centres d’assistance et d’accompagnement aux plaintes (CAAP), "
            "travailleuses sociales du CIUSSS et commissaire aux plaintes. Chaque résident reçoit un aide-mémoire "
            "en gros caractères qui présente ces ressources.\n\n"
            "Les sentinelles ne règlent pas elles-mêmes les situations : elles écoutent, puis dirigent la personne "
            "vers ces ressources ou vers la personne responsable désignée par la résidence. Une intervenante de "
            "l’association les rencontre chaque mois pour faire le point.",
        },
        screening=(
            (RECEIVABILITY, 0, YES, ""),
            (RECEIVABILITY, 1, YES, ""),
            (RECEIVABILITY, 2, YES, "Résolution adoptée le 18 novembre 2026."),
            (ELIGIBILITY, 0, YES, ""),
        ),
    ),
    DemoApplication(
        organization_neq="1146638247",
        state=ApplicationState.INCOMPLETE,
        project={
            "title": "Vestiaires sans préjugés : contrer l’homophobie et la transphobie dans le sport amateur",
            "summary": "Former les entraîneurs, les arbitres et les jeunes athlètes de huit clubs lavallois de "
            "soccer, de hockey et de natation pour prévenir l’intimidation homophobe et transphobe dans les "
            "vestiaires, sur le terrain et en ligne.",
            "objectives": "1. Former 150 entraîneurs et arbitres à intervenir devant un propos ou un geste "
            "homophobe ou transphobe.\n2. Joindre 1 200 athlètes de 12 à 17 ans par des ateliers d’équipe.\n"
            "3. Faire adopter par chaque club un code de conduite inclusif et une façon simple de signaler une "
            "situation.",
            "expected_impacts": "Des clubs où les propos homophobes ne sont plus banalisés, des entraîneurs qui "
            "interviennent, et des jeunes LGBTQ+ qui restent dans leur sport. Les codes de conduite et la "
            "formation en ligne des entraîneurs resteront offerts aux clubs de la région après le projet.",
            "approach": "La première année, des formateurs spécialisés en diversité sexuelle et de genre donnent "
            "aux entraîneurs et aux arbitres une formation de trois heures, suivie de capsules de rappel en "
            "ligne.\n\n"
            "Les ateliers d’équipe, de 45 minutes avant un entraînement, sont animés par un intervenant de "
            "l’organisme et un athlète ambassadeur. Ils portent sur les mots qui blessent, le rôle des "
            "coéquipiers témoins et les recours.\n\n"
            "La deuxième année, l’organisme accompagne le conseil d’administration de chaque club dans l’adoption "
            "d’un code de conduite et d’un mécanisme de signalement, et forme des entraîneurs relais qui "
            "poursuivront les ateliers.",
            "knowledge_base": "Le projet s’appuie sur les recherches canadiennes sur l’homophobie dans le sport chez "
            "les jeunes athlètes, et sur l’expérience de l’organisme, qui anime depuis 2016 des ateliers dans les "
            "écoles et les clubs de Laval.",
            "help_resources": "Interligne, la ligne d’écoute pour les personnes LGBTQ+, Tel-jeunes et Sport’Aide, "
            "le service d’accompagnement des jeunes sportifs victimes de violence. Leurs coordonnées figurent sur "
            "une affiche installée dans chaque vestiaire.",
        },
        clienteles=("sexual-gender-diversity", "youth", "sport-recreation"),
        regions=("13",),
        reach="regional",
        starts_on=date(2027, 8, 15),
        ends_on=date(2029, 8, 14),
        phases=(
            (
                "Formation des entraîneurs et des arbitres",
                date(2027, 8, 15),
                date(2028, 1, 31),
                "Formation de trois heures dans chacun des huit clubs ; capsules de rappel en ligne.",
            ),
            (
                "Ateliers d’équipe",
                date(2028, 2, 1),
                date(2029, 3, 31),
                "Ateliers de 45 minutes avec un athlète ambassadeur, dans toutes les équipes de 12 à 17 ans.",
            ),
            (
                "Codes de conduite et entraîneurs relais",
                date(2028, 9, 1),
                date(2029, 8, 14),
                "Accompagnement des conseils d’administration ; formation des entraîneurs relais ; bilan.",
            ),
        ),
        expenses={
            1: {
                "salaries": money("30000"),
                "fees-subcontracting": money("12000"),
                "materials": money("3000"),
                "promotion": money("4000"),
                "travel": money("1000"),
                "administration": money("3000"),
            },
            2: {
                "salaries": money("32000"),
                "fees-subcontracting": money("8000"),
                "materials": money("1500"),
                "promotion": money("3000"),
                "travel": money("1000"),
                "administration": money("3000"),
            },
        },
        revenues=(
            ("own", "Contribution de Sport inclusif Laval", 1, money("3000"), True),
            ("partner", "Ville de Laval", 1, money("5000"), True),
            ("own", "Contribution de Sport inclusif Laval", 2, money("3000"), True),
            ("partner", "Ville de Laval", 2, money("5000"), True),
        ),
        screening=(
            (RECEIVABILITY, 0, YES, ""),
            (RECEIVABILITY, 1, YES, ""),
            (RECEIVABILITY, 3, YES, "Équilibré ; honoraires à documenter."),
            (ELIGIBILITY, 0, YES, ""),
        ),
        information_request=(
            (Section.BUDGET, Section.DOCUMENTS),
            "1. Les honoraires de formateurs de 12 000 $ prévus en première année ne sont pas détaillés : joindre "
            "la soumission des formateurs ou préciser le nombre d’heures et le tarif horaire.\n"
            "2. La contribution de la Ville de Laval (5 000 $ par année) est inscrite comme confirmée : joindre la "
            "lettre d’engagement de la Ville.",
        ),
    ),
    DemoApplication(
        organization_neq="1147012359",
        state=ApplicationState.INADMISSIBLE,
        project={
            "title": "Respect au travail : prévenir l’intimidation dans les petites entreprises de l’Outaouais",
            "summary": "Offrir aux gestionnaires et aux employés de 40 petites entreprises de Gatineau des ateliers "
            "et un accompagnement pour prévenir l’intimidation et le harcèlement psychologique au travail.",
            "objectives": "1. Former 80 gestionnaires de petites entreprises à reconnaître l’intimidation et à y "
            "réagir.\n2. Tenir 40 ateliers auprès des équipes de travail.\n3. Aider chaque entreprise participante "
            "à se doter d’une politique de prévention et de traitement des plaintes.",
            "expected_impacts": "Des gestionnaires qui interviennent tôt, des employés qui savent où signaler une "
            "situation, et des politiques de prévention en place dans les entreprises participantes.",
            "approach": "Chaque entreprise reçoit un atelier de trois heures pour ses gestionnaires, puis un atelier "
            "de 90 minutes pour son équipe, fondé sur des situations vécues dans de petits milieux de travail.\n\n"
            "Une conseillère de l’organisme accompagne ensuite l’entreprise dans la rédaction de sa politique, à "
            "partir d’un modèle adapté aux entreprises de moins de 50 employés.",
            "knowledge_base": "Le projet s’appuie sur les obligations de prévention du harcèlement psychologique de "
            "la Loi sur les normes du travail, sur les outils publiés par la CNESST et sur les recherches sur "
            "l’intimidation en milieu de travail.",
            "help_resources": "Programmes d’aide aux employés, CNESST, centres de crise de l’Outaouais et "
            "811 Info-Social.",
        },
        clienteles=("general-population",),
        regions=("07",),
        reach="local",
        starts_on=date(2027, 7, 1),
        ends_on=date(2028, 6, 30),
        phases=(
            (
                "Recrutement des entreprises",
                date(2027, 7, 1),
                date(2027, 9, 30),
                "Présentation du projet aux chambres de commerce et recrutement de 40 entreprises.",
            ),
            (
                "Ateliers et accompagnement",
                date(2027, 10, 1),
                date(2028, 6, 30),
                "Ateliers des gestionnaires et des équipes ; rédaction des politiques ; bilan.",
            ),
        ),
        expenses={
            1: {
                "salaries": money("28000"),
                "fees-subcontracting": money("10000"),
                "materials": money("1500"),
                "promotion": money("3500"),
                "travel": money("1500"),
                "administration": money("3000"),
            },
        },
        revenues=(("own", "Contribution de l’organisme", 1, money("2500"), True),),
        screening=(
            (RECEIVABILITY, 0, YES, ""),
            (RECEIVABILITY, 1, YES, ""),
            (RECEIVABILITY, 2, YES, ""),
            (RECEIVABILITY, 3, YES, ""),
            (ELIGIBILITY, 0, YES, ""),
            (ELIGIBILITY, 1, NO, "Constitué le 10 juin 2025 : moins de deux ans d’activité à la date limite."),
        ),
        inadmissibility=(
            InadmissibilityReason.APPLICANT_NOT_ELIGIBLE,
            "L’organisme a été constitué le 10 juin 2025. À la date limite de l’appel de projets, le 15 mars 2027, "
            "il comptait donc moins de deux ans d’activité, alors que le programme exige au moins deux ans "
            "d’activité.",
        ),
    ),
    DemoApplication(
        organization_neq="1148290634",
        state=ApplicationState.UNDER_REVIEW,
        project={
            "title": "Nikan : cercles de parole contre l’intimidation chez les jeunes des Premières Nations",
            "summary": "Avec des aînés et des intervenants innus, tenir des cercles de parole et des activités "
            "culturelles pour prévenir l’intimidation que vivent les jeunes autochtones de la région de "
            "Sept-Îles, à l’école comme en ligne, et renforcer leur fierté culturelle.",
            "objectives": "1. Tenir 60 cercles de parole animés par des aînés et des intervenants auprès de 300 "
            "jeunes de 10 à 17 ans.\n2. Former 40 intervenants scolaires allochtones à la sécurisation culturelle "
            "et à l’intimidation que vivent les jeunes autochtones.\n3. Produire avec les jeunes des capsules "
            "vidéo en innu-aimun et en français, diffusées dans les écoles et sur les réseaux sociaux.",
            "expected_impacts": "Des jeunes qui nomment l’intimidation et le racisme qu’ils vivent et savent à qui "
            "en parler, des intervenants scolaires qui reconnaissent ces situations et y répondent de façon "
            "culturellement sécurisante, et des liens renforcés entre les aînés et les jeunes.",
            "approach": "Le projet a été conçu avec le conseil des aînés et les jeunes du Carrefour.\n\n"
            "Les cercles de parole suivent les protocoles traditionnels : ouverture par un aîné, partage de la "
            "parole, fermeture. Ils abordent l’intimidation entre jeunes, le racisme à l’école et en ligne, et "
            "les façons de s’entraider.\n\n"
            "Des activités sur le territoire (pêche, artisanat, contes) complètent les cercles, parce que la "
            "fierté culturelle aide les jeunes à faire face à l’intimidation.\n\n"
            "Les intervenants des écoles de Sept-Îles reçoivent une formation d’une journée donnée par un "
            "formateur innu et une intervenante du Carrefour.",
            "knowledge_base": "Le projet s’appuie sur les travaux sur la sécurisation culturelle dans les services "
            "aux Autochtones, sur les recommandations de la Commission d’enquête sur les relations entre les "
            "Autochtones et certains services publics au Québec, et sur le savoir des aînés, reconnu comme une "
            "source de connaissances à part entière.",
            "help_resources": "Intervenants psychosociaux des centres de santé des communautés, Tel-jeunes et Ligne "
            "d’écoute d’espoir pour le mieux-être. Un aîné ou une intervenante reste disponible après chaque "
            "cercle pour les jeunes qui veulent parler en privé.",
        },
        clienteles=("indigenous-peoples", "youth"),
        regions=("09",),
        reach="regional",
        starts_on=date(2027, 7, 1),
        ends_on=date(2030, 6, 30),
        phases=(
            (
                "Préparation avec le conseil des aînés",
                date(2027, 7, 1),
                date(2027, 10, 31),
                "Choix des thèmes, formation des animateurs de cercles, ententes avec les écoles.",
            ),
            (
                "Cercles de parole et activités sur le territoire",
                date(2027, 11, 1),
                date(2030, 3, 31),
                "Deux cercles par mois pendant l’année scolaire ; activités culturelles chaque saison.",
            ),
            (
                "Capsules vidéo et formation des intervenants scolaires",
                date(2028, 9, 1),
                date(2030, 6, 30),
                "Ateliers de création vidéo avec les jeunes ; une journée de formation par école ; bilan.",
            ),
        ),
        expenses={
            year: {
                "salaries": money("32000") if year < 3 else money("30000"),
                "fees-subcontracting": money("6000"),
                "materials": money("3000") if year < 3 else money("1000"),
                "promotion": money("1500"),
                "travel": money("6000"),
                "administration": money("3500"),
            }
            for year in (1, 2, 3)
        },
        revenues=tuple(
            revenue
            for year in (1, 2, 3)
            for revenue in (
                ("own", "Contribution du Carrefour", year, money("2000"), True),
                ("in_kind", "Conseil de bande : prêt de locaux et transport", year, money("4000"), True),
            )
        ),
        support_letters=(
            "Lettre d’appui – Conseil des aînés.pdf",
            "Lettre d’appui – Centre de services scolaire du Fer.pdf",
        ),
        screening=all_questions(YES),
    ),
    DemoApplication(
        organization_neq="1144873205",
        state=ApplicationState.WITHDRAWN,
        project={
            "title": "Parents alliés : prévenir l’intimidation dès le primaire",
            "summary": "Outiller les parents d’enfants de 6 à 12 ans de la MRC de Joliette pour reconnaître "
            "l’intimidation, en parler avec leur enfant et collaborer avec l’école.",
            "objectives": "1. Tenir 24 ateliers pour 300 parents.\n2. Produire un guide pour les parents.\n"
            "3. Créer un comité école-famille dans trois écoles primaires.",
            "expected_impacts": "Des parents qui reconnaissent les signes de l’intimidation, des enfants qui en "
            "parlent plus tôt, et une meilleure collaboration entre les familles et les écoles.",
            "approach": "Des ateliers en soirée de deux heures, offerts dans les écoles et à la maison de la famille, "
            "avec une halte-garderie. Les parents repartent avec un guide et des mises en situation à discuter "
            "avec leur enfant.",
            "knowledge_base": "Le projet s’appuie sur les recherches sur le rôle des parents dans la prévention de "
            "l’intimidation au primaire et sur l’expérience des ateliers parents-enfants de l’organisme.",
            "help_resources": "Ligne Parents, Tel-jeunes, la direction et les professionnels de l’école, et le "
            "CLSC de Joliette.",
        },
        clienteles=("youth", "school"),
        regions=("14",),
        reach="local",
        starts_on=date(2027, 9, 1),
        ends_on=date(2028, 8, 31),
        phases=(
            (
                "Ateliers pour les parents",
                date(2027, 9, 1),
                date(2028, 6, 30),
                "24 ateliers en soirée dans trois écoles et à la maison de la famille.",
            ),
        ),
        expenses={
            1: {
                "salaries": money("25000"),
                "fees-subcontracting": money("3000"),
                "materials": money("2000"),
                "promotion": money("1500"),
                "travel": money("800"),
                "administration": money("2500"),
            },
        },
        revenues=(("own", "Contribution d’Entraide familles Joliette", 1, money("1800"), True),),
        withdrawal_reason="Notre principale école partenaire s’est retirée du projet. Nous retirons la demande et "
        "présenterons un projet revu lors d’un prochain appel.",
    ),
]


# --- Attachments ------------------------------------------------------------------------------------


def _pdf_literal(text: str) -> bytes:
    # WinAnsiEncoding is Windows-1252, which covers French; any other character becomes « ? ».
    raw = text.encode("cp1252", errors="replace")
    return b"(" + raw.replace(b"\\", b"\\\\").replace(b"(", b"\\(").replace(b")", b"\\)") + b")"


def demo_pdf(*, title: str, lines: Sequence[str]) -> bytes:
    """Build a one-page Letter PDF that shows `title` and `lines` in Helvetica, as a demo attachment."""
    commands = [b"BT", b"/F1 15 Tf", b"72 716 Td", _pdf_literal(title) + b" Tj", b"/F1 11 Tf", b"0 -30 Td"]
    for line in lines:
        for part in textwrap.wrap(line, width=88) or [""]:
            commands += [_pdf_literal(part) + b" Tj", b"0 -16 Td"]
    commands.append(b"ET")
    content = b"\n".join(commands)
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Resources << /Font << /F1 4 0 R >> >> "
        b"/Contents 5 0 R >>",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>",
        b"<< /Length %d >>\nstream\n%s\nendstream" % (len(content), content),
    ]
    # The cross-reference table needs the byte offset of every object, so the file is assembled in order.
    pdf = bytearray(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(pdf))
        pdf += b"%d 0 obj\n%s\nendobj\n" % (number, body)
    xref_offset = len(pdf)
    pdf += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    for offset in offsets:
        pdf += b"%010d 00000 n \n" % offset
    pdf += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref_offset)
    return bytes(pdf)


def _attach(*, application: Application, actor: User, code: str, filename: str) -> None:
    document_type = DocumentType.objects.get(code=code)
    organization = application.organization
    content = demo_pdf(
        title=document_type.name_fr,
        lines=[
            f"{organization.name} (NEQ {organization.neq})",
            f"{organization.street_address}, {organization.city} (Québec) {organization.postal_code}",
            "",
            "Document de démonstration du service Ensemble contre l’intimidation : il n’a aucune valeur officielle.",
        ],
    )
    upload = SimpleUploadedFile(filename, content, content_type="application/pdf")
    services.add_attachment(application=application, actor=actor, document_type=document_type, upload=upload)


# --- Building the files -----------------------------------------------------------------------------


def _demo_user(person: DemoPerson) -> User:
    user = User.objects.filter(email=person.email).first()
    if user is None:
        user = User.objects.create_user(
            email=person.email,
            password=DEMO_PASSWORD,
            first_name=person.first_name,
            last_name=person.last_name,
            preferred_language=person.preferred_language,
            email_verified_at=timezone.now(),
        )
    return user


def _demo_organization(data: DemoOrganization) -> Organization:
    organization = Organization.objects.filter(neq=data.neq).first()
    if organization is not None:
        return organization
    representative = _demo_user(data.representative)
    organization = create_organization(
        actor=representative,
        name=data.name,
        neq=data.neq,
        legal_form="non_profit",
        region=data.region,
        street_address=data.street_address,
        city=data.city,
        postal_code=data.postal_code,
        incorporated_on=data.incorporated_on,
        mission=data.mission,
    )
    for person in data.members:
        invitation = invite_member(organization=organization, actor=representative, email=person.email)
        accept_invitation(invitation=invitation, user=_demo_user(person))
    return organization


def _open_draft(*, call: Call, organization: Organization, representative: User, officer: User) -> Application:
    """Start the draft; once the call no longer accepts files, start it anyway and have the officer extend it."""
    if call.is_accepting():
        return services.start_application(call=call, organization=organization, actor=representative)

    # start_application rejects a call past its deadline. A late file is a draft with an officer's extension,
    # so the demo writes the draft and its history entry as start_application does, then extends it.
    application = Application.objects.create(
        call=call,
        organization=organization,
        created_by=representative,
        search_text=search_key(organization.name),
    )
    record_transition(
        subject=application,
        transition="applications.application.created",
        source="",
        target=application.state,
        actor=representative,
    )
    return services.grant_extension(
        application=application,
        actor=officer,
        until=timezone.now() + timedelta(days=EXTENSION_DAYS),
        reason="Dossier de démonstration créé après la date limite de l’appel de projets.",
    )


def _fill(*, application: Application, spec: DemoApplication, actor: User) -> Application:
    """Fill the sections of the form that `spec` gives, in the order of the form."""
    application = services.confirm_organization(application=application, actor=actor)
    application = services.save_project(application=application, actor=actor, data=spec.project)
    if spec.clienteles or spec.regions or spec.reach:
        application = services.save_clienteles(
            application=application,
            actor=actor,
            clienteles=Clientele.objects.filter(code__in=spec.clienteles),
            regions=list(spec.regions),
            reach=spec.reach,
        )
    if spec.starts_on and spec.ends_on:
        application = services.save_calendar(
            application=application,
            actor=actor,
            starts_on=spec.starts_on,
            ends_on=spec.ends_on,
            phases=[
                {"title": title, "starts_on": starts_on, "ends_on": ends_on, "activities": activities}
                for title, starts_on, ends_on, activities in spec.phases
            ],
        )
    if spec.expenses:
        application = _fill_budget(application=application, spec=spec, actor=actor)
    if spec.attachments:
        for code, filename in REQUIRED_ATTACHMENTS:
            _attach(application=application, actor=actor, code=code, filename=filename)
        for filename in spec.support_letters:
            _attach(application=application, actor=actor, code="support-letter", filename=filename)
    return application


def _fill_budget(*, application: Application, spec: DemoApplication, actor: User) -> Application:
    """Save the expenses and revenues, and request what the revenues leave, so that every year balances."""
    categories = {category.code: category for category in ExpenseCategory.objects.all()}
    expenses = {
        (year, categories[code].pk): amount
        for year, by_category in spec.expenses.items()
        for code, amount in by_category.items()
    }
    requested = {}
    for year, by_category in spec.expenses.items():
        year_revenues = sum((revenue[3] for revenue in spec.revenues if revenue[2] == year), Decimal(0))
        requested[year] = sum(by_category.values(), Decimal(0)) - year_revenues
    subcontracting_codes = {code for code, category in categories.items() if category.is_subcontracting}
    subcontracting = sum(
        (
            amount
            for by_category in spec.expenses.values()
            for code, amount in by_category.items()
            if code in subcontracting_codes
        ),
        Decimal(0),
    )
    application = services.save_budget(
        application=application, actor=actor, expenses=expenses, requested=requested, subcontracting=subcontracting
    )
    return services.save_revenues(
        application=application,
        actor=actor,
        revenues=[
            {"kind": kind, "source": source, "project_year": year, "amount": amount, "is_confirmed": confirmed}
            for kind, source, year, amount, confirmed in spec.revenues
        ],
    )


def _screen(*, application: Application, spec: DemoApplication, officer: User) -> None:
    if not spec.screening:
        return
    questions = {
        (question.kind, question.position): question.pk for question in application.call.screening_questions.all()
    }
    answers = {
        questions[(kind, position)]: (answer, comment)
        for kind, position, answer, comment in spec.screening
        if (kind, position) in questions
    }
    services.save_screening(application=application, actor=officer, answers=answers)


def _advance(*, application: Application, spec: DemoApplication, representative: User, officer: User) -> None:
    """Take a complete draft through the services to the state of `spec`."""
    services.submit_application(application=application, actor=representative)
    if spec.state == ApplicationState.SUBMITTED:
        return
    if spec.state == ApplicationState.WITHDRAWN:
        services.withdraw_application(application=application, actor=representative, reason=spec.withdrawal_reason)
        return

    services.take_charge(application=application, actor=officer)
    if spec.information_request is not None and spec.state == ApplicationState.INCOMPLETE:
        _screen(application=application, spec=spec, officer=officer)
        _request_information(application=application, spec=spec, officer=officer)
        return
    if spec.information_request is not None:
        # The organization answered: it changed the reopened section and sent the file back to screening.
        _request_information(application=application, spec=spec, officer=officer)
        services.save_project(application=application, actor=representative, data=spec.project | spec.reply_project)
        services.resubmit_application(application=application, actor=representative)
    _screen(application=application, spec=spec, officer=officer)

    if spec.state == ApplicationState.INADMISSIBLE and spec.inadmissibility is not None:
        reason_code, details = spec.inadmissibility
        services.declare_inadmissible(application=application, actor=officer, reason_code=reason_code, details=details)
    elif spec.state == ApplicationState.UNDER_REVIEW:
        services.declare_receivable(application=application, actor=officer)


def _request_information(*, application: Application, spec: DemoApplication, officer: User) -> None:
    sections, items = spec.information_request
    services.request_information(
        application=application,
        actor=officer,
        sections=list(sections),
        items=items,
        respond_by=timezone.localdate() + timedelta(days=RESPONSE_DAYS),
    )


def _build(*, call: Call, spec: DemoApplication, officer: User) -> Application | None:
    organization = Organization.objects.get(neq=spec.organization_neq)
    if Application.objects.filter(call=call, organization=organization).exists():
        return None
    representative = organization.memberships.get(is_representative=True).user
    # One transaction per file: its PDFs and e-mails go out when it commits, and a failure leaves no half file.
    with transaction.atomic():
        application = _open_draft(call=call, organization=organization, representative=representative, officer=officer)
        application = _fill(application=application, spec=spec, actor=representative)
        if spec.state != ApplicationState.DRAFT:
            _advance(application=application, spec=spec, representative=representative, officer=officer)
    application.refresh_from_db()
    if application.state != spec.state:
        raise DemoSetupError(f"Demo file of {organization.name} ended in state {application.state}, not {spec.state}.")
    return application


def load_demo_applications() -> list[Application]:
    """Create the demo organizations and their files unless they exist; return the files created now."""
    call = Call.objects.filter(code=DEMO_CALL_CODE).first()
    if call is None:
        raise DemoSetupError(f"The call {DEMO_CALL_CODE} does not exist: run `manage.py load_program` first.")
    officer = User.objects.filter(email=OFFICER_EMAIL).first()
    if officer is None or not Organization.objects.filter(neq=ROSEMONT_NEQ).exists():
        raise DemoSetupError("The demo logins do not exist: run `manage.py load_demo` first.")

    for data in DEMO_ORGANIZATIONS:
        with transaction.atomic():
            _demo_organization(data)

    created = []
    for spec in DEMO_APPLICATIONS:
        application = _build(call=call, spec=spec, officer=officer)
        if application is not None:
            created.append(application)
    return created
