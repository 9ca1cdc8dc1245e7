"""The jury's pages and the program manager's results pages of a prize edition.

Jurors declare conflicts, score nominations in round 1 and cast their final-vote ballots from the jury home.
The program manager and the jury president follow round 1 and the vote. The manager closes them, counts,
validates and announces the results, and the president casts the deciding vote when the ladder needs it.

A juror who declared a conflict with a nomination sees nothing of it: the nomination pages return 404, the
lists and counts leave it out, and a category whose round 1 ranking or tally shows it is withheld from that
juror (404 on its tally sheet). Views parse the request, call one function of awards.services and show its
outcome: an AwardsError becomes a form or page error with the service's message, and AlreadyDone an
information message and a redirect.
"""

import logging
from dataclasses import dataclass, field

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.db.models import Count
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import path
from django.utils.translation import gettext as _
from django.views import View

from accounts.models import Role
from awards import documents_jury, selectors, services
from awards.counting import category_shortlist, count_for, missing_sheets
from awards.dashboards import conflicted_option_keys, tied_with_conflict
from awards.forms_jury import (
    AbstentionForm,
    BallotForm,
    CastingVoteForm,
    CloseRound1Form,
    ConflictDeclarationForm,
    CoupDeCoeurForm,
    CutDecisionForm,
    ReasonForm,
    Round1ScoreForm,
)
from awards.models import (
    Ballot,
    BallotStatus,
    Category,
    CoupDeCoeur,
    EditionState,
    JurorConflict,
    JuryMembership,
    Nomination,
    NominationState,
    PrizeEdition,
    Result,
    ResultOutcome,
)
from awards.scoring import CriterionScore, sheet_total, to_decimal
from awards.services.jury import current_cut_decision
from awards.tally import NO_AWARD
from common.files import MissingStoredFile, file_response

logger = logging.getLogger(__name__)

# Editions in which the jury works or can look back on its work.
JURY_STATES = (
    EditionState.SHORTLISTING,
    EditionState.FINAL_VOTE,
    EditionState.RESULTS_VALIDATED,
    EditionState.ANNOUNCED,
)
VOTE_STATES = (EditionState.FINAL_VOTE, EditionState.RESULTS_VALIDATED, EditionState.ANNOUNCED)
FINALIST_STATES = (NominationState.FINALIST, NominationState.LAUREATE)

# Access levels of EditionMixin: a juror of the edition (JUROR), the program manager or the jury president
# (LEAD), the program manager only (MANAGER), or the program manager or any juror (MANAGER_OR_JUROR).
JUROR, LEAD, MANAGER, MANAGER_OR_JUROR = "juror", "lead", "manager", "manager_or_juror"


# Access


def is_vote_open(edition: PrizeEdition) -> bool:
    return edition.state == EditionState.FINAL_VOTE and edition.vote_closed_at is None


def is_vote_closed(edition: PrizeEdition) -> bool:
    return edition.state in VOTE_STATES and edition.vote_closed_at is not None


def withheld_category_ids(user, edition: PrizeEdition, states) -> set[int]:
    """Return the categories that show a nomination in `states` which `user` declared a conflict with.

    The program manager judges nothing, so nothing is withheld from them.
    """
    if user.has_role(Role.PROGRAM_MANAGER):
        return set()
    conflicted = JurorConflict.objects.filter(
        juror=user, has_conflict=True, nomination__edition=edition, nomination__state__in=list(states)
    )
    return set(conflicted.values_list("nomination__category_id", flat=True))


class EditionMixin(LoginRequiredMixin):
    """Fetch the edition of the URL and check `access`, one of the levels above; anyone else gets a 404.

    Views with a `category_pk` also get `self.category`, which must belong to the edition.
    """

    access = JUROR

    def dispatch(self, request, *args, **kwargs):
        if not request.user.is_authenticated:
            return self.handle_no_permission()
        self.edition = get_object_or_404(PrizeEdition, pk=kwargs["pk"])
        user = request.user
        self.is_manager = user.has_role(Role.PROGRAM_MANAGER)
        self.is_juror = user.has_perm("awards.judge_edition", self.edition)
        self.is_president = user.has_perm("awards.cast_deciding_vote", self.edition)
        allowed = {
            JUROR: self.is_juror,
            LEAD: self.is_manager or self.is_president,
            MANAGER: self.is_manager,
            MANAGER_OR_JUROR: self.is_manager or self.is_juror,
        }[self.access]
        if not allowed:
            raise Http404
        if "category_pk" in kwargs:
            self.category = get_object_or_404(Category.objects.select_related("edition"), pk=kwargs["category_pk"])
            if self.category.edition_id != self.edition.pk:
                raise Http404
        return super().dispatch(request, *args, **kwargs)

    def already_done(self, error: services.AlreadyDone, url_name: str):
        messages.info(self.request, str(error))
        return redirect(url_name, pk=self.edition.pk)


# Jury home


