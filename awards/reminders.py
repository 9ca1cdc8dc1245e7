"""E-mail reminders to jurors 3 days before and on each round's due date, once each, while their work is pending."""

import logging
from datetime import date, timedelta

from django.db.models import Count
from django.utils import timezone

from awards.links import jury_path
from awards.models import (
    Ballot,
    EditionState,
    JurorConflict,
    JuryMembership,
    Nomination,
    NominationState,
    PrizeEdition,
    Round1Score,
)
from common.models import Notification
from common.notifications import notify

logger = logging.getLogger(__name__)

SOON_DAYS = 3
ROUND1 = "round1"
FINAL_VOTE = "final_vote"


def reminder_key(edition: PrizeEdition, round_name: str, juror_id: int, kind: str, due_on: date) -> str:
    """Return the notification key of one reminder. It contains the due date, so a new due date is reminded again."""
    return f"awards.juror_reminder:{edition.pk}:{round_name}:{juror_id}:{kind}:{due_on.isoformat()}"


def jurors_with_round1_work(edition: PrizeEdition) -> set[int]:
    """Return the jurors who still have a conflict to declare or a score sheet to complete in round 1."""
    eligible = list(
        Nomination.objects.filter(edition=edition, state=NominationState.ELIGIBLE).values_list("pk", "category_id")
    )
    criteria_count = dict(edition.categories.annotate(count=Count("criteria")).values_list("pk", "count"))
    declarations = {
        (row.juror_id, row.nomination_id): row.has_conflict
        for row in JurorConflict.objects.filter(nomination__edition=edition)
    }
    scored = {
        (row["juror_id"], row["nomination_id"]): row["count"]
        for row in Round1Score.objects.filter(nomination__edition=edition)
        .values("juror_id", "nomination_id")
        .annotate(count=Count("pk"))
    }
    pending = set()
    for juror_id in JuryMembership.objects.filter(edition=edition).values_list("juror_id", flat=True):
        for nomination_id, category_id in eligible:
            conflict = declarations.get((juror_id, nomination_id))
            if conflict is None or (
                not conflict and scored.get((juror_id, nomination_id), 0) < criteria_count[category_id]
            ):
                pending.add(juror_id)
                break
    return pending


def jurors_with_missing_ballots(edition: PrizeEdition) -> set[int]:
    """Return the jurors who have not voted in a category where they can vote (not recused from every finalist)."""
    finalists = {}
    for nomination_id, category_id in Nomination.objects.filter(
        edition=edition, state=NominationState.FINALIST
    ).values_list("pk", "category_id"):
        finalists.setdefault(category_id, set()).add(nomination_id)
    conflicts = set(
        JurorConflict.objects.filter(nomination__edition=edition, has_conflict=True).values_list(
            "juror_id", "nomination_id"
        )
    )
    voted = set(Ballot.objects.filter(category__edition=edition).values_list("juror_id", "category_id"))
    pending = set()
    for juror_id in JuryMembership.objects.filter(edition=edition).values_list("juror_id", flat=True):
        for category_id, nominations in finalists.items():
            recused_from_all = all((juror_id, pk) in conflicts for pk in nominations)
            if not recused_from_all and (juror_id, category_id) not in voted:
                pending.add(juror_id)
                break
    return pending


def _remind(edition: PrizeEdition, round_name: str, due_on: date, kind: str, jurors: set[int]) -> int:
    sent = 0
    for membership in JuryMembership.objects.filter(edition=edition, juror_id__in=jurors).select_related("juror"):
        key = reminder_key(edition, round_name, membership.juror_id, kind, due_on)
        if Notification.objects.filter(idempotency_key=key).exists():
            continue
        notify(
            recipient=membership.juror,
            event="awards.juror_reminder",
            key=key,
            template="emails/awards/juror_reminder",
            context={"round": round_name, "kind": kind, "year": edition.year, "due_on": due_on.isoformat()},
            subject=edition,
            link=jury_path(edition),
        )
        sent += 1
    return sent


def send_juror_reminders(*, today: date | None = None) -> int:
    """Remind jurors with pending work of round 1 or of the final vote, due in SOON_DAYS days (« soon ») or today.

    `today` defaults to the local date of TIME_ZONE. Each reminder is a notification with its own key, so a
    second run on the same day sends nothing. The job must run every day: a missed day is not caught up.
    Returns the number of reminders queued by this run.
    """
    today = today or timezone.localdate()
    kinds = {today + timedelta(days=SOON_DAYS): "soon", today: "today"}
    sent = 0
    for edition in PrizeEdition.objects.filter(state=EditionState.SHORTLISTING, round1_due_on__in=list(kinds)):
        kind = kinds[edition.round1_due_on]
        sent += _remind(edition, ROUND1, edition.round1_due_on, kind, jurors_with_round1_work(edition))
    for edition in PrizeEdition.objects.filter(
        state=EditionState.FINAL_VOTE, vote_closed_at__isnull=True, final_vote_due_on__in=list(kinds)
    ):
        kind = kinds[edition.final_vote_due_on]
        sent += _remind(edition, FINAL_VOTE, edition.final_vote_due_on, kind, jurors_with_missing_ballots(edition))
    logger.info("%d juror reminder(s) queued for %s.", sent, today.isoformat())
    return sent
