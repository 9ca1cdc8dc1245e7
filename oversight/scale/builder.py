"""Plan and insert the whole data set, call by call, in one transaction."""

from __future__ import annotations

import random
from collections import defaultdict
from dataclasses import dataclass
from datetime import datetime, time, timedelta
from decimal import Decimal

from django.contrib.auth.hashers import make_password
from django.db import transaction
from django.utils import timezone

from accounts.demo import DEMO_PASSWORD
from applications.budget import add_months, project_years
from common.fiscal import fiscal_year_of
from grants.models import Program
from oversight.scale import agreement_rows, committee, files, people, prize, review_rows, screening
from oversight.scale.agreements import AgreementSim, simulate
from oversight.scale.base import (
    MONTREAL,
    Build,
    Clock,
    History,
    Taxonomy,
    historical_timestamps,
    round_up,
    split_count,
    split_integer,
)
from oversight.scale.calls import CALL_KINDS, OPEN, RANKING, CallInfo, add_envelopes, add_sequences, create_calls
from oversight.scale.plans import FilePlan
from oversight.scale.reviewing import ReviewerPool, plan_reviews
from payments.models import InstallmentState
from reviews.models import DecisionOutcome

THOUSAND = Decimal(1000)
# Share of the amounts requested by the ranked files (in the open call, by the submitted files) that the
# envelopes cover, so that the funding line falls among the files that pass.
RANKING_ENVELOPE_SHARE = Decimal("0.4")
OPEN_CALL_GROUPS = {"draft": 40, "submitted": 20, "screening": 22, "incomplete": 8, "inadmissible": 4, "withdrawn": 6}
RANKING_CALL_OTHERS = {"under_review": 62, "inadmissible": 24, "withdrawn": 14}
DECIDED_CALL_GROUPS = {"decided": 90, "inadmissible": 6, "withdrawn": 4}
DECIDED_CALL_WEIGHTS = (9, 10, 11)