@dataclass
class NominationRow:
    nomination: Nomination
    declared: bool
    scored: int
    criteria: int

    @property
    def status(self) -> str:
        if not self.declared:
            return "to_declare"
        if self.scored < self.criteria:
            return "to_score"
        return "scored"


@dataclass
class CategoryBlock:
    category: Category
    rows: list[NominationRow] = field(default_factory=list)
    finalists: list[Nomination] = field(default_factory=list)
    ballot: Ballot | None = None
    result: Result | None = None
    show_tally: bool = False
    casting_vote_awaited: bool = False


def jury_home_blocks(user, edition: PrizeEdition) -> list[CategoryBlock]:
    """Group the nominations the juror may see by category, with their sheets, ballots and results.

    The cost is a fixed number of queries whatever the number of nominations.
    """
    categories = list(edition.categories.annotate(criteria_count=Count("criteria")).order_by("position", "code"))
    blocks = {category.pk: CategoryBlock(category) for category in categories}
    scored = dict(
        selectors.round1_scores_visible_to(user)
        .filter(nomination__edition=edition)
        .values("nomination_id")
        .annotate(count=Count("pk"))
        .values_list("nomination_id", "count")
    )
    for nomination in selectors.jury_nominations(user, edition):
        block = blocks[nomination.category_id]
        block.rows.append(
            NominationRow(nomination, nomination.declared, scored.get(nomination.pk, 0), block.category.criteria_count)
        )
        if nomination.state in FINALIST_STATES:
            block.finalists.append(nomination)
    for ballot in selectors.ballots_visible_to(user).filter(category__edition=edition, juror=user):
        blocks[ballot.category_id].ballot = ballot
    if is_vote_closed(edition):
        withheld = withheld_category_ids(user, edition, FINALIST_STATES)
        conflicted = conflicted_option_keys(user)
        for result in selectors.current_results(edition):
            block = blocks[result.category_id]
            block.result = result
            block.show_tally = result.category_id not in withheld
            block.casting_vote_awaited = (
                result.outcome == ResultOutcome.AWAITING_CASTING_VOTE and not tied_with_conflict(result, conflicted)
            )
    return list(blocks.values())


class JuryHomeView(EditionMixin, View):
    def get(self, request, pk):
        working = self.edition.state in JURY_STATES
        blocks = jury_home_blocks(request.user, self.edition) if working else []
        rows = [row for block in blocks for row in block.rows]
        context = {
            "edition": self.edition,
            "blocks": blocks,
            "working": working,
            "is_president": self.is_president,
            "shortlisting": self.edition.state == EditionState.SHORTLISTING,
            "vote_open": is_vote_open(self.edition),
            "vote_closed": is_vote_closed(self.edition),
            "to_declare": sum(1 for row in rows if row.status == "to_declare"),
            "to_score": sum(1 for row in rows if row.status == "to_score"),
            "ballots_to_cast": sum(1 for block in blocks if block.finalists and block.ballot is None),
        }
        return render(request, "awards/jury/home.html", context)


# A nomination for the juror: conflict declaration, then its content and the round 1 score sheet


class JurorNominationMixin(EditionMixin):
    """Fetch a nomination the juror may see; one they declared a conflict with raises Http404."""

    def load_nomination(self, nomination_pk: int) -> Nomination:
        if self.edition.state not in JURY_STATES:
            raise Http404
        return get_object_or_404(
            selectors.jury_nominations(self.request.user, self.edition).select_related("edition"), pk=nomination_pk
        )


def juror_scores(user, nomination: Nomination) -> dict:
    """Return criterion id → the juror's score on `nomination`."""
    rows = selectors.round1_scores_visible_to(user).filter(nomination=nomination, juror=user)
    return dict(rows.values_list("criterion_id", "score"))


def render_nomination_page(request, edition, nomination: Nomination, *, status: int = 200, **overrides):
    """Show only the nominee's name and category until the juror declares; then the content and the sheet."""
    criteria = list(nomination.category.criteria.order_by("position", "pk"))
    scores = juror_scores(request.user, nomination)
    declaring_open = edition.state == EditionState.SHORTLISTING or is_vote_open(edition)
    can_score = edition.state == EditionState.SHORTLISTING and nomination.state == NominationState.ELIGIBLE
    total = None
    if criteria and len(scores) == len(criteria):
        total = to_decimal(sheet_total(CriterionScore(c.weight, c.maximum, scores[c.pk]) for c in criteria), places=2)
    context = {
        "edition": edition,
        "nomination": nomination,
        "declared": nomination.declared,
        "declaring_open": declaring_open,
        "declaration_form": ConflictDeclarationForm(),
        "can_score": can_score,
        "criteria_rows": [(criterion, scores.get(criterion.pk)) for criterion in criteria],
        "scored": len(scores),
        "total": total,
        "page_error": "",
    }
    if nomination.declared:
        context["documents"] = list(nomination.documents.all())
        if can_score:
            context["score_form"] = Round1ScoreForm(criteria=criteria, scores=scores)
    context.update(overrides)
    if "score_form" in overrides and not (nomination.declared and can_score):
        # The sheet is not on the page (no declaration yet, or round 1 closed), so its errors go on top.
        context["page_error"] = " ".join(overrides["score_form"].non_field_errors())
    return render(request, "awards/jury/nomination.html", context, status=status)


