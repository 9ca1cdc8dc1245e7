"""Demo prize editions for `make run`: the 2025 edition with its results announced, and the 2027 edition open.

Everything goes through awards.services, as the screens would do it, so that each nomination has a real
history and its e-mails. Two things have no service and are set as the admin site sets them: the jury of an
edition (a rule of the edition, fixed before nominations open) and the due dates of the jury's rounds.

- 2025: 13 nominations in Individu, Organisation and Éducation are screened, and the 12 eligible ones are
  scored in round 1 by five jurors, one of whom declares a conflict of interest. Each category has three
  finalists and, after the final vote, a laureate. The minister's Coup de cœur is chosen, and the results
  are validated and announced. One nominee refused consent and is never named.
- 2027: nominations open now, with one in every state a nomination reaches before the jury: draft, submitted
  awaiting the nominee's consent, submitted with consent (and one with consent refused), incomplete, eligible,
  ineligible, and withdrawn because the nominee withdrew consent.

The 2025 edition cannot be built with past dates only. open_nominations checks the deadline against the real
clock and start_nomination checks the whole window against it, so the deadline of the 2025 edition is the
time of the first run plus PAST_CLOSE_DELAY. Submissions and the closing of nominations pass 2025 dates
through their `now` argument. Every other timestamp (consent, screening, votes, announcement) is the time
of the run.

The consent link carries a token that the database stores only as a hash, so the demo reads it from the
e-mail sent to the nominee (RecordingEmailBackend). That e-mail goes out when the submission commits, so the
demo must run outside a database transaction.

It runs after `load_program` and `load_demo`. Each edition moves forward from the state it is in, and a
nomination that already exists is left as it is, so running it twice changes nothing.
"""

from __future__ import annotations

import json
import re
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.mail import EmailMessage, get_connection
from django.core.mail.backends.base import BaseEmailBackend
from django.db import transaction
from django.test.utils import override_settings
from django.utils import timezone

from accounts.demo import DEMO_PASSWORD
from accounts.models import User
from applications.demo import DemoPerson, DemoSetupError, demo_pdf
from awards import services
from awards.links import consent_path
from awards.models import (
    Ballot,
    Category,
    ConsentStatus,
    DocumentKind,
    EditionState,
    JurorConflict,
    JuryMembership,
    Nomination,
    NominationState,
    PrizeCriterion,
    PrizeEdition,
    ResultOutcome,
)
from grants.loading import DEFAULT_PROGRAM_FILE
from grants.models import Program

MONTREAL = ZoneInfo("America/Montreal")
PAST_YEAR = 2025
CURRENT_YEAR = 2027
MANAGER_EMAIL = "gestionnaire@demo.qc.ca"
OFFICER_EMAIL = "conseillere@demo.qc.ca"
# The jurors of both demo editions, created by load_demo. The first one presides.
JUROR_EMAILS = ("jury@demo.qc.ca", "jury2@demo.qc.ca", "jury3@demo.qc.ca", "jury4@demo.qc.ca", "jury5@demo.qc.ca")
# Nominators that load_demo creates: the nominator login, and the representative of « Carrefour jeunesse Rosemont ».
NOMINATOR_EMAIL = "proposeur@demo.qc.ca"
REPRESENTATIVE_EMAIL = "mandataire@demo.qc.ca"
# Nominators that only this module uses.
DEMO_NOMINATORS = [
    DemoPerson("genevieve.poirier@demo.qc.ca", "Geneviève", "Poirier"),
    DemoPerson("karine.dube@demo.qc.ca", "Karine", "Dubé"),
    DemoPerson("stephane.girard@demo.qc.ca", "Stéphane", "Girard"),
    DemoPerson("nadia.belanger@demo.qc.ca", "Nadia", "Bélanger"),
    DemoPerson("rachel.nguyen@demo.qc.ca", "Rachel", "Nguyen"),
]

PAST_OPENS_AT = datetime(2025, 3, 3, 9, 0, tzinfo=MONTREAL)
# The 2025 deadline must be after the run, because open_nominations and start_nomination use the real clock.
# NOTE: a first run that stops while it builds the 2025 nominations can be resumed only within this delay.
PAST_CLOSE_DELAY = timedelta(minutes=30)
# Round due dates must be after today when each round starts. Once the results are announced, the demo sets
# the dates the 2025 jury had.
ROUND1_DAYS = 14
FINAL_VOTE_DAYS = 28
PAST_ROUND1_DUE_ON = date(2025, 6, 13)
PAST_FINAL_VOTE_DUE_ON = date(2025, 8, 29)
# The 2027 window counts from the day of the run, so that nominations are open whenever the demo is loaded.
CURRENT_OPENED_DAYS_AGO = 21
CURRENT_CLOSES_IN_DAYS = 75
CURRENT_OPENING_TIME = time(9, 0)
CURRENT_CLOSING_TIME = time(16, 30)

# Round 1 sheets of the 2025 edition: each nomination has a base score out of 10, and each juror and criterion
# moves it by these amounts, so that the jurors disagree a little and the means stay far apart.
JUROR_OFFSETS = (Decimal("0"), Decimal("-0.5"), Decimal("0.5"), Decimal("0"), Decimal("-0.5"))
CRITERION_OFFSETS = (Decimal("0.5"), Decimal("0"), Decimal("-0.5"), Decimal("0"))


@dataclass(frozen=True)
class DemoNomination:
    """One demo nomination, what the nominator enters, and how far the demo takes it.

    `state` is the state the demo brings the nomination to before the jury: draft, submitted, incomplete,
    eligible, ineligible or withdrawn. `consent` is the nominee's ConsentStatus at the end.
    `letters` lists the signatory and the title of each support letter. `submitted_at` is a 2025 date for the
    past edition, and None (the time of the run) for the current one. `round1_base` is the score out of 10
    around which the jurors score an eligible nomination of the past edition.
    """

    category: str
    nominee_name: str
    nominee_email: str
    nominee_phone: str
    region: str
    nominator: str
    relationship: str
    actions: str
    reach: str
    people_reached: int | None
    letters: tuple[tuple[str, str], ...]
    state: str
    consent: str = ConsentStatus.NOT_REQUIRED
    nominee_organization: str = ""
    nominee_language: str = "fr"
    is_self_nomination: bool = False
    submitted_at: datetime | None = None
    completion_items: tuple[str, ...] = ()
    ineligibility_reason: str = ""
    consent_withdrawal_reason: str = ""
    round1_base: Decimal | None = None


