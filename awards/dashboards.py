"""Dashboard panels of the prize.

Jurors see, for each edition they judge, the nominations to declare and to score and the ballots to cast.
A nomination they declared a conflict with is never counted. Program officers and managers see the
nominations awaiting screening. Program managers see the progress of each edition. Each panel runs a fixed
number of queries whatever the number of nominations.
"""

from dataclasses import dataclass
from urllib.parse import urlencode

from django.db.models import Count, Q
from django.urls import reverse
from django.utils.translation import gettext as _

from accounts.models import Role
from awards import selectors
from awards.models import (
    Ballot,
    Category,
    EditionState,
    JurorConflict,
    JuryMembership,
    Nomination,
    NominationState,
    PrizeEdition,
    Result,
    ResultOutcome,
)
from awards.services.screening import SCREENING_EDITION_STATES
from common.dashboards import Panel, register_panel

EDITIONS_SHOWN = 5
FINALIST_STATES = (NominationState.FINALIST, NominationState.LAUREATE)


@dataclass
class JuryRow:
    edition: PrizeEdition
    to_declare: int = 0
    to_score: int = 0
    ballots_to_cast: int = 0


def jury_rows(user, editions: list[PrizeEdition]) -> list[JuryRow]:
    """Count the juror's pending work in each edition from four queries, whatever the number of nominations."""
    rows = {edition.pk: JuryRow(edition) for edition in editions}
    nominations = list(
        Nomination.objects.filter(edition__in=editions, state__in=NominationState.screened_in())
        .exclude(pk__in=selectors.conflicted_nomination_ids(user))
        .values_list("pk", "edition_id", "category_id", "state")
    )
    declared = set(
        JurorConflict.objects.filter(juror=user, nomination__edition__in=editions).values_list(
            "nomination_id", flat=True
        )
    )
    scored = dict(
        selectors.round1_scores_visible_to(user)
        .filter(nomination__edition__in=editions)
        .values("nomination_id")
        .annotate(count=Count("pk"))
        .values_list("nomination_id", "count")
    )
    criteria = dict(
        Category.objects.filter(edition__in=editions).annotate(count=Count("criteria")).values_list("pk", "count")
    )
    voted = set(Ballot.objects.filter(juror=user, category__edition__in=editions).values_list("category_id", flat=True))
    categories_to_vote = {}
    for pk, edition_id, category_id, state in nominations:
        row, edition = rows[edition_id], rows[edition_id].edition
        if edition.state == EditionState.SHORTLISTING and state == NominationState.ELIGIBLE:
            if pk not in declared:
                row.to_declare += 1
            elif scored.get(pk, 0) < criteria.get(category_id, 0):
                row.to_score += 1
        elif edition.state == EditionState.FINAL_VOTE and state in FINALIST_STATES:
            if pk not in declared:
                row.to_declare += 1
            if category_id not in voted:
                categories_to_vote.setdefault(edition_id, set()).add(category_id)
    for edition_id, categories in categories_to_vote.items():
        rows[edition_id].ballots_to_cast = len(categories)
    return list(rows.values())


def conflicted_option_keys(user) -> set[str]:
    """Return the ids, as tally option keys, of the nominations `user` declared a conflict with."""
    return {str(pk) for pk in selectors.conflicted_nomination_ids(user).values_list("nomination_id", flat=True)}


def tied_with_conflict(result: Result, conflicted: set[str]) -> bool:
    """Return whether the president declared a conflict with an option still tied, so cannot cast the vote."""
    return bool(conflicted & set(result.tally.get("awaiting_casting_vote", [])))


@register_panel(order=21)
def jury_panel(user):
    if not user.is_authenticated:
        return None
    judged = list(selectors.editions_judged_by(user))
    if not judged:
        return None
    working = [
        edition
        for edition in judged
        if edition.state == EditionState.SHORTLISTING
        or (edition.state == EditionState.FINAL_VOTE and edition.vote_closed_at is None)
    ]
    conflicted = conflicted_option_keys(user)
    presided = JuryMembership.objects.filter(juror=user, is_president=True).values("edition_id")
    awaiting = Result.objects.filter(
        category__edition__in=presided,
        category__edition__state=EditionState.FINAL_VOTE,
        outcome=ResultOutcome.AWAITING_CASTING_VOTE,
        superseded_at__isnull=True,
    ).select_related("category__edition")
    context = {
        "rows": jury_rows(user, working),
        "judged": judged[:EDITIONS_SHOWN],
        "casting_votes": [
            result
            for result in awaiting.order_by("category__edition__year", "category__position")
            if not tied_with_conflict(result, conflicted)
        ],
    }
    return Panel(title=_("Prize jury"), template="awards/panels/jury.html", context=context)


def screening_url(**filters) -> str:
    return f"{reverse('awards:screening_list')}?{urlencode(filters, doseq=True)}"


@register_panel(order=28)
def screening_panel(user):
    if not user.is_authenticated or not user.has_perm("awards.screen_nomination"):
        return None
    editions = list(
        PrizeEdition.objects.filter(state__in=SCREENING_EDITION_STATES)
        .annotate(
            submitted=Count("nominations", filter=Q(nominations__state=NominationState.SUBMITTED)),
            incomplete=Count("nominations", filter=Q(nominations__state=NominationState.INCOMPLETE)),
        )
        .order_by("-year")
    )
    for edition in editions:
        edition.submitted_url = screening_url(edition=edition.pk, state=NominationState.SUBMITTED.value)
        edition.incomplete_url = screening_url(edition=edition.pk, state=NominationState.INCOMPLETE.value)
    return Panel(
        title=_("Prize nominations to screen"), template="awards/panels/screening.html", context={"editions": editions}
    )


def edition_links(edition: PrizeEdition) -> list[tuple[str, str]]:
    """Return (label, URL) of the pages where the program manager acts at the edition's stage."""
    links = [(_("Nominations"), screening_url(edition=edition.pk))]
    if edition.state == EditionState.SHORTLISTING:
        links.append((_("Round 1"), reverse("awards:round1", kwargs={"pk": edition.pk})))
    if edition.state == EditionState.FINAL_VOTE and edition.vote_closed_at is None:
        links.append((_("Final vote"), reverse("awards:vote", kwargs={"pk": edition.pk})))
    if edition.vote_closed_at is not None:
        links.append((_("Results"), reverse("awards:results", kwargs={"pk": edition.pk})))
    return links


@register_panel(order=29)
def editions_panel(user):
    if not user.is_authenticated or not user.has_role(Role.PROGRAM_MANAGER):
        return None
    editions = list(
        PrizeEdition.objects.annotate(
            submitted=Count("nominations", filter=~Q(nominations__state=NominationState.DRAFT)),
            to_screen=Count("nominations", filter=Q(nominations__state__in=NominationState.awaiting_screening())),
            eligible=Count("nominations", filter=Q(nominations__state__in=NominationState.screened_in())),
            finalists=Count("nominations", filter=Q(nominations__state__in=FINALIST_STATES)),
        ).order_by("-year")[:EDITIONS_SHOWN]
    )
    for edition in editions:
        edition.links = edition_links(edition)
    return Panel(title=_("Prize editions"), template="awards/panels/editions.html", context={"editions": editions})
