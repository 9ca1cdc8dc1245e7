"""Progress of the latest prize edition: nominations by state and the two jury rounds."""

from dataclasses import dataclass

from django.db.models import Count, Exists, F, OuterRef, Subquery

from awards.models import (
    Ballot,
    BallotStatus,
    Category,
    EditionState,
    JurorConflict,
    JuryMembership,
    Nomination,
    NominationState,
    PrizeCriterion,
    PrizeEdition,
    Round1Score,
)
from oversight.selectors.applications import StateCount
from oversight.selectors.base import count_of

# Prize


# Round 1 scores the nominations declared eligible, which are in one of these states from then on.
ROUND1_STATES = NominationState.screened_in()
FINALIST_STATES = [NominationState.FINALIST, NominationState.LAUREATE]
ROUND1_EDITION_STATES = [
    EditionState.SHORTLISTING,
    EditionState.FINAL_VOTE,
    EditionState.RESULTS_VALIDATED,
    EditionState.ANNOUNCED,
]
ROUND2_EDITION_STATES = [EditionState.FINAL_VOTE, EditionState.RESULTS_VALIDATED, EditionState.ANNOUNCED]


@dataclass
class PrizeProgress:
    """Counts of one edition. No field names a nominee."""

    edition: PrizeEdition
    nominations: list[StateCount]
    jurors: int
    sheets_expected: int
    sheets_complete: int
    ballots_expected: int
    ballots_ranked: int
    ballots_abstained: int

    @property
    def round1_started(self) -> bool:
        return self.edition.state in ROUND1_EDITION_STATES

    @property
    def round2_started(self) -> bool:
        return self.edition.state in ROUND2_EDITION_STATES

    @property
    def sheets_missing(self) -> int:
        return max(self.sheets_expected - self.sheets_complete, 0)

    @property
    def ballots_cast(self) -> int:
        return self.ballots_ranked + self.ballots_abstained

    @property
    def ballots_missing(self) -> int:
        return max(self.ballots_expected - self.ballots_cast, 0)


def prize_progress() -> PrizeProgress | None:
    """Return the progress of the latest edition whose nominations have opened, or None. Three queries.

    Round 1 expects one complete score sheet (every criterion of the category scored) per juror and
    eligible nomination, except where the juror declared a conflict with it. Round 2 expects one ballot per
    juror and category with finalists; an abstention is a ballot cast. Conflicts are counted for the
    expected totals only: these counts are for the program's managers, never for a juror.
    """
    juror_in_jury = JuryMembership.objects.filter(edition=OuterRef("edition"), juror=OuterRef("juror"))
    recusals = (
        JurorConflict.objects.filter(
            nomination__edition=OuterRef("pk"), nomination__state__in=ROUND1_STATES, has_conflict=True
        )
        .annotate(edition=F("nomination__edition"))
        .filter(Exists(juror_in_jury))
    )
    has_finalists = Exists(Nomination.objects.filter(category=OuterRef("category"), state__in=FINALIST_STATES))
    finalist_categories = Category.objects.filter(edition=OuterRef("pk")).filter(
        Exists(Nomination.objects.filter(category=OuterRef("pk"), state__in=FINALIST_STATES))
    )
    ballots = (
        Ballot.objects.filter(category__edition=OuterRef("pk"))
        .annotate(edition=F("category__edition"))
        .filter(has_finalists, Exists(juror_in_jury))
    )
    edition = (
        PrizeEdition.objects.exclude(state=EditionState.DRAFT)
        .annotate(
            jurors=count_of(JuryMembership.objects.filter(edition=OuterRef("pk")), "edition"),
            round1_nominations=count_of(
                Nomination.objects.filter(edition=OuterRef("pk"), state__in=ROUND1_STATES), "edition"
            ),
            recusals=count_of(recusals, "edition"),
            finalist_categories=count_of(finalist_categories, "edition"),
            ballots_ranked=count_of(ballots.filter(status=BallotStatus.SUBMITTED), "edition"),
            ballots_abstained=count_of(ballots.filter(status=BallotStatus.ABSTAINED), "edition"),
        )
        .order_by("-year", "-pk")
        .first()
    )
    if edition is None:
        return None

    counts = dict(
        Nomination.objects.filter(edition=edition)
        .order_by()
        .values_list("state")
        .annotate(total=Count("pk"))
        .values_list("state", "total")
    )
    criteria_needed = (
        PrizeCriterion.objects.filter(category=OuterRef("nomination__category"))
        .order_by()
        .values("category")
        .annotate(total=Count("pk"))
        .values("total")[:1]
    )
    complete_sheets = (
        Round1Score.objects.filter(
            nomination__edition=edition,
            nomination__state__in=ROUND1_STATES,
            criterion__category=F("nomination__category"),
        )
        .filter(Exists(JuryMembership.objects.filter(edition=edition, juror=OuterRef("juror"))))
        .exclude(
            Exists(
                JurorConflict.objects.filter(
                    nomination=OuterRef("nomination"), juror=OuterRef("juror"), has_conflict=True
                )
            )
        )
        .order_by()
        .values("nomination", "juror")
        .annotate(scored=Count("criterion", distinct=True), needed=Subquery(criteria_needed))
        .filter(scored=F("needed"))
        .count()
    )
    return PrizeProgress(
        edition=edition,
        nominations=[
            StateCount(state=state.value, label=state.label, count=counts.get(state.value, 0))
            for state in NominationState
        ],
        jurors=edition.jurors,
        sheets_expected=edition.round1_nominations * edition.jurors - edition.recusals,
        sheets_complete=complete_sheets,
        ballots_expected=edition.finalist_categories * edition.jurors,
        ballots_ranked=edition.ballots_ranked,
        ballots_abstained=edition.ballots_abstained,
    )
