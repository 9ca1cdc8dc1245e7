"""Read-side querysets of the awards app. Every list of nominations, scores or ballots goes through these.

A juror who declared a conflict with a nomination must see nothing of it anywhere: the querysets for jurors
exclude it, together with its scores and its ballot rankings.
"""

import hashlib

from django.db.models import Count, Exists, OuterRef, Prefetch, Q, QuerySet

from accounts.models import Role
from awards.models import (
    Ballot,
    BallotRanking,
    CoupDeCoeur,
    EditionState,
    JurorConflict,
    JuryMembership,
    Nomination,
    NominationState,
    PrizeEdition,
    Result,
    Round1Score,
)

# Staff who see every nomination of every edition.
AWARDS_STAFF_ROLES = (Role.PROGRAM_MANAGER, Role.PROGRAM_OFFICER)


def is_awards_staff(user) -> bool:
    return user.is_authenticated and any(user.has_role(role) for role in AWARDS_STAFF_ROLES)


def conflicted_nomination_ids(user) -> QuerySet:
    """Return a subquery of the ids of the nominations `user` declared a conflict with."""
    return JurorConflict.objects.filter(juror=user, has_conflict=True).values("nomination_id")


def juror_edition_ids(user) -> QuerySet:
    return JuryMembership.objects.filter(juror=user).values("edition_id")


def nominations_visible_to(user, queryset: QuerySet | None = None) -> QuerySet[Nomination]:
    """Return the nominations `user` may open.

    Staff see all of them. A nominator sees their own in any state. A juror sees the nominations declared
    eligible (and what became of them) in the editions they judge, once they declared no conflict with each.
    """
    queryset = Nomination.objects.all() if queryset is None else queryset
    if not user.is_authenticated:
        return queryset.none()
    if is_awards_staff(user):
        return queryset
    # A juror opens a nomination only once they declared no conflict with it; before that, the jury's own
    # pages show its nominee and category, and nothing else.
    declared_clear = JurorConflict.objects.filter(juror=user, has_conflict=False).values("nomination_id")
    as_juror = Q(edition_id__in=juror_edition_ids(user), state__in=NominationState.screened_in(), pk__in=declared_clear)
    return queryset.filter(Q(nominator=user) | as_juror)


def my_nominations(user) -> QuerySet[Nomination]:
    return (
        Nomination.objects.filter(nominator=user)
        .select_related("edition", "category")
        .prefetch_related("documents")
        .order_by("-created_at", "-pk")
    )


def jury_nominations(user, edition: PrizeEdition) -> QuerySet[Nomination]:
    """Return the nominations a juror works on in `edition`, annotated with `declared` (a declaration exists).

    Conflicted nominations are left out, as everywhere else for that juror.
    """
    if not JuryMembership.objects.filter(edition=edition, juror=user).exists():
        return Nomination.objects.none()
    return (
        Nomination.objects.filter(edition=edition, state__in=NominationState.screened_in())
        .exclude(pk__in=conflicted_nomination_ids(user))
        .annotate(declared=Exists(JurorConflict.objects.filter(nomination=OuterRef("pk"), juror=user)))
        .select_related("category")
        .prefetch_related("documents")
        .order_by("category__position", "pk")
    )


def round1_scores_visible_to(user) -> QuerySet[Round1Score]:
    """Staff see every score; a juror sees only their own, never on a nomination they are conflicted with."""
    if not user.is_authenticated:
        return Round1Score.objects.none()
    if is_awards_staff(user):
        return Round1Score.objects.all()
    return Round1Score.objects.filter(juror=user).exclude(nomination_id__in=conflicted_nomination_ids(user))


def ballots_visible_to(user) -> QuerySet[Ballot]:
    """Program managers see every ballot; a juror sees their own, without the rankings of conflicted finalists."""
    if not user.is_authenticated:
        return Ballot.objects.none()
    if user.has_role(Role.PROGRAM_MANAGER):
        return Ballot.objects.all()
    rankings = BallotRanking.objects.exclude(nomination_id__in=conflicted_nomination_ids(user))
    return Ballot.objects.filter(juror=user).prefetch_related(Prefetch("rankings", queryset=rankings))


def editions_judged_by(user) -> QuerySet[PrizeEdition]:
    if not user.is_authenticated:
        return PrizeEdition.objects.none()
    return PrizeEdition.objects.filter(pk__in=juror_edition_ids(user)).order_by("-year")


def nomination_for_consent_token(token: str) -> Nomination | None:
    """Return the nomination whose consent link carries `token`, or None; only the token's hash is stored."""
    if not token:
        return None
    digest = hashlib.sha256(token.encode()).hexdigest()
    return Nomination.objects.select_related("edition", "category").filter(consent_token_hash=digest).first()


def current_results(edition: PrizeEdition) -> QuerySet[Result]:
    """Return the current (not superseded) result of each category, with its recorded tie-break steps."""
    return (
        Result.objects.filter(category__edition=edition, superseded_at__isnull=True)
        .select_related("category", "laureate")
        .prefetch_related("tie_break_steps")
        .order_by("category__position", "category__code")
    )


def public_results(edition: PrizeEdition) -> dict | None:
    """Return what the public page shows once results are announced, or None before.

    `categories` lists, per category, the laureate (or None) and the finalists. Pages show each nominee's
    `public_name`, which is empty when the nominee has not consented. `coup_de_coeur` follows the same rule.
    """
    if edition.state != EditionState.ANNOUNCED:
        return None
    categories = []
    results = {result.category_id: result for result in current_results(edition)}
    for category in edition.categories.all().order_by("position", "code"):
        finalists = list(
            category.nominations.filter(state__in=[NominationState.FINALIST, NominationState.LAUREATE])
            .select_related("category")
            .order_by("round1_rank", "pk")
        )
        result = results.get(category.pk)
        laureate = next((n for n in finalists if result and n.pk == result.laureate_id), None)
        categories.append({"category": category, "laureate": laureate, "finalists": finalists})
    coup = CoupDeCoeur.objects.filter(edition=edition).select_related("nomination", "nomination__category").first()
    return {"categories": categories, "coup_de_coeur": coup}


def staff_nominations(user):
    """Return the submitted nominations `user` may see, with what the list shows loaded in the same query."""
    return (
        nominations_visible_to(user)
        .exclude(state=NominationState.DRAFT)
        .select_related("edition", "category", "nominator")
        .annotate(document_count=Count("documents"))
        .order_by("-edition__year", "category__position", "submitted_at", "pk")
    )