class JurorNominationView(JurorNominationMixin, View):
    def get(self, request, pk, nomination_pk):
        nomination = self.load_nomination(nomination_pk)
        return render_nomination_page(request, self.edition, nomination)


class DeclareConflictView(EditionMixin, View):
    """Record the juror's declaration on one nomination.

    A second click after a conflict was declared reaches the service, which raises AlreadyDone, instead of
    the 404 that the nomination's page now returns.
    """

    def get(self, request, pk, nomination_pk):
        return redirect("awards:jury_nomination", pk=pk, nomination_pk=nomination_pk)

    def post(self, request, pk, nomination_pk):
        nomination = get_object_or_404(
            Nomination.objects.select_related("category"),
            pk=nomination_pk,
            edition=self.edition,
            state__in=NominationState.screened_in(),
        )
        form = ConflictDeclarationForm(request.POST)
        if not form.is_valid():
            return self.invalid(request, nomination_pk, form)
        try:
            services.declare_conflict(
                nomination=nomination,
                juror=request.user,
                has_conflict=form.conflict,
                comment=form.cleaned_data["comment"],
            )
        except services.AlreadyDone as error:
            return self.already_done(error, "awards:jury_home")
        except services.AwardsError as error:
            form.add_error(None, str(error))
            return self.invalid(request, nomination_pk, form)
        if form.conflict:
            messages.success(
                request, _("Your conflict of interest is recorded. The nomination is withdrawn from your lists.")
            )
            return redirect("awards:jury_home", pk=pk)
        messages.success(request, _("Your declaration is recorded. You can now read and score the nomination."))
        return redirect("awards:jury_nomination", pk=pk, nomination_pk=nomination_pk)

    def invalid(self, request, nomination_pk, form):
        nomination = get_object_or_404(selectors.jury_nominations(request.user, self.edition), pk=nomination_pk)
        return render_nomination_page(request, self.edition, nomination, declaration_form=form)


class ScoreView(JurorNominationMixin, View):
    def get(self, request, pk, nomination_pk):
        return redirect("awards:jury_nomination", pk=pk, nomination_pk=nomination_pk)

    def post(self, request, pk, nomination_pk):
        nomination = self.load_nomination(nomination_pk)
        criteria = list(nomination.category.criteria.order_by("position", "pk"))
        form = Round1ScoreForm(request.POST, criteria=criteria, scores=juror_scores(request.user, nomination))
        if not form.is_valid():
            return render_nomination_page(request, self.edition, nomination, score_form=form)
        try:
            services.save_round1_scores(nomination=nomination, juror=request.user, scores=form.scores())
        except services.AwardsError as error:
            form.add_error(None, str(error))
            return render_nomination_page(request, self.edition, nomination, score_form=form)
        if len(juror_scores(request.user, nomination)) == len(criteria):
            messages.success(request, _("Your score sheet is saved and complete."))
        else:
            messages.success(request, _("Your scores are saved. The sheet counts once every criterion is scored."))
        return redirect("awards:jury_nomination", pk=pk, nomination_pk=nomination_pk)


class JurorDocumentView(JurorNominationMixin, View):
    """A support document, for a juror who declared no conflict with the nomination."""

    def get(self, request, pk, nomination_pk, document_id):
        nomination = self.load_nomination(nomination_pk)
        if not nomination.declared:
            raise Http404
        document = get_object_or_404(nomination.documents, pk=document_id)
        try:
            return file_response(document.file, document.filename)
        except MissingStoredFile:
            logger.error("Nomination document %s has no stored file %r.", document.pk, document.file.name)
            context = {"filename": document.filename, "reference": nomination.pk}
            return render(request, "common/file_missing.html", context, status=410)


# Round 1: the shortlist of each category, the jury's decision on a tie, and the close


@dataclass
class RankingLine:
    nomination_id: int
    name: str
    mean: object  # Decimal on 100, or None without a complete sheet
    place: str  # "finalist", "tied" or "below"


@dataclass
class ShortlistBlock:
    category: Category
    lines: list[RankingLine]
    missing: list[tuple[str, str]]  # (nominee, juror)
    has_tie: bool = False
    seats_left: int = 0
    decision: object = None
    decision_current: bool = False
    form: CutDecisionForm | None = None