def in_past_year(month: int, day: int, hour: int, minute: int) -> datetime:
    return datetime(PAST_YEAR, month, day, hour, minute, tzinfo=MONTREAL)


ELIGIBLE = NominationState.ELIGIBLE
INDIVIDU, ORGANISATION, EDUCATION = "individu", "organisation", "education"

PAST_NOMINATIONS = [
    # --- Individu: the nominee's consent is required.
    DemoNomination(
        category=INDIVIDU,
        nominee_name="Mélanie Caron",
        nominee_email="melanie.caron@demo.qc.ca",
        nominee_phone="819 555-0142",
        nominee_organization="Travail de rue Gatineau-Ouest",
        region="07",
        nominator=NOMINATOR_EMAIL,
        relationship="Collègue",
        actions="Depuis 2019, Mélanie Caron anime chaque semaine des ateliers sur la cyberintimidation dans les "
        "parcs et les maisons de jeunes du secteur Mont-Bleu. Elle a formé 15 jeunes ambassadeurs qui accompagnent "
        "les victimes vers les ressources d’aide, et organisé avec le service de police des soirées d’information "
        "pour les parents.",
        reach="Plus de 1 200 jeunes de 12 à 17 ans ont participé aux ateliers, et 300 parents aux soirées "
        "d’information. Les maisons de jeunes du secteur rapportent moins de conflits en ligne qui se poursuivent "
        "dans les lieux publics.",
        people_reached=1500,
        letters=(
            ("Julien Charbonneau", "directeur, Maison des jeunes du Plateau"),
            ("Isabelle Fortier", "agente sociocommunautaire, Service de police de la Ville de Gatineau"),
        ),
        state=ELIGIBLE,
        consent=ConsentStatus.GIVEN,
        submitted_at=in_past_year(3, 14, 11, 20),
        round1_base=Decimal("8.5"),
    ),
    DemoNomination(
        category=INDIVIDU,
        nominee_name="Jacques Lemieux",
        nominee_email="jacques.lemieux@demo.qc.ca",
        nominee_phone="418 555-0173",
        nominee_organization="Association du hockey mineur de Rimouski",
        region="01",
        nominator="genevieve.poirier@demo.qc.ca",
        relationship="Mère d’un joueur",
        actions="Entraîneur bénévole depuis douze ans, Jacques Lemieux a rédigé avec les joueurs un code de "
        "vestiaire sans intimidation, adopté par les 32 équipes de l’association. Il forme chaque automne les "
        "entraîneurs à intervenir et a mis en place une adresse de signalement confidentielle pour les joueurs "
        "et les parents.",
        reach="650 joueurs de 7 à 17 ans et 90 entraîneurs bénévoles appliquent le code ; deux associations "
        "voisines l’ont repris en 2024.",
        people_reached=740,
        letters=(("Martin Ouellet", "président, Association du hockey mineur de Rimouski"),),
        state=ELIGIBLE,
        consent=ConsentStatus.GIVEN,
        submitted_at=in_past_year(4, 2, 19, 45),
        round1_base=Decimal("8"),
    ),
    DemoNomination(
        category=INDIVIDU,
        nominee_name="Awa Traoré",
        nominee_email="awa.traore@demo.qc.ca",
        nominee_phone="819 555-0118",
        nominee_organization="Université de Sherbrooke",
        region="05",
        nominator="karine.dube@demo.qc.ca",
        relationship="Professeure",
        actions="Étudiante en travail social, Awa Traoré a fondé sur le campus un service d’écoute entre pairs "
        "pour les étudiantes et les étudiants victimes de cyberintimidation. Elle produit des capsules vidéo sur "
        "les gestes à poser quand on est témoin, diffusées sur les réseaux sociaux de l’université.",
        reach="240 étudiantes et étudiants accompagnés en deux ans ; les capsules ont été vues plus de 85 000 fois.",
        people_reached=2400,
        letters=(("Karine Dubé", "professeure, École de travail social, Université de Sherbrooke"),),
        state=ELIGIBLE,
        consent=ConsentStatus.GIVEN,
        submitted_at=in_past_year(4, 18, 9, 5),
        round1_base=Decimal("7.5"),
    ),
    DemoNomination(
        category=INDIVIDU,
        nominee_name="Guy Bergeron",
        nominee_email="guy.bergeron@demo.qc.ca",
        nominee_phone="819 555-0164",
        nominee_organization="Résidence Les Jardins du Cap",
        region="04",
        nominator="nadia.belanger@demo.qc.ca",
        relationship="Intervenante de la résidence",
        actions="À 74 ans, Guy Bergeron a créé dans sa résidence de Trois-Rivières un comité de bon voisinage qui "
        "accueille les nouveaux résidents, repère les situations d’intimidation entre personnes aînées et les "
        "règle par la médiation, avec l’appui de l’intervenante de la résidence.",
        reach="Les 180 résidents de la résidence ; le comité est intervenu dans 23 situations depuis 2022.",
        people_reached=180,
        letters=(("Nadia Bélanger", "intervenante, Résidence Les Jardins du Cap"),),
        state=ELIGIBLE,
        consent=ConsentStatus.GIVEN,
        submitted_at=in_past_year(5, 6, 14, 30),
        round1_base=Decimal("6.5"),
    ),
    DemoNomination(
        category=INDIVIDU,
        nominee_name="Nicolas Paquette",
        nominee_email="nicolas.paquette@demo.qc.ca",
        nominee_phone="418 555-0127",
        nominee_organization="Autobus scolaires de Lévis",
        region="12",
        nominator="genevieve.poirier@demo.qc.ca",
        relationship="Parent d’un élève",
        actions="Chauffeur d’autobus scolaire, Nicolas Paquette a instauré des places attitrées et une entente de "
        "respect signée par les élèves de son circuit, et il signale chaque situation d’intimidation à l’école.",
        reach="Les 60 élèves de son circuit et leurs familles.",
        people_reached=60,
        letters=(("Geneviève Poirier", "parent d’un élève de l’école primaire du Vieux-Fort"),),
        state=NominationState.INELIGIBLE,
        consent=ConsentStatus.REFUSED,
        submitted_at=in_past_year(5, 9, 20, 10),
        ineligibility_reason="Le candidat a refusé de donner son consentement. Dans la catégorie Individu, une "
        "candidature ne peut pas aller de l’avant sans le consentement de la personne proposée.",
    ),
    # --- Organisation.
    DemoNomination(
        category=ORGANISATION,
        nominee_name="Maison des jeunes L’Escale de Saint-Jérôme",
        nominee_email="direction@escale-saint-jerome.demo.qc.ca",
        nominee_phone="450 555-0191",
        region="15",
        nominator=NOMINATOR_EMAIL,
        relationship="Parent bénévole",
        actions="Le programme « Zone respect » de L’Escale offre la médiation par les pairs et des ateliers en "
        "classe dans quatre écoles secondaires de la Rivière-du-Nord, et une halte-accueil en soirée pour les "
        "jeunes victimes d’intimidation et leurs proches.",
        reach="2 300 jeunes ont participé aux ateliers en 2024 ; 85 jeunes ont fréquenté la halte-accueil.",
        people_reached=2385,
        letters=(
            ("Annie Lévesque", "directrice, École secondaire de la Rivière-du-Nord"),
            ("Marc Charette", "coordonnateur, Table jeunesse de la MRC de La Rivière-du-Nord"),
        ),
        state=ELIGIBLE,
        submitted_at=in_past_year(3, 27, 16, 0),
        round1_base=Decimal("8.5"),
    ),
    DemoNomination(
        category=ORGANISATION,
        nominee_name="Alliance arc-en-ciel de Québec",
        nominee_email="info@alliance-arc-en-ciel.demo.qc.ca",
        nominee_phone="418 555-0109",
        region="03",
        nominator="karine.dube@demo.qc.ca",
        relationship="Partenaire de recherche",
        actions="L’Alliance a formé le personnel de 60 écoles de la Capitale-Nationale à l’inclusion des jeunes de "
        "la diversité sexuelle et de genre, et distribué la trousse « Ma place à l’école » pour prévenir "
        "l’homophobie et la transphobie en classe et dans la cour.",
        reach="1 100 membres du personnel scolaire formés ; la trousse sert à environ 18 000 élèves.",
        people_reached=19100,
        letters=(("Sylvie Bernier", "directrice générale adjointe, Centre de services scolaire des Découvreurs"),),
        state=ELIGIBLE,
        submitted_at=in_past_year(4, 10, 13, 15),
        round1_base=Decimal("8"),
    ),
    DemoNomination(
        category=ORGANISATION,
        nominee_name="Carrefour jeunesse Rosemont",
        nominee_email="direction@carrefour-rosemont.demo.qc.ca",
        nominee_phone="514 555-0150",
        region="06",
        nominator=REPRESENTATIVE_EMAIL,
        relationship="Directrice générale de l’organisme",
        is_self_nomination=True,
        actions="Le Carrefour accompagne les élèves de 6e année de Rosemont dans leur passage au secondaire, "
        "moment où l’intimidation augmente : mentorat par des élèves de 3e secondaire, ateliers dans les écoles "
        "et rencontres avec les parents.",
        reach="150 élèves jumelés chaque année et des ateliers dans huit écoles primaires et deux écoles secondaires.",
        people_reached=1900,
        letters=(("Hugo Lamarre", "directeur, École secondaire des Érables"),),
        state=ELIGIBLE,
        submitted_at=in_past_year(4, 24, 10, 40),
        round1_base=Decimal("7.5"),
    ),
    DemoNomination(
        category=ORGANISATION,
        nominee_name="Centre communautaire Le Phare de Baie-Comeau",
        nominee_email="info@lephare-baie-comeau.demo.qc.ca",
        nominee_phone="418 555-0186",
        region="09",
        nominator="genevieve.poirier@demo.qc.ca",
        relationship="Bénévole",
        actions="Le Phare tient des cafés-rencontres pour les parents d’enfants victimes d’intimidation et une "
        "ligne d’écoute en soirée, en lien avec les écoles de Baie-Comeau.",
        reach="120 familles accompagnées depuis 2023.",
        people_reached=360,
        letters=(("Josée Tremblay", "travailleuse sociale, CISSS de la Côte-Nord"),),
        state=ELIGIBLE,
        submitted_at=in_past_year(5, 2, 15, 50),
        round1_base=Decimal("6.5"),
    ),
    # --- Éducation: a school or a teaching setting.
    DemoNomination(
        category=EDUCATION,
        nominee_name="École secondaire du Boisé-Vert",
        nominee_email="direction@boise-vert.demo.qc.ca",
        nominee_phone="819 555-0133",
        region="08",
        nominator="stephane.girard@demo.qc.ca",
        relationship="Directeur adjoint de l’école",
        is_self_nomination=True,
        actions="La brigade « Les Veilleurs » réunit 45 élèves formés à repérer l’intimidation, à soutenir les "
        "victimes et à alerter un adulte. Un local d’écoute est ouvert tous les midis, et chaque groupe suit trois "
        "ateliers par année sur le respect en ligne et hors ligne.",
        reach="Les 1 100 élèves de l’école ; les signalements d’intimidation ont baissé du tiers en deux ans.",
        people_reached=1100,
        letters=(
            ("Claudine Rivard", "présidente, conseil d’établissement de l’École secondaire du Boisé-Vert"),
            ("Éric Bouchard", "directeur, Maison des jeunes de Rouyn-Noranda"),
        ),
        state=ELIGIBLE,
        submitted_at=in_past_year(3, 20, 8, 55),
        round1_base=Decimal("8.5"),
    ),
    DemoNomination(
        category=EDUCATION,
        nominee_name="École primaire des Petits-Bouleaux",
        nominee_email="direction@petits-bouleaux.demo.qc.ca",
        nominee_phone="418 555-0112",
        region="02",
        nominator="karine.dube@demo.qc.ca",
        relationship="Chercheuse partenaire",
        actions="« Récré pour tous » : jeux organisés à chaque récréation, une brigade de médiateurs de 5e et 6e "
        "année, et des ateliers sur l’empathie pour toutes les classes.",
        reach="Les 420 élèves de l’école et leurs 35 enseignantes et enseignants.",
        people_reached=455,
        letters=(("Mireille Gauthier", "conseillère pédagogique, Centre de services scolaire du Saguenay"),),
        state=ELIGIBLE,
        submitted_at=in_past_year(4, 15, 12, 25),
        round1_base=Decimal("7.5"),
    ),
    DemoNomination(
        category=EDUCATION,
        nominee_name="Collège communautaire du Haut-Richelieu",
        nominee_email="vie.etudiante@college-haut-richelieu.demo.qc.ca",
        nominee_phone="450 555-0177",
        region="16",
        nominator="genevieve.poirier@demo.qc.ca",
        relationship="Enseignante retraitée",
        actions="La campagne « Pas dans notre collège » a doté le collège d’un protocole de signalement, formé "
        "tout le personnel, et confié à des stagiaires en éducation spécialisée l’accueil des victimes.",
        reach="3 200 étudiantes et étudiants, et 400 membres du personnel formés.",
        people_reached=3600,
        letters=(("Pascal Roy", "directeur des études, Collège communautaire du Haut-Richelieu"),),
        state=ELIGIBLE,
        submitted_at=in_past_year(4, 29, 17, 5),
        round1_base=Decimal("8"),
    ),
    DemoNomination(
        category=EDUCATION,
        nominee_name="École secondaire de l’Anse-aux-Pins",
        nominee_email="direction@anse-aux-pins.demo.qc.ca",
        nominee_phone="418 555-0158",
        region="11",
        nominator="nadia.belanger@demo.qc.ca",
        relationship="Partenaire du projet",
        actions="Les élèves de l’option théâtre ont créé un théâtre-forum sur l’intimidation, joué dans les "
        "écoles de la Gaspésie : le public remplace un personnage témoin et essaie d’agir.",
        reach="12 représentations devant 1 400 élèves du primaire et du secondaire.",
        people_reached=1400,
        letters=(("Roxanne Cloutier", "enseignante d’art dramatique, École secondaire de l’Anse-aux-Pins"),),
        state=ELIGIBLE,
        submitted_at=in_past_year(5, 8, 11, 10),
        round1_base=Decimal("6.5"),
    ),
]

