"""Setting up an edition and moving it through its stages until round 1 starts."""

import logging
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import Role
from awards.links import jury_path
from awards.models import (
    Category,
    EditionState,
    JuryMembership,
    NominationState,
    PrizeCriterion,
    PrizeEdition,
    validate_ladder,
)
from awards.services.base import AlreadyDone, AwardsError, lock_edition, require_manager, run_transition
from common.audit import record_transition
from common.notifications import notify
from common.templatetags.formats import long_datetime

logger = logging.getLogger(__name__)

# Default categories: code, French name, English name, nominee's consent required.
DEFAULT_CATEGORIES = (
    ("individu", "Individu", "Individual", True),
    ("organisation", "Organisation", "Organization", False),
    ("education", "Éducation", "Education", False),
)
# Default round 1 criteria of every category: French name, English name, weight. Each is scored out of 10.
DEFAULT_CRITERIA = (
    ("Rayonnement", "Reach", Decimal("30")),
    ("Caractère exemplaire", "Exemplary character", Decimal("30")),
    ("Innovation", "Innovation", Decimal("20")),
    ("Pérennité", "Sustainability", Decimal("20")),
)
DEFAULT_FINALISTS = 3


def add_default_categories(*, edition: PrizeEdition) -> list[Category]:
    """Create the default categories that `edition` does not have yet, each with the default criteria.

    Raise RulesFrozen (from the models) once nominations are open.
    """
    existing = set(edition.categories.values_list("code", flat=True))
    created = []
    with transaction.atomic():
        for position, (code, name_fr, name_en, requires_consent) in enumerate(DEFAULT_CATEGORIES):
            if code in existing:
                continue
            category = Category.objects.create(
                edition=edition,
                code=code,
                name_fr=name_fr,
                name_en=name_en,
                position=position,
                finalists_count=DEFAULT_FINALISTS,
                requires_nominee_consent=requires_consent,
            )
            for criterion_position, (criterion_fr, criterion_en, weight) in enumerate(DEFAULT_CRITERIA):
                PrizeCriterion.objects.create(
                    category=category,
                    position=criterion_position,
                    name_fr=criterion_fr,
                    name_en=criterion_en,
                    weight=weight,
                    maximum=Decimal("10"),
                )
            created.append(category)
    return created


def create_edition(
    *, program, year: int, nominations_open_at, nominations_close_at, actor, title_fr: str = "", title_en: str = ""
) -> PrizeEdition:
    """Create a draft edition with the default categories, criteria, quorum (2/3) and tie-break ladder.

    Side effects, in order: the edition, its categories and criteria, a history entry.
    """
    require_manager(actor)
    if nominations_open_at >= nominations_close_at:
        raise AwardsError(_("The nomination window must close after it opens."))
    try:
        with transaction.atomic():
            edition = PrizeEdition.objects.create(
                program=program,
                year=year,
                title_fr=title_fr or f"Prix Ensemble contre l'intimidation {year}",
                title_en=title_en or f"Together Against Bullying Award {year}",
                nominations_open_at=nominations_open_at,
                nominations_close_at=nominations_close_at,
            )
            add_default_categories(edition=edition)
            record_transition(
                subject=edition, transition="awards.edition.created", source="", target=edition.state, actor=actor
            )
    except IntegrityError as error:
        raise AlreadyDone(_("The program already has an edition for %(year)s.") % {"year": year}) from error
    return edition


def rules_problems(edition: PrizeEdition, *, now=None) -> list[str]:
    """Return what prevents nominations from opening, one sentence per problem."""
    now = now or timezone.now()
    problems = []
    categories = list(edition.categories.prefetch_related("criteria"))
    if not categories:
        problems.append(_("Add at least one category."))
    for category in categories:
        criteria = list(category.criteria.all())
        if not criteria or sum(criterion.weight for criterion in criteria) <= 0:
            problems.append(
                _("Give the category « %(name)s » at least one criterion with a positive weight.")
                % {"name": category.name}
            )
    jury = list(JuryMembership.objects.filter(edition=edition).select_related("juror"))
    if not jury:
        problems.append(_("Add the jury members."))
    elif sum(1 for member in jury if member.is_president) != 1:
        problems.append(_("Name exactly one jury president."))
    for member in jury:
        if not member.juror.has_role(Role.JURY_MEMBER):
            problems.append(
                _("Give %(name)s the jury member role, or remove them from the jury.")
                % {"name": member.juror.get_full_name() or member.juror.email}
            )
    if edition.nominations_close_at <= now:
        problems.append(
            _("The nomination deadline (%(deadline)s) has already passed; choose a later one.")
            % {"deadline": long_datetime(edition.nominations_close_at)}
        )
    try:
        validate_ladder(edition.tie_break_ladder)
    except ValidationError as error:
        problems.extend(error.messages)
    return problems