def shortlist_block(category: Category, names: dict[int, str], jurors: dict[int, str], form=None) -> ShortlistBlock:
    cut, means = category_shortlist(category)
    places = {pk: "finalist" for pk in cut.finalists} | {pk: "tied" for pk in cut.tied}
    lines = [
        RankingLine(pk, names.get(pk, str(pk)), to_decimal(mean, places=2), places.get(pk, "below"))
        for pk, mean in cut.ranking
    ]
    lines += [RankingLine(pk, names.get(pk, str(pk)), None, "below") for pk, mean in means.items() if mean is None]
    block = ShortlistBlock(
        category=category,
        lines=lines,
        missing=[(names.get(n, str(n)), jurors.get(j, str(j))) for n, j in missing_sheets(category)],
        has_tie=cut.has_tie,
        seats_left=cut.seats_left,
    )
    if cut.has_tie:
        block.decision = current_cut_decision(category)
        block.decision_current = block.decision is not None and sorted(block.decision.tied) == sorted(
            str(pk) for pk in cut.tied
        )
        tied = [Nomination(pk=pk, nominee_name=names.get(pk, str(pk))) for pk in cut.tied]
        block.form = form or CutDecisionForm(tied=tied, seats_left=cut.seats_left, prefix=f"cut-{category.pk}")
    return block


def juror_names(edition: PrizeEdition) -> dict[int, str]:
    memberships = JuryMembership.objects.filter(edition=edition).select_related("juror")
    return {m.juror_id: m.juror.get_full_name() or m.juror.email for m in memberships}


def nominee_names(edition: PrizeEdition) -> dict[int, str]:
    rows = Nomination.objects.filter(edition=edition, state__in=NominationState.screened_in())
    return dict(rows.values_list("pk", "nominee_name"))


def render_round1_page(request, view, *, status: int = 200, forms_by_category=None, close_form=None, page_error=""):
    edition = view.edition
    forms_by_category = forms_by_category or {}
    withheld = withheld_category_ids(request.user, edition, NominationState.screened_in())
    categories = list(edition.categories.order_by("position", "code"))
    context = {
        "edition": edition,
        "is_manager": view.is_manager,
        "can_close": view.is_manager or view.is_president,
        "shortlisting": edition.state == EditionState.SHORTLISTING,
        "withheld": [category for category in categories if category.pk in withheld],
        "close_form": close_form or CloseRound1Form(),
        "page_error": page_error,
    }
    if edition.state == EditionState.SHORTLISTING:
        names, jurors = nominee_names(edition), juror_names(edition)
        blocks = [
            shortlist_block(category, names, jurors, forms_by_category.get(category.pk))
            for category in categories
            if category.pk not in withheld
        ]
        context.update(blocks=blocks, missing_total=sum(len(block.missing) for block in blocks))
    elif edition.state in VOTE_STATES:
        retained = (
            Nomination.objects.filter(edition=edition, state__in=NominationState.screened_in())
            .exclude(category_id__in=withheld)
            .select_related("category")
            .order_by("category__position", "round1_rank", "pk")
        )
        context["outcome"] = [
            (category, [n for n in retained if n.category_id == category.pk])
            for category in categories
            if category.pk not in withheld
        ]
    return render(request, "awards/jury/round1.html", context, status=status)


class Round1View(EditionMixin, View):
    access = LEAD

    def get(self, request, pk):
        return render_round1_page(request, self)


class CutDecisionView(EditionMixin, View):
    access = LEAD

    def get(self, request, pk, category_pk):
        return redirect("awards:round1", pk=pk)

    def post(self, request, pk, category_pk):
        if self.category.pk in withheld_category_ids(request.user, self.edition, NominationState.screened_in()):
            raise Http404
        cut, _means = category_shortlist(self.category)
        if not cut.has_tie:
            messages.info(request, _("There is no tie at the finalist cut in this category."))
            return redirect("awards:round1", pk=pk)
        names = nominee_names(self.edition)
        tied = [Nomination(pk=nomination_pk, nominee_name=names.get(nomination_pk, "")) for nomination_pk in cut.tied]
        form = CutDecisionForm(request.POST, tied=tied, seats_left=cut.seats_left, prefix=f"cut-{self.category.pk}")
        if not form.is_valid():
            return render_round1_page(request, self, forms_by_category={self.category.pk: form})
        try:
            services.record_cut_decision(
                category=self.category,
                actor=request.user,
                retained=form.cleaned_data["retained"],
                reason=form.cleaned_data["reason"],
            )
        except services.AwardsError as error:
            form.add_error(None, str(error))
            return render_round1_page(request, self, forms_by_category={self.category.pk: form})
        messages.success(request, _("The jury's decision on the tie is recorded."))
        return redirect("awards:round1", pk=pk)


class CloseRound1View(EditionMixin, View):
    access = LEAD

    def get(self, request, pk):
        return redirect("awards:round1", pk=pk)

    def post(self, request, pk):
        form = CloseRound1Form(request.POST)
        if not form.is_valid():
            return render_round1_page(request, self, close_form=form)
        try:
            services.close_round1(
                edition=self.edition,
                actor=request.user,
                missing_sheets_reason=form.cleaned_data["missing_sheets_reason"],
            )
        except services.AlreadyDone as error:
            return self.already_done(error, "awards:round1")
        except services.AwardsError as error:
            form.add_error(None, str(error))
            return render_round1_page(request, self, close_form=form)
        messages.success(request, _("Round 1 is closed. The finalists are chosen and the jurors are invited to vote."))
        return redirect("awards:vote", pk=pk)