# Final vote of 2025: the finalists of each category in the order most jurors rank them. The first one wins.
PAST_VOTES = {
    INDIVIDU: ("Mélanie Caron", "Awa Traoré", "Jacques Lemieux"),
    ORGANISATION: (
        "Alliance arc-en-ciel de Québec",
        "Maison des jeunes L’Escale de Saint-Jérôme",
        "Carrefour jeunesse Rosemont",
    ),
    EDUCATION: (
        "École secondaire du Boisé-Vert",
        "Collège communautaire du Haut-Richelieu",
        "École primaire des Petits-Bouleaux",
    ),
}
# These jurors swap the first two finalists of every category, so that each winner wins 3 votes to 2.
DISSENTING_JURORS = ("jury2@demo.qc.ca", "jury5@demo.qc.ca")
# (juror, nominee) → the juror's comment. The nominee is third in PAST_VOTES, so the recusal ties no pair.
PAST_CONFLICTS = {
    ("jury4@demo.qc.ca", "Carrefour jeunesse Rosemont"): "J’ai siégé au conseil d’administration du Carrefour "
    "jusqu’en 2024.",
}
COUP_DE_COEUR = (
    "Guy Bergeron",
    "Pour l’engagement d’un bénévole de 74 ans qui a fait de sa résidence un milieu de vie sûr et bienveillant "
    "pour les personnes aînées.",
)