def open_nominations(*, edition: PrizeEdition, actor) -> PrizeEdition:
    """Open the edition to nominations and freeze its rules (categories, criteria, jury, quorum, ladder, window).

    Submissions are accepted from `nominations_open_at` to `nominations_close_at`.
    Side effects, in order: the freeze time, the state change and its history entry.
    """
    require_manager(actor)
    with transaction.atomic():
        edition = lock_edition(edition)
        if edition.state == EditionState.NOMINATIONS_OPEN:
            raise AlreadyDone(_("Nominations are already open."))
        if edition.state != EditionState.DRAFT:
            raise AwardsError(_("Only a draft edition can open nominations."))
        problems = rules_problems(edition)
        if problems:
            raise AwardsError(_("The edition cannot open yet: %(problems)s") % {"problems": " ".join(problems)})
        edition.rules_frozen_at = timezone.now()
        run_transition(
            edition,
            "open_nominations",
            "awards.edition.nominations_opened",
            actor=actor,
            fields=["rules_frozen_at"],
        )
    return edition


def _close(edition: PrizeEdition, *, actor, reason: str) -> None:
    run_transition(edition, "close_nominations", "awards.edition.nominations_closed", actor=actor, reason=reason)


def close_nominations(*, edition: PrizeEdition, actor, now=None) -> PrizeEdition:
    """Close nominations once the deadline has passed; drafts never submitted stay drafts."""
    require_manager(actor)
    now = now or timezone.now()
    with transaction.atomic():
        edition = lock_edition(edition)
        if edition.state == EditionState.NOMINATIONS_CLOSED:
            raise AlreadyDone(_("Nominations are already closed."))
        if edition.state != EditionState.NOMINATIONS_OPEN:
            raise AwardsError(_("Only an edition open to nominations can close them."))
        if now < edition.nominations_close_at:
            raise AwardsError(
                _("Nominations are open until %(deadline)s (Montréal time); they cannot close before.")
                % {"deadline": long_datetime(edition.nominations_close_at)}
            )
        _close(edition, actor=actor, reason="")
    return edition


def close_expired_nomination_windows(*, now=None) -> list[PrizeEdition]:
    """Close every edition whose nomination deadline has passed, once each; return the editions this run closed."""
    now = now or timezone.now()
    closed = []
    expired = PrizeEdition.objects.filter(state=EditionState.NOMINATIONS_OPEN, nominations_close_at__lte=now)
    for edition_id in expired.values_list("pk", flat=True):
        with transaction.atomic():
            edition = PrizeEdition.objects.select_for_update(skip_locked=True).filter(pk=edition_id).first()
            if edition is None or edition.state != EditionState.NOMINATIONS_OPEN or edition.nominations_close_at > now:
                continue
            _close(edition, actor=None, reason=_("Deadline passed: closed automatically."))
        logger.info(
            "Prize edition %s: nominations closed, deadline %s passed.", edition.pk, edition.nominations_close_at
        )
        closed.append(edition)
    return closed


def notify_jurors(edition: PrizeEdition, *, round_name: str, due_on) -> None:
    """Tell every juror of `edition` that a round opened, with its due date; once per juror and round."""
    for membership in JuryMembership.objects.filter(edition=edition).select_related("juror"):
        notify(
            recipient=membership.juror,
            event="awards.jury_round_open",
            key=f"awards.jury_round_open:{edition.pk}:{round_name}:{membership.juror_id}",
            template="emails/awards/jury_round_open",
            context={"round": round_name, "year": edition.year, "due_on": due_on.isoformat() if due_on else ""},
            subject=edition,
            link=jury_path(edition),
        )


def start_shortlisting(*, edition: PrizeEdition, actor) -> PrizeEdition:
    """Start round 1 once every submitted nomination is screened, and notify the jurors by e-mail.

    Side effects, in order: the state change and its history entry, then after commit an e-mail to each juror.
    """
    require_manager(actor)
    with transaction.atomic():
        edition = lock_edition(edition)
        if edition.state == EditionState.SHORTLISTING:
            raise AlreadyDone(_("Round 1 has already started."))
        if edition.state != EditionState.NOMINATIONS_CLOSED:
            raise AwardsError(_("Round 1 can start only once nominations are closed."))
        waiting = edition.nominations.filter(state__in=NominationState.awaiting_screening()).count()
        if waiting:
            raise AwardsError(
                _("%(count)d nomination(s) still await screening; declare each eligible or ineligible first.")
                % {"count": waiting}
            )
        if edition.round1_due_on is None or edition.round1_due_on <= timezone.localdate():
            raise AwardsError(_("Set a round 1 due date after today first."))
        run_transition(edition, "start_shortlisting", "awards.edition.shortlisting_started", actor=actor)
        notify_jurors(edition, round_name="round1", due_on=edition.round1_due_on)
    logger.info(
        "Prize edition %s: round 1 started by user %s, due %s.", edition.pk, actor.pk, edition.round1_due_on.isoformat()
    )
    return edition