# Final vote: the ballot of a category, the progress of the vote, and its close


def juror_finalists(user, edition: PrizeEdition, category: Category) -> list[Nomination]:
    """Return the finalists of `category` the juror may see, in round 1 order, with `declared` annotated."""
    return list(
        selectors.jury_nominations(user, edition)
        .filter(category=category, state__in=FINALIST_STATES)
        .order_by("round1_rank", "pk")
    )


class BallotView(EditionMixin, View):
    """The juror's ballot in one category: a ranking of the finalists and « Aucun lauréat », or an abstention."""

    def page(self, request, *, ballot_form=None, abstention_form=None, page_error="", status=200):
        finalists = juror_finalists(request.user, self.edition, self.category)
        ballot = selectors.ballots_visible_to(request.user).filter(category=self.category, juror=request.user).first()
        names = {str(nomination.pk): nomination.nominee_name for nomination in finalists}
        names[NO_AWARD] = _("No laureate")
        rankings = []
        if ballot is not None and ballot.status == BallotStatus.SUBMITTED:
            rankings = [
                (ranking.rank, names.get(str(ranking.nomination_id or NO_AWARD), ""))
                for ranking in ballot.rankings.all()
            ]
        context = {
            "edition": self.edition,
            "category": self.category,
            "finalists": finalists,
            "undeclared": [nomination for nomination in finalists if not nomination.declared],
            "ballot": ballot,
            "rankings": rankings,
            "vote_open": is_vote_open(self.edition),
            "ballot_form": ballot_form or BallotForm(finalists=finalists),
            "abstention_form": abstention_form or AbstentionForm(),
            "page_error": page_error,
        }
        return render(request, "awards/jury/ballot.html", context, status=status)

    def get(self, request, pk, category_pk):
        if self.edition.state not in VOTE_STATES:
            raise Http404
        return self.page(request)

    def post(self, request, pk, category_pk):
        if self.edition.state not in VOTE_STATES:
            raise Http404
        # The abstention form's button names it, because its checkbox is absent from the POST when unchecked.
        abstaining = "abstention" in request.POST
        finalists = juror_finalists(request.user, self.edition, self.category)
        form = AbstentionForm(request.POST) if abstaining else BallotForm(request.POST, finalists=finalists)
        form_name = "abstention_form" if abstaining else "ballot_form"
        if not form.is_valid():
            return self.page(request, **{form_name: form})
        try:
            if abstaining:
                services.submit_ballot(category=self.category, juror=request.user, abstain=True)
            else:
                services.submit_ballot(category=self.category, juror=request.user, ranks=form.ranks())
        except services.AlreadyDone as error:
            messages.info(request, str(error))
            return redirect("awards:ballot", pk=pk, category_pk=category_pk)
        except services.AwardsError as error:
            form.add_error(None, str(error))
            return self.page(request, **{form_name: form})
        if abstaining:
            messages.success(request, _("Your abstention is recorded."))
        else:
            messages.success(request, _("Your ballot is recorded. Thank you."))
        return redirect("awards:jury_home", pk=pk)


@dataclass
class VoteBlock:
    category: Category
    statuses: list
    quorum: list
    quorum_met: bool
    status_totals: list


def render_vote_page(request, view, *, status: int = 200, page_error: str = ""):
    edition = view.edition
    withheld = withheld_category_ids(request.user, edition, FINALIST_STATES)
    categories = list(edition.categories.order_by("position", "code"))
    blocks = []
    if is_vote_open(edition):
        for category in categories:
            if category.pk in withheld:
                continue
            sheet = documents_jury.build_tally_sheet(category, count_for(category).as_json())
            blocks.append(VoteBlock(category, sheet.statuses, sheet.quorum, sheet.quorum_met, sheet.status_totals))
    context = {
        "edition": edition,
        "is_manager": view.is_manager,
        "can_close": view.is_manager or view.is_president,
        "vote_open": is_vote_open(edition),
        "vote_closed": is_vote_closed(edition),
        "blocks": blocks,
        "withheld": [category for category in categories if category.pk in withheld],
        "page_error": page_error,
    }
    return render(request, "awards/jury/vote.html", context, status=status)


class VoteView(EditionMixin, View):
    access = LEAD

    def get(self, request, pk):
        if self.edition.state not in VOTE_STATES:
            raise Http404
        return render_vote_page(request, self)


class CloseVoteView(EditionMixin, View):
    access = LEAD

    def get(self, request, pk):
        return redirect("awards:vote", pk=pk)

    def post(self, request, pk):
        try:
            services.close_vote(edition=self.edition, actor=request.user)
        except services.AlreadyDone as error:
            return self.already_done(error, "awards:results")
        except services.AwardsError as error:
            return render_vote_page(request, self, page_error=str(error))
        messages.success(request, _("The final vote is closed and counted."))
        return redirect("awards:results", pk=pk)