CURRENT_NOMINATIONS = [
    DemoNomination(
        category=INDIVIDU,
        nominee_name="Chantal Dufour",
        nominee_email="chantal.dufour@demo.qc.ca",
        nominee_phone="418 555-0120",
        region="03",
        nominator=NOMINATOR_EMAIL,
        relationship="Voisin",
        actions="Chantal Dufour a mis sur pied dans Limoilou un réseau de parents qui accompagnent à pied les "
        "enfants vers l’école.",
        reach="",
        people_reached=None,
        letters=(),
        state=NominationState.DRAFT,
        consent=ConsentStatus.NOT_REQUESTED,
    ),
    DemoNomination(
        category=INDIVIDU,
        nominee_name="Sarah O’Connor",
        nominee_email="sarah.oconnor@demo.qc.ca",
        nominee_phone="819 555-0104",
        nominee_organization="Club de soccer du Pontiac",
        region="07",
        nominee_language="en",
        nominator=NOMINATOR_EMAIL,
        relationship="Parent d’une joueuse",
        actions="Entraîneuse au Club de soccer du Pontiac, Sarah O’Connor a fait adopter une charte contre les "
        "propos haineux sur le terrain et dans les gradins, en français et en anglais, et forme les jeunes "
        "arbitres à intervenir.",
        reach="420 joueuses et joueurs de 8 à 18 ans et 40 jeunes arbitres.",
        people_reached=460,
        letters=(("Kevin Hodgins", "président, Club de soccer du Pontiac"),),
        state=NominationState.SUBMITTED,
        consent=ConsentStatus.PENDING,
    ),
    DemoNomination(
        category=INDIVIDU,
        nominee_name="Rachel Nguyen",
        nominee_email="rachel.nguyen@demo.qc.ca",
        nominee_phone="450 555-0146",
        region="13",
        nominator="rachel.nguyen@demo.qc.ca",
        relationship="Moi-même",
        is_self_nomination=True,
        actions="Je publie chaque semaine des capsules sur la cyberintimidation pour les adolescents, et j’anime "
        "des ateliers dans les bibliothèques de Laval sur les gestes à poser quand on en est témoin.",
        reach="Mes capsules rejoignent environ 30 000 abonnés ; 26 ateliers ont réuni 650 jeunes en 2026.",
        people_reached=650,
        letters=(("Sophie Labelle", "bibliothécaire jeunesse, Bibliothèques de Laval"),),
        state=NominationState.SUBMITTED,
        consent=ConsentStatus.GIVEN,
    ),
    DemoNomination(
        category=INDIVIDU,
        nominee_name="Denis Lapointe",
        nominee_email="denis.lapointe@demo.qc.ca",
        nominee_phone="819 555-0181",
        region="17",
        nominator="karine.dube@demo.qc.ca",
        relationship="Chercheuse qui a documenté le projet",
        actions="Concierge d’une école secondaire de Drummondville, Denis Lapointe a aménagé avec les élèves un "
        "local d’accueil pour les jeunes isolés à l’heure du dîner.",
        reach="Une quarantaine d’élèves fréquentent le local chaque semaine.",
        people_reached=40,
        letters=(("Julie Fontaine", "directrice, École secondaire du Bocage"),),
        state=NominationState.SUBMITTED,
        consent=ConsentStatus.REFUSED,
    ),
    DemoNomination(
        category=INDIVIDU,
        nominee_name="Mathieu Gingras",
        nominee_email="mathieu.gingras@demo.qc.ca",
        nominee_phone="418 555-0169",
        nominee_organization="École secondaire de la Pointe-Lévy",
        region="12",
        nominator="genevieve.poirier@demo.qc.ca",
        relationship="Parent d’un élève",
        actions="Enseignant d’éducation physique, Mathieu Gingras a transformé les vestiaires de l’école en "
        "espaces surveillés et a créé une ligue de midi où chaque équipe mêle élèves de tous les niveaux.",
        reach="900 élèves ; la ligue de midi compte 16 équipes.",
        people_reached=900,
        letters=(("Louise Bégin", "directrice, École secondaire de la Pointe-Lévy"),),
        state=NominationState.WITHDRAWN,
        consent=ConsentStatus.WITHDRAWN,
        consent_withdrawal_reason="Je préfère que mon engagement reste discret cette année.",
    ),
    DemoNomination(
        category=INDIVIDU,
        nominee_name="Françoise Tremblay-Audet",
        nominee_email="francoise.tremblay-audet@demo.qc.ca",
        nominee_phone="418 555-0115",
        nominee_organization="Centre d’action bénévole de Chicoutimi",
        region="02",
        nominator="nadia.belanger@demo.qc.ca",
        relationship="Coordonnatrice des bénévoles",
        actions="Françoise Tremblay-Audet a formé 60 bénévoles de la popote roulante à reconnaître l’intimidation "
        "et la maltraitance que subissent des personnes aînées, et à les diriger vers l’aide.",
        reach="60 bénévoles formés, qui visitent chaque semaine 450 personnes aînées.",
        people_reached=510,
        letters=(("Nadia Bélanger", "coordonnatrice des bénévoles, Centre d’action bénévole de Chicoutimi"),),
        state=NominationState.ELIGIBLE,
        consent=ConsentStatus.GIVEN,
    ),
    DemoNomination(
        category=ORGANISATION,
        nominee_name="Regroupement des familles de Sept-Îles",
        nominee_email="info@familles-sept-iles.demo.qc.ca",
        nominee_phone="418 555-0193",
        region="09",
        nominator=NOMINATOR_EMAIL,
        relationship="Membre du conseil d’administration",
        actions="Le Regroupement offre des ateliers aux parents pour reconnaître l’intimidation que vivent leurs "
        "enfants et en parler avec l’école, avec une halte-garderie pendant les ateliers.",
        reach="Environ 200 parents par année.",
        people_reached=200,
        letters=(("Line Vigneault", "directrice, Regroupement des familles de Sept-Îles"),),
        state=NominationState.INCOMPLETE,
        completion_items=(
            "Joignez une lettre d’appui d’un partenaire de l’organisme : la lettre jointe vient de sa directrice.",
            "Précisez le nombre de parents joints par les ateliers en 2026.",
        ),
    ),
    DemoNomination(
        category=ORGANISATION,
        nominee_name="Maison des familles de Rimouski-Neigette",
        nominee_email="info@familles-rimouski.demo.qc.ca",
        nominee_phone="418 555-0138",
        region="01",
        nominator="genevieve.poirier@demo.qc.ca",
        relationship="Parent participante",
        actions="« Bien dans ma cour » outille les parents et le personnel des services de garde de six écoles "
        "primaires pour reconnaître et faire cesser l’intimidation entre enfants de 4 à 8 ans.",
        reach="60 éducatrices et éducateurs formés et 300 parents joints par des ateliers en soirée.",
        people_reached=360,
        letters=(
            ("Caroline Michaud", "directrice, École primaire du Grand-Pavois"),
            ("Guillaume Pelletier", "organisateur communautaire, CISSS du Bas-Saint-Laurent"),
        ),
        state=NominationState.ELIGIBLE,
    ),
    DemoNomination(
        category=ORGANISATION,
        nominee_name="Centre de femmes L’Éclaircie",
        nominee_email="info@eclaircie.demo.qc.ca",
        nominee_phone="819 555-0125",
        region="04",
        nominator="karine.dube@demo.qc.ca",
        relationship="Partenaire de recherche",
        actions="Le Centre accompagne les femmes immigrantes de Trois-Rivières qui vivent de l’intimidation au "
        "travail et forme les employeurs de la région à la prévenir.",
        reach="80 femmes accompagnées et 25 employeurs formés en 2026.",
        people_reached=105,
        letters=(("Amélie Boisvert", "conseillère, Chambre de commerce et d’industries de Trois-Rivières"),),
        state=NominationState.SUBMITTED,
    ),
    DemoNomination(
        category=EDUCATION,
        nominee_name="École primaire du Ruisseau",
        nominee_email="direction@ecole-du-ruisseau.demo.qc.ca",
        nominee_phone="450 555-0161",
        region="13",
        nominator=NOMINATOR_EMAIL,
        relationship="Parent d’une élève",
        actions="L’école prévoit d’ouvrir à l’automne 2027 un local de médiation animé par des élèves de 6e année.",
        reach="Les 520 élèves de l’école, une fois le local ouvert.",
        people_reached=520,
        letters=(("Olivier Morin", "parent d’une élève de l’École primaire du Ruisseau"),),
        state=NominationState.INELIGIBLE,
        ineligibility_reason="Les actions décrites commenceront à l’automne 2027 : le prix reconnaît des actions "
        "déjà réalisées. Vous pourrez proposer l’école à une prochaine édition.",
    ),
    DemoNomination(
        category=EDUCATION,
        nominee_name="École secondaire de l’Anse-aux-Pins",
        nominee_email="direction@anse-aux-pins.demo.qc.ca",
        nominee_phone="418 555-0158",
        region="11",
        nominator="nadia.belanger@demo.qc.ca",
        relationship="Partenaire du projet",
        actions="Proposée de nouveau après l’édition 2025 : le théâtre-forum des élèves sur l’intimidation a "
        "tourné dans toute la Gaspésie et aux Îles-de-la-Madeleine, et un guide permet aux autres écoles de le "
        "monter.",
        reach="30 représentations devant 3 500 élèves ; le guide est utilisé par neuf écoles.",
        people_reached=3500,
        letters=(
            ("Roxanne Cloutier", "enseignante d’art dramatique, École secondaire de l’Anse-aux-Pins"),
            ("Benoît Arsenault", "directeur, Centre de services scolaire des Îles"),
        ),
        state=NominationState.ELIGIBLE,
    ),
]


