"""Demo review stage for `make run`: reviewers, a declared conflict, an affiliation and a committee recommendation.

It runs after `load_demo_applications` and works on the demo file under review of the call ECI-2027 (the one of
« Carrefour communautaire Nikan »). Everything goes through reviews.services and reviews.committee, as the
screens would do it, except the affiliation, which the ministry records in the admin site. Each step checks
what already exists, so running it twice changes nothing.
"""

from dataclasses import dataclass
from datetime import timedelta
from decimal import Decimal

from django.contrib.auth.models import Group
from django.utils import timezone

from accounts.demo import DEMO_PASSWORD
from accounts.models import Organization, Role, User
from applications.demo import DEMO_CALL_CODE, OFFICER_EMAIL, DemoSetupError
from applications.models import Application, ApplicationState
from reviews import committee, services
from reviews.models import (
    Affiliation,
    AssignmentState,
    CommitteeDecision,
    ConflictKind,
    Recommendation,
    ReviewAssignment,
)

# « Carrefour communautaire Nikan », whose file is under review once load_demo_applications has run.
NIKAN_NEQ = "1148290634"
COMMITTEE_EMAIL = "comite@demo.qc.ca"
DUE_IN_DAYS = 21


@dataclass(frozen=True)
class DemoReview:
    """The review of one demo reviewer: a score per criterion position (None: not applicable), with comments."""

    email: str
    scores: tuple[tuple[Decimal | None, str], ...]
    overall_comment: str
    recommendation: str
    suggested: dict[int, Decimal]


# (e-mail, first name, last name)
NEW_REVIEWERS = [
    ("evaluatrice2@demo.qc.ca", "Marie-Claude", "Fortin"),
    ("evaluateur3@demo.qc.ca", "Jean-Philippe", "Gauthier"),
    ("evaluatrice4@demo.qc.ca", "Annie", "Thibault"),
]
# evaluateur3 sits on the board of the organization: he is never assigned to its files.
AFFILIATED_EMAIL = "evaluateur3@demo.qc.ca"
AFFILIATION_COMMENT = "Membre du conseil d’administration de l’organisme depuis 2022."
# evaluatrice4 is assigned, then declares a conflict and sees nothing more of the file.
CONFLICTED_EMAIL = "evaluatrice4@demo.qc.ca"
CONFLICT_COMMENT = "Ma sœur coordonne les activités jeunesse de l’organisme."

REVIEWS = [
    DemoReview(
        email="evaluateur@demo.qc.ca",
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
        email="evaluatrice2@demo.qc.ca",
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
]

RECOMMENDED_AMOUNTS = {1: Decimal("45000"), 2: Decimal("45000"), 3: Decimal("40000")}
RECOMMENDATION_RATIONALE = (
    "Le comité retient le projet pour sa pertinence et son ancrage culturel. Il recommande un montant un peu "
    "inférieur à la demande, comme le suggèrent les évaluations."
)


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
    review = services.submit_review(assignment=assignment, actor=reviewer)
    log.append(f"{reviewer.email} submitted a review of {application.reference} (score {review.total}/100).")


def _declared_conflict(application: Application, officer: User, log: list[str]) -> None:
    reviewer = User.objects.get(email=CONFLICTED_EMAIL)
    assignment = _assignment(application, reviewer, officer, log)
    if assignment.state == AssignmentState.ASSIGNED:
        services.declare_conflict(
            assignment=assignment,
            actor=reviewer,
            has_conflict=True,
            kind=ConflictKind.FAMILY,
            comment=CONFLICT_COMMENT,
        )
        log.append(f"{reviewer.email} declared a conflict of interest on {application.reference}.")


def load_demo_reviews() -> list[str]:
    """Bring the demo file under review to « recommended » and return one line per action done now."""
    officer = User.objects.filter(email=OFFICER_EMAIL).first()
    member = User.objects.filter(email=COMMITTEE_EMAIL).first()
    if officer is None or member is None:
        raise DemoSetupError("The demo logins do not exist: run `manage.py load_demo` first.")
    organization = Organization.objects.filter(neq=NIKAN_NEQ).first()
    application = (
        Application.objects.filter(call__code=DEMO_CALL_CODE, organization=organization).first()
        if organization is not None
        else None
    )
    if application is None:
        raise DemoSetupError("The demo file under review does not exist: run `manage.py load_demo_applications` first.")

    log: list[str] = []
    for email, first_name, last_name in NEW_REVIEWERS:
        _user, created = _reviewer(email, first_name, last_name)
        if created:
            log.append(f"Created the reviewer {email}.")
    # No screen writes affiliations: the ministry records them in the admin site.
    _affiliation, created = Affiliation.objects.get_or_create(
        reviewer=User.objects.get(email=AFFILIATED_EMAIL),
        organization=organization,
        defaults={"kind": ConflictKind.BOARD_MEMBER, "comment": AFFILIATION_COMMENT},
    )
    if created:
        log.append(f"Recorded the affiliation of {AFFILIATED_EMAIL} with {organization.name}.")

    if application.state == ApplicationState.UNDER_REVIEW:
        for spec in REVIEWS:
            _review(application, spec, officer, log)
        _declared_conflict(application, officer, log)
        application = services.close_review(application=application, actor=officer)
        log.append(f"Closed the review of {application.reference}: evaluated.")

    if application.state == ApplicationState.EVALUATED:
        committee.record_recommendation(
            application=application,
            actor=member,
            decision=CommitteeDecision.RECOMMEND,
            amounts=RECOMMENDED_AMOUNTS,
            rationale=RECOMMENDATION_RATIONALE,
        )
        log.append(f"{member.email} recorded the committee's recommendation to fund {application.reference}.")
    return log