class CastingVoteView(EditionMixin, View):
    """The jury president's casting vote among the options the ladder left tied."""

    def load(self, request):
        """Return (result, tied keys) or raise Http404 for anyone but a president free of conflict with them."""
        if not self.is_president or not is_vote_closed(self.edition):
            raise Http404
        result = Result.objects.filter(category=self.category, superseded_at__isnull=True).first()
        tied = list(result.tally.get("awaiting_casting_vote", [])) if result is not None else []
        tied_ids = [int(key) for key in tied if key != NO_AWARD]
        if JurorConflict.objects.filter(juror=request.user, nomination_id__in=tied_ids, has_conflict=True).exists():
            raise Http404
        return result, tied

    def form(self, tied: list[str], data=None) -> CastingVoteForm:
        nominations = {
            str(nomination.pk): nomination
            for nomination in Nomination.objects.filter(pk__in=[int(key) for key in tied if key != NO_AWARD])
        }
        options = [
            (key, _("No laureate") if key == NO_AWARD else nominations[key].nominee_name)
            for key in tied
            if key == NO_AWARD or key in nominations
        ]
        return CastingVoteForm(data, options=options, nominations=nominations)

    def page(self, request, result, form, status=200):
        withheld = withheld_category_ids(request.user, self.edition, FINALIST_STATES)
        context = {
            "edition": self.edition,
            "category": self.category,
            "result": result,
            "form": form,
            "show_tally": self.category.pk not in withheld,
        }
        return render(request, "awards/jury/casting_vote.html", context, status=status)

    def not_awaited(self, request):
        messages.info(request, _("This category does not await a casting vote."))
        return redirect("awards:jury_home", pk=self.edition.pk)

    def get(self, request, pk, category_pk):
        result, tied = self.load(request)
        if result is None or result.outcome != ResultOutcome.AWAITING_CASTING_VOTE:
            return self.not_awaited(request)
        return self.page(request, result, self.form(tied))

    def post(self, request, pk, category_pk):
        result, tied = self.load(request)
        if result is None or result.outcome != ResultOutcome.AWAITING_CASTING_VOTE:
            # The same message as the service's AlreadyDone, for a second click after the vote was recorded.
            return self.not_awaited(request)
        form = self.form(tied, request.POST)
        if not form.is_valid():
            return self.page(request, result, form)
        try:
            services.record_casting_vote(
                category=self.category,
                actor=request.user,
                choice=form.chosen_nomination(),
                reason=form.cleaned_data["reason"],
            )
        except services.AlreadyDone as error:
            return self.already_done(error, "awards:jury_home")
        except services.AwardsError as error:
            form.add_error(None, str(error))
            return self.page(request, result, form)
        messages.success(request, _("Your casting vote is recorded."))
        return redirect("awards:tally", pk=pk, category_pk=category_pk)


# Results: the count of each category, validation, Coup de cœur, announcement and certificates


@dataclass
class ResultBlock:
    category: Category
    sheet: documents_jury.TallySheet
    recount_form: ReasonForm | None = None


def recount_form(data=None, *, category: Category) -> ReasonForm:
    return ReasonForm(
        data,
        prefix=f"recount-{category.pk}",
        label=_("Reason for counting again"),
        help_text=_("For example, a finalist withdrew. A casting vote already given must then be given again."),
    )


def coup_de_coeur_choices(edition: PrizeEdition):
    """Return the nominations that may receive the Coup de cœur: declared eligible, with the nominee's consent."""
    candidates = list(
        Nomination.objects.filter(edition=edition, state__in=NominationState.screened_in())
        .select_related("category")
        .order_by("category__position", "nominee_name", "pk")
    )
    return Nomination.objects.filter(pk__in=[n.pk for n in candidates if n.has_consent]).select_related("category")


def render_results_page(request, edition, *, status: int = 200, recount_forms=None, coup_form=None, page_error=""):
    recount_forms = recount_forms or {}
    categories = list(edition.categories.order_by("position", "code"))
    vote_closed = is_vote_closed(edition)
    can_recount = edition.state == EditionState.FINAL_VOTE and vote_closed
    blocks = []
    if vote_closed:
        results = {result.category_id: result for result in selectors.current_results(edition)}
        for category in categories:
            result = results.get(category.pk)
            if result is None:
                continue
            form = None
            if can_recount:
                form = recount_forms.get(category.pk) or recount_form(category=category)
            blocks.append(ResultBlock(category, documents_jury.result_sheet(result), form))
    elif is_vote_open(edition):
        for category in categories:
            sheet = documents_jury.build_tally_sheet(category, count_for(category).as_json())
            blocks.append(ResultBlock(category, sheet))
    validated = edition.state in (EditionState.RESULTS_VALIDATED, EditionState.ANNOUNCED)
    coup = CoupDeCoeur.objects.filter(edition=edition).select_related("nomination__category").first()
    context = {
        "edition": edition,
        "blocks": blocks,
        "vote_open": is_vote_open(edition),
        "vote_closed": vote_closed,
        "can_validate": can_recount,
        "validated": validated,
        "can_choose_coup": edition.state == EditionState.RESULTS_VALIDATED,
        "can_announce": edition.state == EditionState.RESULTS_VALIDATED,
        "announced": edition.state == EditionState.ANNOUNCED,
        "coup_de_coeur": coup,
        "page_error": page_error,
        "laureates": list(
            Nomination.objects.filter(edition=edition, state=NominationState.LAUREATE)
            .select_related("category")
            .order_by("category__position", "pk")
        )
        if validated
        else [],
    }
    if edition.state == EditionState.RESULTS_VALIDATED:
        context["coup_form"] = coup_form or CoupDeCoeurForm(
            nominations=coup_de_coeur_choices(edition),
            initial={"nomination": coup.nomination_id, "citation": coup.citation} if coup else None,
        )
    return render(request, "awards/results/results.html", context, status=status)