# --- Reading the consent links ------------------------------------------------------------------------


class RecordingEmailBackend(BaseEmailBackend):
    """Sends e-mails through the backend configured before the demo started, and keeps a copy of each one."""

    forward_to = ""
    sent: list[EmailMessage] = []

    def send_messages(self, email_messages):
        RecordingEmailBackend.sent.extend(email_messages)
        return get_connection(self.forward_to, fail_silently=self.fail_silently).send_messages(email_messages)


@contextmanager
def recording_emails() -> Iterator[list[EmailMessage]]:
    """Record every e-mail sent inside the block, still sending it through the configured backend."""
    sent: list[EmailMessage] = []
    RecordingEmailBackend.forward_to = settings.EMAIL_BACKEND
    RecordingEmailBackend.sent = sent
    try:
        with override_settings(EMAIL_BACKEND=f"{__name__}.RecordingEmailBackend"):
            yield sent
    finally:
        RecordingEmailBackend.sent = []


def consent_token(sent: list[EmailMessage], email: str) -> str:
    """Return the token of the last consent link e-mailed to `email`."""
    placeholder = "TOKEN"
    before, after = consent_path(placeholder).split(placeholder)
    link = re.compile(re.escape(before) + r"([A-Za-z0-9_-]+)" + re.escape(after))
    for message in reversed(sent):
        match = link.search(message.body) if email in message.to else None
        if match:
            return match.group(1)
    raise DemoSetupError(
        f"No consent link was e-mailed to {email}. Run load_demo_awards outside a database transaction: "
        "the link goes out when the submission commits."
    )


