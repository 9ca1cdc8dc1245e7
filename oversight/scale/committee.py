"""The selection committee's recommendations and the decision maker's decisions.

In the calls whose files are all decided, the committee recommended the best-scored files, up to the number
of agreements the data set needs, and the decision maker approved them at the recommended amounts, except a
few declined.

In the ranking call, the committee is half-way through its meeting. It went down the real ranking
(reviews.ranking.rank_call) and recommended the files within the funding line, with a few departures from
the ranking that carry a rationale. It has not discussed the files further down yet.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import Decimal

from applications.budget import add_months, project_years
from applications.models import Application, ApplicationState
from common.fiscal import fiscal_year_of
from oversight.scale.base import Build, insert, round_to
from oversight.scale.calls import CallInfo
from oversight.scale.people import Staff
from oversight.scale.plans import FilePlan, plan_project
from payments.models import AgreementState
from reviews.committee import departs_from_ranking
from reviews.models import (
    ApprovedAmount,
    CommitteeDecision,
    CommitteeRecommendation,
    Decision,
    DecisionOutcome,
    RecommendedAmount,
)
from reviews.ranking import rank_call

# Share of the recommended files that the decision maker declines anyway.
DECLINED_AFTER_RECOMMENDATION = 0.03
# Share of the recommended files whose amounts the committee lowers to 90 % of the request.
REDUCED_SHARE = 0.15
# Share of the ranked files the committee has discussed so far in the ranking call.
DISCUSSED_SHARE = 0.65
# Chance that the committee departs from the ranking on a file it discusses.
DEPARTURE_SHARE = 0.03
# Share of the approved files of the newest decided call approved in the last weeks, with projects starting
# in the coming months: their agreements are still drafts or out for signature. They take each of these
# signature steps in turn, so that even a small data set has an agreement at each.
LATE_SHARE = 0.08
LATE_STAGES = (
    AgreementState.DRAFT,
    AgreementState.SENT_FOR_SIGNATURE,
    AgreementState.SIGNED_BY_ORGANIZATION,
    AgreementState.ACTIVE,
)
DEPARTURE_RATIONALE = "Le comité s’écarte du classement pour assurer la présence du programme dans cette région."
NOT_RECOMMENDED_REASON = "Le comité de sélection n’a pas recommandé le projet."
DECLINED_REASON = "Le projet recoupe une mesure gouvernementale déjà offerte dans la région."


@dataclass
class RecommendationPlan:
    decision: str
    amounts: dict[int, Decimal]
    rationale: str
    departs: bool
    recorded_by: int
    recorded_at: datetime


@dataclass
class DecisionPlan:
    outcome: str
    reason: str
    decided_by: int
    decided_at: datetime
    # Project year → (fiscal year in which it starts, amount granted).
    amounts: dict[int, tuple[str, Decimal]]
    # For an approval of the last weeks, the signature step its agreement stops at; "" lets time decide.
    agreement_stage: str = ""


def _recommended_amounts(build: Build, plan: FilePlan) -> dict[int, Decimal]:
    if build.rng.random() >= REDUCED_SHARE:
        return dict(plan.requested)
    return {year: round_to(amount * Decimal("0.9"), Decimal(100)) for year, amount in plan.requested.items()}


def _granted(plan: FilePlan) -> dict[int, tuple[str, Decimal]]:
    starts = {year.number: year.starts_on for year in project_years(plan.starts_on, plan.ends_on)}
    return {
        year: (fiscal_year_of(starts[year]).label, amount)
        for year, amount in plan.recommendation.amounts.items()
        if amount > 0
    }


def _recommend(build: Build, plan: FilePlan, decision: str, at: datetime, actor: int, *, departs: bool) -> None:
    rationale = DEPARTURE_RATIONALE if departs else ""
    amounts = _recommended_amounts(build, plan) if decision == CommitteeDecision.RECOMMEND else {}
    plan.recommendation = RecommendationPlan(decision, amounts, rationale, departs, actor, at)
    if decision == CommitteeDecision.RECOMMEND:
        plan.move("applications.application.recommended", ApplicationState.RECOMMENDED, at, actor, rationale)
    else:
        plan.move("applications.application.not_recommended", ApplicationState.NOT_RECOMMENDED, at, actor, rationale)


def _decide(plan: FilePlan, approve: bool, at: datetime, actor: int, reason: str) -> None:
    if approve:
        plan.decision = DecisionPlan(DecisionOutcome.APPROVED, reason, actor, at, _granted(plan))
        plan.move("applications.application.approved", ApplicationState.APPROVED, at, actor, reason)
    else:
        plan.decision = DecisionPlan(DecisionOutcome.DECLINED, reason, actor, at, {})
        plan.move("applications.application.declined", ApplicationState.DECLINED, at, actor, reason)


def decide_call(build: Build, call: CallInfo, files: list[FilePlan], approved: int, staff: Staff, late: bool) -> None:
    """Recommend and decide every evaluated file of a past call; about `approved` files get an agreement."""
    rng, clock = build.rng, build.clock
    ranked = sorted(files, key=lambda plan: (-plan.mean, plan.submitted_at))
    extra = round(approved * DECLINED_AFTER_RECOMMENDATION)
    recommended = ranked[: approved + extra]
    declined = {id(plan) for plan in rng.sample(recommended, min(extra, len(recommended)))}
    late_files = {id(plan): stage for stage, plan in _late_files(build, recommended, declined, late)}
    meeting = clock.at(call.committee_day, 9 * 60)
    decision_day = clock.at(call.committee_day + timedelta(days=25), 9 * 60)
    passing = call.call.passing_score
    for position, plan in enumerate(ranked):
        at = meeting + timedelta(minutes=3 * position)
        is_recommended = position < len(recommended)
        decision = CommitteeDecision.RECOMMEND if is_recommended else CommitteeDecision.NOT_RECOMMEND
        if id(plan) in late_files:
            _start_later(build, plan)
        _recommend(
            build, plan, decision, at, rng.choice(staff.committee), departs=is_recommended and plan.mean < passing
        )
        decided_at = clock.between(decision_day, decision_day + timedelta(days=5))
        if id(plan) in late_files:
            decided_at = _late_decision_time(build, late_files[id(plan)])
        reason = "" if is_recommended else NOT_RECOMMENDED_REASON
        if id(plan) in declined:
            reason = DECLINED_REASON
        approve = is_recommended and id(plan) not in declined
        _decide(plan, approve, decided_at, rng.choice(staff.decision_makers), reason)
        if id(plan) in late_files:
            plan.decision.agreement_stage = late_files[id(plan)]


def _late_files(
    build: Build, recommended: list[FilePlan], declined: set[int], late: bool
) -> list[tuple[str, FilePlan]]:
    """Pick the late approvals among the recommended files, each with the signature step it stops at."""
    if not late:
        return []
    candidates = [plan for plan in recommended if id(plan) not in declined]
    count = min(len(candidates), max(len(LATE_STAGES), round(len(candidates) * LATE_SHARE)))
    chosen = build.rng.sample(candidates, count)
    return [(LATE_STAGES[index % len(LATE_STAGES)], plan) for index, plan in enumerate(chosen)]


def _late_decision_time(build: Build, stage: str) -> datetime:
    """Return when a late file was approved: days ago for a draft agreement, weeks ago for a signed one.

    Sending, signing and countersigning take at most 20, 15 and 8 days in agreements.Simulator, so six
    weeks leave time for every step up to `stage`.
    """
    clock = build.clock
    if stage == AgreementState.DRAFT:
        return clock.between(clock.now - timedelta(days=4), clock.now - timedelta(days=1))
    return clock.between(clock.now - timedelta(days=50), clock.now - timedelta(days=44))


def _start_later(build: Build, plan: FilePlan) -> None:
    """Move the project of a late approval to start in one to three months, with a budget for those dates."""
    start = add_months(build.clock.today.replace(day=1), build.rng.randint(1, 3))
    plan_project(build, plan, start)


def run_ranking_committee(build: Build, call: CallInfo, plans: dict[int, FilePlan], staff: Staff) -> None:
    """Record the committee's recommendations on the top of the real ranking of the ranking call."""
    rng, clock = build.rng, build.clock
    ranking = rank_call(call.call)
    discussed = ranking.files[: round(len(ranking.files) * DISCUSSED_SHARE)]
    meeting = clock.at(call.committee_day, 9 * 60)
    step = min(timedelta(minutes=4), (clock.now - meeting) / max(1, len(discussed)))
    changed = []
    for position, item in enumerate(discussed):
        in_line = item.passes and item.within_envelope
        if rng.random() < DEPARTURE_SHARE:
            in_line = not in_line
        decision = CommitteeDecision.RECOMMEND if in_line else CommitteeDecision.NOT_RECOMMEND
        departs = departs_from_ranking(decision=decision, passes=item.passes, within_envelope=item.within_envelope)
        plan = plans[item.application.pk]
        before = len(plan.events)
        _recommend(build, plan, decision, meeting + step * position, rng.choice(staff.committee), departs=departs)
        for event in plan.events[before:]:
            build.history.record(
                Application,
                plan.pk,
                event.code,
                event.source,
                event.target,
                actor_id=event.actor_id,
                at=event.at,
                reason=event.reason,
            )
        changed.append(plan)
    for state in {plan.state for plan in changed}:
        keys = [plan.pk for plan in changed if plan.state == state]
        Application.objects.filter(pk__in=keys).update(state=state, updated_at=meeting)
    insert_recommendations(changed)