class ResultsView(EditionMixin, View):
    access = MANAGER

    def get(self, request, pk):
        if self.edition.state not in VOTE_STATES:
            raise Http404
        return render_results_page(request, self.edition)


class RecountView(EditionMixin, View):
    access = MANAGER

    def get(self, request, pk, category_pk):
        return redirect("awards:results", pk=pk)

    def post(self, request, pk, category_pk):
        form = recount_form(request.POST, category=self.category)
        if not form.is_valid():
            return render_results_page(request, self.edition, recount_forms={self.category.pk: form})
        try:
            services.recount_category(category=self.category, actor=request.user, reason=form.cleaned_data["reason"])
        except services.AwardsError as error:
            form.add_error(None, str(error))
            return render_results_page(request, self.edition, recount_forms={self.category.pk: form})
        messages.success(request, _("The category is counted again."))
        return redirect("awards:results", pk=pk)


class ValidateResultsView(EditionMixin, View):
    access = MANAGER

    def get(self, request, pk):
        return redirect("awards:results", pk=pk)

    def post(self, request, pk):
        try:
            services.validate_results(edition=self.edition, actor=request.user)
        except services.AlreadyDone as error:
            return self.already_done(error, "awards:results")
        except services.AwardsError as error:
            return render_results_page(request, self.edition, page_error=str(error))
        messages.success(
            request, _("The results are validated. You can now choose the Coup de cœur and announce them.")
        )
        return redirect("awards:results", pk=pk)


class CoupDeCoeurView(EditionMixin, View):
    access = MANAGER

    def get(self, request, pk):
        return redirect("awards:results", pk=pk)

    def post(self, request, pk):
        if "remove" in request.POST:
            return self.remove(request)
        form = CoupDeCoeurForm(request.POST, nominations=coup_de_coeur_choices(self.edition))
        if not form.is_valid():
            return render_results_page(request, self.edition, coup_form=form)
        try:
            services.set_coup_de_coeur(
                edition=self.edition,
                nomination=form.cleaned_data["nomination"],
                actor=request.user,
                citation=form.cleaned_data["citation"],
            )
        except services.AwardsError as error:
            form.add_error(None, str(error))
            return render_results_page(request, self.edition, coup_form=form)
        messages.success(request, _("The Coup de cœur is recorded."))
        return redirect("awards:results", pk=pk)

    def remove(self, request):
        try:
            services.remove_coup_de_coeur(edition=self.edition, actor=request.user)
        except services.AlreadyDone as error:
            return self.already_done(error, "awards:results")
        except services.AwardsError as error:
            return render_results_page(request, self.edition, page_error=str(error))
        messages.success(request, _("The Coup de cœur is removed."))
        return redirect("awards:results", pk=self.edition.pk)


class AnnounceView(EditionMixin, View):
    access = MANAGER

    def get(self, request, pk):
        return redirect("awards:results", pk=pk)

    def post(self, request, pk):
        try:
            services.announce_results(edition=self.edition, actor=request.user)
        except services.AlreadyDone as error:
            return self.already_done(error, "awards:results")
        except services.AwardsError as error:
            return render_results_page(request, self.edition, page_error=str(error))
        messages.success(request, _("The results are announced. The public prize page now shows them."))
        return redirect("awards:results", pk=pk)


# Tally sheet of a category: the page and the PDF


class TallyMixin(EditionMixin):
    """The program manager, or after the vote closes a juror free of conflict with the category's finalists."""

    access = MANAGER_OR_JUROR

    def check_access(self, request):
        if self.is_manager:
            return
        if not self.is_juror or not is_vote_closed(self.edition):
            raise Http404
        if self.category.pk in withheld_category_ids(request.user, self.edition, FINALIST_STATES):
            raise Http404

    def current_result(self) -> Result | None:
        return (
            Result.objects.filter(category=self.category, superseded_at__isnull=True)
            .select_related("category__edition", "computed_by", "validated_by", "laureate")
            .first()
        )