# --- People ---------------------------------------------------------------------------------------------


@dataclass
class DemoStaff:
    manager: User
    officer: User
    jurors: list[User]
    nominators: dict[str, User]


def _demo_nominator(person: DemoPerson) -> User:
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


def _demo_staff() -> DemoStaff:
    emails = [MANAGER_EMAIL, OFFICER_EMAIL, NOMINATOR_EMAIL, REPRESENTATIVE_EMAIL, *JUROR_EMAILS]
    users = {user.email: user for user in User.objects.filter(email__in=emails)}
    missing = [email for email in emails if email not in users]
    if missing:
        raise DemoSetupError(f"The demo logins {', '.join(missing)} do not exist: run `manage.py load_demo` first.")
    nominators = {email: users[email] for email in (NOMINATOR_EMAIL, REPRESENTATIVE_EMAIL)}
    with transaction.atomic():
        for person in DEMO_NOMINATORS:
            nominators[person.email] = _demo_nominator(person)
    return DemoStaff(
        manager=users[MANAGER_EMAIL],
        officer=users[OFFICER_EMAIL],
        jurors=[users[email] for email in JUROR_EMAILS],
        nominators=nominators,
    )


# --- Nominations ----------------------------------------------------------------------------------------


def _form_data(spec: DemoNomination, category: Category) -> dict:
    return {
        "category": category,
        "nominee_name": spec.nominee_name,
        "nominee_email": spec.nominee_email,
        "nominee_phone": spec.nominee_phone,
        "nominee_organization": spec.nominee_organization,
        "nominee_language": spec.nominee_language,
        "region": spec.region,
        "is_self_nomination": spec.is_self_nomination,
        "nominator_relationship": spec.relationship,
        "actions": spec.actions,
        "reach": spec.reach,
        "people_reached": spec.people_reached,
    }


def _support_letter(
    edition: PrizeEdition, category: Category, spec: DemoNomination, signatory: tuple[str, str]
) -> SimpleUploadedFile:
    name, title = signatory
    content = demo_pdf(
        title="Lettre d’appui",
        lines=[
            f"Objet : candidature de {spec.nominee_name} au {edition.title_fr}, catégorie {category.name_fr}",
            "",
            "Madame, Monsieur,",
            "",
            "J’appuie avec conviction cette candidature. J’ai vu de près les actions qu’elle décrit et leurs "
            f"effets dans notre milieu : {spec.reach}",
            "",
            "Veuillez agréer, Madame, Monsieur, mes salutations distinguées.",
            "",
            name,
            title,
            "",
            "Document de démonstration du service Ensemble contre l’intimidation : il n’a aucune valeur officielle.",
        ],
    )
    return SimpleUploadedFile(f"Lettre d’appui – {name}.pdf", content, content_type="application/pdf")