@dataclass(frozen=True)
class Sizes:
    """How many rows of each kind a data set of `applications` files gets."""

    applications: int
    ranked: int
    ranking_call: int
    open_call: int
    decided_calls: tuple[int, int, int]
    agreements: int
    reviews: int
    nominations: int
    organizations: int

    @classmethod
    def of(cls, applications: int) -> Sizes:
        ranked = max(6, round(applications * 0.10))
        ranking_call = max(ranked + 3, round(ranked / 0.72))
        open_call = max(8, round(applications * 0.16))
        rest = max(24, applications - ranking_call - open_call)
        # The archived call and the two decided calls, each a little larger than the one before.
        decided = tuple(split_integer(rest, list(DECIDED_CALL_WEIGHTS)))
        largest = max(*decided, ranking_call, open_call)
        return cls(
            applications=applications,
            ranked=ranked,
            ranking_call=ranking_call,
            open_call=open_call,
            decided_calls=decided,
            agreements=max(3, round(applications * 0.3)),
            reviews=3 * applications,
            nominations=max(12, applications // 20),
            organizations=max(largest + 5, round(largest * 1.25)),
        )


def build_data_set(size: int, seed: int, *, program: Program, now: datetime | None = None) -> Sizes:
    """Build the data set for `size` applications of `program` with the random `seed`.

    The caller checks that the data set is not loaded yet.
    """
    # A seeded generator, so that one seed always gives the same data set; nothing here is a secret.
    rng = random.Random(seed)  # noqa: S311
    # Every event happens before midnight at the start of today, so that two runs on one day build the same rows.
    now = now or datetime.combine(timezone.localdate(), time.min, tzinfo=MONTREAL)
    build = Build(rng, Clock(now, rng), History(), make_password(DEMO_PASSWORD), Taxonomy.load())
    sizes = Sizes.of(size)
    with transaction.atomic(), historical_timestamps():
        first_opening = build.clock.at(add_months(build.clock.today, -1 - 12 * (len(CALL_KINDS) - 1)))
        staff = people.create_staff(build, size, joined=first_opening - timedelta(days=90))
        organizations = people.create_organizations(build, sizes.organizations, joined_before=first_opening)
        calls = create_calls(build, program, staff.managers[0])
        files.store_placeholders(build)
        pool = ReviewerPool.create(build, staff, organizations)
        review_rows.insert_affiliations(pool, first_opening - timedelta(days=30))
        plans = {info.index: _plan_call(build, info, sizes, organizations, staff) for info in calls}
        _plan_reviews(build, calls, plans, pool, sizes)
        _decide(build, calls, plans, sizes, staff)
        _number(plans)
        everything = [plan for call_plans in plans.values() for plan in call_plans]
        files.insert_files(build, everything)
        review_rows.insert_reviews([plan for plan in everything if plan.assignments])
        sims = _insert_decisions(build, plans, staff)
        _add_envelopes(calls, plans, sims)
        _rank(build, calls, plans, staff)
        add_sequences({info.call.pk: sum(1 for plan in plans[info.index] if plan.sequence) for info in calls})
        edition = prize.create_edition(build, program, staff)
        prize.create_nominations(build, edition, staff, organizations, sizes.nominations)
        build.history.save()
    return sizes


def _plan_call(build: Build, info: CallInfo, sizes: Sizes, organizations, staff) -> list[FilePlan]:
    if info.kind == OPEN:
        groups = split_count(sizes.open_call, OPEN_CALL_GROUPS)
    elif info.kind == RANKING:
        groups = {"ranked": sizes.ranked, **split_count(sizes.ranking_call - sizes.ranked, RANKING_CALL_OTHERS)}
    else:
        # The archived call and the two decided calls come first, in the order of sizes.decided_calls.
        groups = split_count(sizes.decided_calls[info.index], DECIDED_CALL_GROUPS)
    chosen = build.rng.sample(organizations, sum(groups.values()))
    names = [group for group, count in groups.items() for _ in range(count)]
    build.rng.shuffle(names)
    return [screening.plan_file(build, info, org, group, staff) for org, group in zip(chosen, names, strict=True)]


def _plan_reviews(build: Build, calls: list[CallInfo], plans, pool: ReviewerPool, sizes: Sizes) -> None:
    """Assign reviewers call by call, with three reviews a file and more on decided files to reach the target."""
    reviewed = {info.index: [plan for plan in plans[info.index] if plan.receivable_at] for info in calls}
    decided = [plan for info in calls if info.kind not in (RANKING, OPEN) for plan in reviewed[info.index]]
    base = 3 * sum(len(call_plans) for call_plans in reviewed.values())
    extra = max(0, sizes.reviews - base)
    share, left = divmod(extra, max(1, len(decided)))
    extras = {id(plan): share + (1 if index < left else 0) for index, plan in enumerate(decided)}
    for info in calls:
        for plan in reviewed[info.index]:
            plan_reviews(build, plan, pool, 3 + extras.get(id(plan), 0))


def _decide(build: Build, calls: list[CallInfo], plans, sizes: Sizes, staff) -> None:
    decided_calls = [info for info in calls if info.kind not in (RANKING, OPEN)]
    approved = split_integer(sizes.agreements, list(sizes.decided_calls))
    for info, wanted in zip(decided_calls, approved, strict=True):
        evaluated = [plan for plan in plans[info.index] if plan.group == screening.DECIDED]
        count = min(wanted, len(evaluated))
        newest = info is decided_calls[-1]
        committee.decide_call(build, info, evaluated, count, staff, late=newest)


def _number(plans: dict[int, list[FilePlan]]) -> None:
    """Give reference numbers in the order of submission, as submit_application does, and log them."""
    for call_plans in plans.values():
        submitted = sorted((plan for plan in call_plans if plan.submitted_at), key=lambda plan: plan.submitted_at)
        for number, plan in enumerate(submitted, start=1):
            plan.sequence = number
            event = next(event for event in plan.events if event.code == "applications.application.submitted")
            event.reason = f"Numéro de dossier {plan.reference}."


def _insert_decisions(build: Build, plans, staff) -> list[AgreementSim]:
    """Insert the recommendations and decisions of the past calls, then the agreements of their approved files."""
    decided = [plan for plan in _all(plans) if plan.decision is not None]
    committee.insert_recommendations([plan for plan in _all(plans) if plan.recommendation is not None])
    committee.insert_decisions(decided)
    references = [0]
    approved = [plan for plan in decided if plan.decision.outcome == DecisionOutcome.APPROVED]
    sims = [simulate(build, plan, staff, references) for plan in approved]
    agreement_rows.insert_agreements(build, sims)
    return sims


def _all(plans) -> list[FilePlan]:
    return [plan for call_plans in plans.values() for plan in call_plans]


def _requested_by_fiscal_year(plan: FilePlan) -> dict[str, Decimal]:
    starts = {year.number: year.starts_on for year in project_years(plan.starts_on, plan.ends_on)}
    amounts: dict[str, Decimal] = defaultdict(Decimal)
    for year, amount in plan.requested.items():
        amounts[fiscal_year_of(starts[year]).label] += amount
    return amounts


def _add_envelopes(calls: list[CallInfo], plans, sims: list[AgreementSim]) -> None:
    """Give each call envelopes that cover its approvals and its installments, per fiscal year.

    The ranking call and the open call get a share of what their files request, so that the ranking's
    funding line falls among the files.
    """
    for info in calls:
        if info.kind in (RANKING, OPEN):
            group = screening.RANKED if info.kind == RANKING else None
            wanted = [
                plan
                for plan in plans[info.index]
                if plan.submitted_at and plan.requested and group in (None, plan.group)
            ]
            totals: dict[str, Decimal] = defaultdict(Decimal)
            for plan in wanted:
                for label, amount in _requested_by_fiscal_year(plan).items():
                    totals[label] += amount * RANKING_ENVELOPE_SHARE
        else:
            totals = _decided_envelopes(info, sims)
        add_envelopes(info.call, {label: round_up(amount, THOUSAND) for label, amount in totals.items()})


def _decided_envelopes(info: CallInfo, sims: list[AgreementSim]) -> dict[str, Decimal]:
    """Per fiscal year, the larger of the amounts granted and the installments planned in it, not cancelled."""
    granted: dict[str, Decimal] = defaultdict(Decimal)
    planned: dict[str, Decimal] = defaultdict(Decimal)
    for sim in sims:
        if sim.plan.call.index != info.index:
            continue
        for label, amount in sim.plan.decision.amounts.values():
            granted[label] += amount
        for item in sim.installments:
            if item.state != InstallmentState.CANCELLED:
                planned[fiscal_year_of(item.due_on).label] += item.amount
    return {label: max(granted[label], planned[label]) for label in set(granted) | set(planned)}


def _rank(build: Build, calls: list[CallInfo], plans, staff) -> None:
    info = next(info for info in calls if info.kind == RANKING)
    ranked = {plan.pk: plan for plan in plans[info.index] if plan.group == screening.RANKED}
    committee.run_ranking_committee(build, info, ranked, staff)