class TallyView(TallyMixin, View):
    def get(self, request, pk, category_pk):
        self.check_access(request)
        result = self.current_result()
        if result is not None:
            sheet = documents_jury.result_sheet(result)
        elif self.is_manager and is_vote_open(self.edition):
            sheet = documents_jury.build_tally_sheet(self.category, count_for(self.category).as_json())
        else:
            raise Http404
        context = {
            "edition": self.edition,
            "category": self.category,
            "sheet": sheet,
            "result": result,
            "is_manager": self.is_manager,
            "can_cast": self.is_president
            and result is not None
            and result.outcome == ResultOutcome.AWAITING_CASTING_VOTE,
        }
        return render(request, "awards/results/tally.html", context)


def pdf_response(document):
    response = file_response(document.file, document.filename, as_attachment=False)
    response["Cache-Control"] = "private, no-store"
    return response


class TallyPdfView(TallyMixin, View):
    def get(self, request, pk, category_pk):
        self.check_access(request)
        result = self.current_result()
        if result is None:
            raise Http404
        document = documents_jury.current_document(
            owner=result,
            kind=documents_jury.TALLY_SHEET,
            changed_at=documents_jury.result_changed_at(result),
            actor=request.user,
        )
        try:
            return pdf_response(document)
        except MissingStoredFile:
            logger.error("Tally sheet document %s has no stored file %r.", document.pk, document.file.name)
            context = {"filename": document.filename, "reference": document.pk}
            return render(request, "common/file_missing.html", context, status=410)


class CertificateView(LoginRequiredMixin, View):
    """Serve the certificate of a laureate or of the Coup de cœur.

    The program manager may download it once the results are validated, the nominator once they are announced.
    """

    def get(self, request, nomination_pk):
        nomination = get_object_or_404(Nomination.objects.select_related("edition", "category"), pk=nomination_pk)
        user = request.user
        if not user.has_perm("awards.view_nomination", nomination) or not documents_jury.has_certificate(nomination):
            raise Http404
        is_nominator = nomination.nominator_id == user.pk
        announced = nomination.edition.state == EditionState.ANNOUNCED
        if not (user.has_role(Role.PROGRAM_MANAGER) or (is_nominator and announced)):
            raise Http404
        document = documents_jury.current_document(
            owner=nomination,
            kind=documents_jury.CERTIFICATE,
            changed_at=documents_jury.certificate_changed_at(nomination),
            actor=user,
        )
        try:
            return pdf_response(document)
        except MissingStoredFile:
            logger.error("Certificate document %s has no stored file %r.", document.pk, document.file.name)
            context = {"filename": document.filename, "reference": document.pk}
            return render(request, "common/file_missing.html", context, status=410)


urlpatterns = [
    path("jury/<int:pk>/", JuryHomeView.as_view(), name="jury_home"),
    path("jury/<int:pk>/candidatures/<int:nomination_pk>/", JurorNominationView.as_view(), name="jury_nomination"),
    path(
        "jury/<int:pk>/candidatures/<int:nomination_pk>/conflit/",
        DeclareConflictView.as_view(),
        name="jury_declare",
    ),
    path("jury/<int:pk>/candidatures/<int:nomination_pk>/notes/", ScoreView.as_view(), name="jury_score"),
    path(
        "jury/<int:pk>/candidatures/<int:nomination_pk>/documents/<int:document_id>/",
        JurorDocumentView.as_view(),
        name="jury_document",
    ),
    path("jury/<int:pk>/tour-1/", Round1View.as_view(), name="round1"),
    path("jury/<int:pk>/tour-1/cloture/", CloseRound1View.as_view(), name="close_round1"),
    path("jury/<int:pk>/categories/<int:category_pk>/ex-aequo/", CutDecisionView.as_view(), name="cut_decision"),
    path("jury/<int:pk>/categories/<int:category_pk>/bulletin/", BallotView.as_view(), name="ballot"),
    path("jury/<int:pk>/vote/", VoteView.as_view(), name="vote"),
    path("jury/<int:pk>/vote/cloture/", CloseVoteView.as_view(), name="close_vote"),
    path(
        "jury/<int:pk>/categories/<int:category_pk>/voix-preponderante/",
        CastingVoteView.as_view(),
        name="casting_vote",
    ),
    path("resultats/<int:pk>/", ResultsView.as_view(), name="results"),
    path("resultats/<int:pk>/validation/", ValidateResultsView.as_view(), name="validate_results"),
    path("resultats/<int:pk>/coup-de-coeur/", CoupDeCoeurView.as_view(), name="coup_de_coeur"),
    path("resultats/<int:pk>/annonce/", AnnounceView.as_view(), name="announce"),
    path("resultats/<int:pk>/categories/<int:category_pk>/", TallyView.as_view(), name="tally"),
    path("resultats/<int:pk>/categories/<int:category_pk>/depouillement.pdf", TallyPdfView.as_view(), name="tally_pdf"),
    path("resultats/<int:pk>/categories/<int:category_pk>/recomptage/", RecountView.as_view(), name="recount"),
    path("resultats/candidatures/<int:nomination_pk>/certificat.pdf", CertificateView.as_view(), name="certificate"),
]