def _answer_consent(nomination: Nomination, spec: DemoNomination, sent: list[EmailMessage]) -> None:
    """Give, refuse or withdraw consent through the e-mailed link, as the nominee would."""
    if spec.consent not in (ConsentStatus.GIVEN, ConsentStatus.REFUSED, ConsentStatus.WITHDRAWN):
        return
    token = consent_token(sent, nomination.nominee_email)
    if spec.consent == ConsentStatus.REFUSED:
        services.refuse_consent(token=token)
        return
    services.give_consent(token=token)
    if spec.consent == ConsentStatus.WITHDRAWN:
        services.withdraw_consent(token=token, reason=spec.consent_withdrawal_reason)


def _screen(nomination: Nomination, spec: DemoNomination, officer: User) -> None:
    if spec.state == NominationState.ELIGIBLE:
        services.declare_eligible(nomination=nomination, actor=officer)
    elif spec.state == NominationState.INELIGIBLE:
        services.declare_ineligible(nomination=nomination, actor=officer, reason=spec.ineligibility_reason)
    elif spec.state == NominationState.INCOMPLETE:
        services.request_completion(nomination=nomination, actor=officer, items=list(spec.completion_items))


def _build_nomination(
    edition: PrizeEdition, spec: DemoNomination, staff: DemoStaff, sent: list[EmailMessage]
) -> Nomination:
    """Take one nomination through the services to the state and consent status of `spec`.

    The draft is written in one transaction. The submission then commits on its own, so that the consent
    e-mail goes out before the nominee gives, refuses or withdraws consent through its link.
    """
    nominator = staff.nominators[spec.nominator]
    category = edition.categories.get(code=spec.category)
    with transaction.atomic():
        nomination = services.start_nomination(edition=edition, category=category, actor=nominator)
        nomination = services.save_nomination(nomination=nomination, actor=nominator, data=_form_data(spec, category))
        for signatory in spec.letters:
            upload = _support_letter(edition, category, spec, signatory)
            services.add_document(
                nomination=nomination, actor=nominator, kind=DocumentKind.SUPPORT_LETTER, upload=upload
            )
    if spec.state != NominationState.DRAFT:
        # NOTE: a failure after this point leaves the nomination half built, and a second run leaves it so.
        nomination = services.submit_nomination(nomination=nomination, actor=nominator, now=spec.submitted_at)
        _answer_consent(nomination, spec, sent)
        _screen(nomination, spec, staff.officer)
    nomination.refresh_from_db()
    if nomination.state != spec.state or nomination.consent_status != spec.consent:
        raise DemoSetupError(
            f"Demo nomination of {spec.nominee_name} ended in state {nomination.state} with consent "
            f"{nomination.consent_status}, not {spec.state} with {spec.consent}."
        )
    return nomination


def _build_missing_nominations(
    edition: PrizeEdition, specs: list[DemoNomination], staff: DemoStaff, sent: list[EmailMessage]
) -> list[Nomination]:
    existing = set(edition.nominations.values_list("nominee_name", flat=True))
    return [_build_nomination(edition, spec, staff, sent) for spec in specs if spec.nominee_name not in existing]


# --- Editions -------------------------------------------------------------------------------------------


def _open_edition(
    program: Program, year: int, opens_at: datetime, closes_at: datetime, staff: DemoStaff
) -> PrizeEdition:
    """Create the edition with the default categories and the demo jury, then open nominations."""
    with transaction.atomic():
        edition = services.create_edition(
            program=program,
            year=year,
            nominations_open_at=opens_at,
            nominations_close_at=closes_at,
            actor=staff.manager,
        )
        # The jury is a rule of the edition, entered in the admin site before nominations open: no service adds it.
        for position, juror in enumerate(staff.jurors):
            JuryMembership.objects.create(edition=edition, juror=juror, is_president=position == 0)
        return services.open_nominations(edition=edition, actor=staff.manager)


def _set_round_due_dates(edition: PrizeEdition, round1_due_on: date, final_vote_due_on: date) -> None:
    # The due dates only drive the jurors' reminders, and the manager edits them in the admin site at any stage.
    edition.round1_due_on = round1_due_on
    edition.final_vote_due_on = final_vote_due_on
    edition.save(update_fields=["round1_due_on", "final_vote_due_on", "updated_at"])


def _sheet(base: Decimal, juror_index: int, criteria: list[PrizeCriterion]) -> dict[int, Decimal]:
    """Return one juror's round 1 scores of a nomination: criterion id → score, within 0 and the maximum."""
    sheet = {}
    for position, criterion in enumerate(criteria):
        value = base + JUROR_OFFSETS[juror_index % len(JUROR_OFFSETS)]
        value += CRITERION_OFFSETS[position % len(CRITERION_OFFSETS)]
        sheet[criterion.pk] = min(max(value, Decimal(0)), criterion.maximum)
    return sheet


def _round1(edition: PrizeEdition, staff: DemoStaff) -> None:
    """Have every juror declare conflicts and score each eligible nomination, then close round 1."""
    specs = {spec.nominee_name: spec for spec in PAST_NOMINATIONS}
    eligible = edition.nominations.filter(state=NominationState.ELIGIBLE).select_related("category")
    for nomination in eligible:
        criteria = list(nomination.category.criteria.order_by("position"))
        for index, juror in enumerate(staff.jurors):
            conflict = PAST_CONFLICTS.get((juror.email, nomination.nominee_name))
            if not JurorConflict.objects.filter(nomination=nomination, juror=juror).exists():
                services.declare_conflict(
                    nomination=nomination, juror=juror, has_conflict=conflict is not None, comment=conflict or ""
                )
            if conflict is None:
                scores = _sheet(specs[nomination.nominee_name].round1_base, index, criteria)
                services.save_round1_scores(nomination=nomination, juror=juror, scores=scores)
    services.close_round1(edition=edition, actor=staff.manager)