def insert_recommendations(plans: list[FilePlan]) -> None:
    rows = insert(
        CommitteeRecommendation,
        (
            dict(
                application_id=plan.pk,
                decision=plan.recommendation.decision,
                rationale=plan.recommendation.rationale,
                departs_from_ranking=plan.recommendation.departs,
                recorded_by_id=plan.recommendation.recorded_by,
                recorded_at=plan.recommendation.recorded_at,
            )
            for plan in plans
        ),
    )
    insert(
        RecommendedAmount,
        (
            dict(recommendation_id=key, project_year=year, amount=amount)
            for key, plan in zip(rows, plans, strict=True)
            for year, amount in sorted(plan.recommendation.amounts.items())
        ),
    )


def insert_decisions(plans: list[FilePlan]) -> None:
    rows = insert(
        Decision,
        (
            dict(
                application_id=plan.pk,
                outcome=plan.decision.outcome,
                reason=plan.decision.reason,
                decided_by_id=plan.decision.decided_by,
                decided_at=plan.decision.decided_at,
            )
            for plan in plans
        ),
    )
    insert(
        ApprovedAmount,
        (
            dict(decision_id=key, project_year=year, fiscal_year=label, amount=amount)
            for key, plan in zip(rows, plans, strict=True)
            for year, (label, amount) in sorted(plan.decision.amounts.items())
        ),
    )