def _ballot_ranks(juror: User, preferred: tuple[str, ...], finalists: dict[str, Nomination]) -> dict:
    """Return the juror's ranks: finalists in the preferred order (dissenters swap the first two), then no award."""
    order = list(preferred)
    if juror.email in DISSENTING_JURORS:
        order[0], order[1] = order[1], order[0]
    recused = set(JurorConflict.objects.filter(juror=juror, has_conflict=True).values_list("nomination_id", flat=True))
    ranked = [finalists[name] for name in order if finalists[name].pk not in recused]
    ranks: dict[int | None, int] = {nomination.pk: rank for rank, nomination in enumerate(ranked, start=1)}
    ranks[None] = len(ranked) + 1
    return ranks


def _final_vote(edition: PrizeEdition, staff: DemoStaff) -> None:
    """Have every juror rank the finalists of each category, then close and count the vote."""
    for category in edition.categories.all():
        preferred = PAST_VOTES[category.code]
        finalists = {
            nomination.nominee_name: nomination
            for nomination in category.nominations.filter(state=NominationState.FINALIST)
        }
        if set(finalists) != set(preferred):
            raise DemoSetupError(
                f"Round 1 of {edition.year} retained {sorted(finalists)} in {category.code}, not {sorted(preferred)}."
            )
        for juror in staff.jurors:
            if Ballot.objects.filter(category=category, juror=juror).exists():
                continue
            services.submit_ballot(category=category, juror=juror, ranks=_ballot_ranks(juror, preferred, finalists))
    for result in services.close_vote(edition=edition, actor=staff.manager):
        if result.outcome != ResultOutcome.LAUREATE:
            raise DemoSetupError(f"The vote of {edition.year} in {result.category.code} ended {result.outcome}.")


def _announce(edition: PrizeEdition, staff: DemoStaff) -> None:
    name, citation = COUP_DE_COEUR
    services.set_coup_de_coeur(
        edition=edition, nomination=edition.nominations.get(nominee_name=name), actor=staff.manager, citation=citation
    )
    services.announce_results(edition=edition, actor=staff.manager)


def _describe_results(edition: PrizeEdition) -> str:
    laureates = "; ".join(
        f"{nomination.category.name_fr} – {nomination.public_name}"
        for nomination in edition.nominations.filter(state=NominationState.LAUREATE).select_related("category")
    )
    return (
        f"Prize edition {edition.year}: results announced. Laureates: {laureates}. "
        f"Coup de cœur: {edition.coup_de_coeur.nomination.public_name}."
    )


def _past_edition(program: Program, staff: DemoStaff, sent: list[EmailMessage]) -> list[str]:
    """Take the 2025 edition from its current state to announced results, and return what this run did."""
    edition = PrizeEdition.objects.filter(program=program, year=PAST_YEAR).first()
    if edition is not None and edition.state == EditionState.ANNOUNCED:
        return []
    if edition is None:
        closes_at = (timezone.now() + PAST_CLOSE_DELAY).replace(second=0, microsecond=0)
        edition = _open_edition(program, PAST_YEAR, PAST_OPENS_AT, closes_at, staff)

    if edition.state == EditionState.NOMINATIONS_OPEN:
        _build_missing_nominations(edition, PAST_NOMINATIONS, staff, sent)
        edition = services.close_nominations(edition=edition, actor=staff.manager, now=edition.nominations_close_at)
    if edition.state == EditionState.NOMINATIONS_CLOSED:
        today = timezone.localdate()
        _set_round_due_dates(edition, today + timedelta(days=ROUND1_DAYS), today + timedelta(days=FINAL_VOTE_DAYS))
        edition = services.start_shortlisting(edition=edition, actor=staff.manager)
    if edition.state == EditionState.SHORTLISTING:
        _round1(edition, staff)
        edition.refresh_from_db()
    if edition.state == EditionState.FINAL_VOTE and edition.vote_closed_at is None:
        _final_vote(edition, staff)
        edition.refresh_from_db()
    if edition.state == EditionState.FINAL_VOTE:
        edition = services.validate_results(edition=edition, actor=staff.manager)
    if edition.state == EditionState.RESULTS_VALIDATED:
        _announce(edition, staff)
        edition.refresh_from_db()
        _set_round_due_dates(edition, PAST_ROUND1_DUE_ON, PAST_FINAL_VOTE_DUE_ON)
    return [_describe_results(edition)]


def _current_window(today: date) -> tuple[datetime, datetime]:
    opens_on = today - timedelta(days=CURRENT_OPENED_DAYS_AGO)
    closes_on = today + timedelta(days=CURRENT_CLOSES_IN_DAYS)
    return (
        datetime.combine(opens_on, CURRENT_OPENING_TIME, tzinfo=MONTREAL),
        datetime.combine(closes_on, CURRENT_CLOSING_TIME, tzinfo=MONTREAL),
    )


def _current_edition(program: Program, staff: DemoStaff, sent: list[EmailMessage]) -> list[str]:
    """Open the 2027 edition and add the demo nominations it lacks, while it accepts nominations."""
    edition = PrizeEdition.objects.filter(program=program, year=CURRENT_YEAR).first()
    if edition is None:
        edition = _open_edition(program, CURRENT_YEAR, *_current_window(timezone.localdate()), staff)
    if not edition.is_accepting_nominations():
        return []
    created = _build_missing_nominations(edition, CURRENT_NOMINATIONS, staff, sent)
    if not created:
        return []
    states = Counter(nomination.state for nomination in created)
    summary = ", ".join(f"{state} {count}" for state, count in sorted(states.items()))
    deadline = timezone.localtime(edition.nominations_close_at).strftime("%Y-%m-%d %H:%M")
    return [f"Prize edition {edition.year}: nominations open until {deadline}; created {summary}."]


def load_demo_awards() -> list[str]:
    """Create or complete the two demo prize editions, and return one line per edition that this run changed."""
    program_code = json.loads(DEFAULT_PROGRAM_FILE.read_text(encoding="utf-8"))["program"]["code"]
    program = Program.objects.filter(code=program_code).first()
    if program is None:
        raise DemoSetupError("The program does not exist: run `manage.py load_program` first.")
    staff = _demo_staff()
    with recording_emails() as sent:
        return [*_past_edition(program, staff, sent), *_current_edition(program, staff, sent)]
