"""Drafting, submission and screening of each file, up to « under review » or an end before it.

The steps and their guards are those of applications.services. An officer takes the file in charge and may
request information, after which the organization resubmits and the file returns to screening. The officer
fills in the whole checklist, then declares the file receivable, or inadmissible with a reason. Every date
is before now.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from applications.budget import add_months
from applications.models import ApplicationState, InadmissibilityReason, ScreeningAnswer, Section
from oversight.scale.base import Build, local_date
from oversight.scale.calls import OPEN, CallInfo
from oversight.scale.people import Org, Staff
from oversight.scale.plans import Event, FilePlan, clear_draft_sections, describe_project, plan_project

# Planning groups: the state a file ends in, or the stage it reaches before the committee.
DRAFT, SUBMITTED, SCREENING, INCOMPLETE = "draft", "submitted", "screening", "incomplete"
INADMISSIBLE, WITHDRAWN, UNDER_REVIEW = "inadmissible", "withdrawn", "under_review"
RANKED, DECIDED = "ranked", "decided"
REVIEWED_GROUPS = (UNDER_REVIEW, RANKED, DECIDED)
# Days the organization has to respond to an information request.
RESPONSE_DAYS = 21
# Share of the files that reach review after an information request to which the organization responded.
INFORMATION_REQUEST_SHARE = 0.12

INFORMATION_ITEMS = {
    Section.BUDGET: "Préciser la contribution des partenaires et joindre les lettres de confirmation.",
    Section.PROJECT: "Décrire les indicateurs qui mesureront l’effet du projet sur l’intimidation.",
    Section.CALENDAR: "Détailler le calendrier des activités de la deuxième année.",
}
INADMISSIBILITY = {
    InadmissibilityReason.APPLICANT_NOT_ELIGIBLE: (
        1,
        "L’organisme compte moins de deux ans d’activité à la date limite de l’appel.",
    ),
    InadmissibilityReason.PROJECT_NOT_ELIGIBLE: (
        6,
        "Le projet consiste en des activités courantes de l’organisme, ce que le programme exclut.",
    ),
    InadmissibilityReason.EXCLUDED_ACTIVITY: (
        9,
        "Le projet prévoit une collecte de fonds, activité exclue par le programme.",
    ),
}
INCOMPLETE_DETAILS = "Les éléments demandés n’ont pas été transmis à la date de réponse fixée."
WITHDRAWAL_REASONS = (
    "Le projet sera financé par un autre programme.",
    "L’organisme n’a plus les ressources pour réaliser le projet cette année.",
    "Changement à la direction de l’organisme : le projet est reporté.",
)


def plan_file(build: Build, call: CallInfo, org: Org, group: str, staff: Staff) -> FilePlan:
    """Plan one file of `call` that ends in `group`, from its creation to the review stage at most."""
    clock, rng = build.clock, build.rng
    limit = min(call.closes_at, clock.now) - timedelta(hours=1)
    created_at = clock.between(call.opens_at, call.opens_at + (limit - call.opens_at) * 0.85)
    plan = FilePlan(call=call, org=org, group=group, created_at=created_at, updated_at=created_at)
    plan.events.append(Event("applications.application.created", "", DRAFT, created_at, org.representative_id))
    describe_project(build, plan)
    plan_project(build, plan, add_months(call.project_start, _start_offset(build, call)))
    plan.confirmed_at = created_at + timedelta(minutes=rng.randint(5, 60))
    if group == DRAFT or (group == WITHDRAWN and call.kind == OPEN and rng.random() < 0.4):
        plan.completion = rng.randint(0, 3)
        clear_draft_sections(plan)
        plan.touch(clock.between(created_at, limit))
        if group == WITHDRAWN:
            _withdraw(build, plan, plan.updated_at)
        return plan

    plan.submitted_at = clock.between(created_at + timedelta(hours=2), limit)
    plan.move("applications.application.submitted", SUBMITTED, plan.submitted_at, org.representative_id)
    if group == SUBMITTED or (group == WITHDRAWN and rng.random() < 0.5):
        if group == WITHDRAWN:
            _withdraw(build, plan, plan.submitted_at)
        return plan
    _screen(build, plan, staff)
    return plan


def _start_offset(build: Build, call: CallInfo) -> int:
    """Return how many months after the earliest start of its call the project starts, from 0 to 4."""
    return build.rng.randint(0, 4)


def _step(build: Build, start: datetime, low: int, high: int) -> datetime:
    """Return an instant `low` to `high` days after `start`, but never after now."""
    moment = build.clock.later(start, low, high)
    return moment if moment < build.clock.now else build.clock.between(start, build.clock.now)


def _withdraw(build: Build, plan: FilePlan, after: datetime) -> None:
    """Withdraw the file at the representative's request, within two months of its last step."""
    plan.withdrawal_reason = build.rng.choice(WITHDRAWAL_REASONS)
    at = build.clock.between(after, min(after + timedelta(days=60), build.clock.now))
    plan.move("applications.application.withdrawn", WITHDRAWN, at, plan.representative_id, plan.withdrawal_reason)


def _screen(build: Build, plan: FilePlan, staff: Staff) -> None:
    rng = build.rng
    plan.officer_id = rng.choice(staff.officers)
    taken_at = _step(build, plan.submitted_at, 1, 15)
    plan.move("applications.application.taken_in_charge", ApplicationState.SCREENING, taken_at, plan.officer_id)
    group = plan.group
    if group == WITHDRAWN:
        _withdraw(build, plan, taken_at)
    elif group == SCREENING:
        _answer(build, plan, rng.randint(0, len(plan.call.questions) - 1), _step(build, taken_at, 1, 10))
    elif group == INCOMPLETE:
        _answer(build, plan, rng.randint(1, len(plan.call.questions) - 1), _step(build, taken_at, 1, 4))
        _request_information(build, plan, answered=False)
    elif group == INADMISSIBLE:
        _declare_inadmissible(build, plan)
    else:
        if rng.random() < INFORMATION_REQUEST_SHARE:
            _request_information(build, plan, answered=True)
        _declare_receivable(build, plan)


def _answer(build: Build, plan: FilePlan, count: int, at: datetime, no_at: int | None = None, comment="") -> None:
    """Answer the first `count` questions of the checklist « yes », and question `no_at` « no »."""
    if count <= 0:
        return
    plan.answers = [
        (index, ScreeningAnswer.Answer.NO if index == no_at else ScreeningAnswer.Answer.YES, comment)
        for index in range(count)
    ]
    plan.answered_at = at
    plan.events.append(Event("applications.application.screening_saved", plan.state, plan.state, at, plan.officer_id))
    plan.touch(at)


def _request_information(build: Build, plan: FilePlan, *, answered: bool) -> None:
    rng = build.rng
    start = plan.answered_at or plan.events[-1].at
    requested_at = _step(build, start, 1, 8)
    sections = rng.choice(([Section.BUDGET], [Section.PROJECT], [Section.CALENDAR, Section.BUDGET]))
    items = "\n".join(INFORMATION_ITEMS[section] for section in sections)
    respond_by = local_date(requested_at) + timedelta(days=RESPONSE_DAYS)
    plan.move("applications.application.information_requested", INCOMPLETE, requested_at, plan.officer_id, reason=items)
    answered_at = _step(build, requested_at, 3, 18) if answered else None
    plan.information_request = (requested_at, [str(section) for section in sections], items, respond_by, answered_at)
    if answered_at is not None:
        plan.move(
            "applications.application.resubmitted", ApplicationState.SCREENING, answered_at, plan.representative_id
        )


def _declare_inadmissible(build: Build, plan: FilePlan) -> None:
    rng, clock = build.rng, build.clock
    questions = len(plan.call.questions)
    if plan.call.kind != OPEN and rng.random() < 0.3:
        # The organization never responded to the information request, so the file is declared inadmissible
        # once the response date has passed.
        _request_information(build, plan, answered=False)
        respond_by = plan.information_request[3]
        at = clock.between(clock.at(respond_by + timedelta(days=1)), clock.at(respond_by + timedelta(days=12)))
        reason, details = InadmissibilityReason.INCOMPLETE, INCOMPLETE_DETAILS
        _answer(build, plan, questions, plan.information_request[0], no_at=1, comment=details)
    else:
        reason = rng.choice(list(INADMISSIBILITY))
        question, details = INADMISSIBILITY[reason]
        answered_at = _step(build, plan.events[-1].at, 2, 15)
        _answer(build, plan, questions, answered_at, no_at=min(question, questions - 1), comment=details)
        at = _step(build, answered_at, 1, 10)
    plan.inadmissibility = (str(reason), details)
    plan.move("applications.application.declared_inadmissible", INADMISSIBLE, at, plan.officer_id, reason=details)


def _declare_receivable(build: Build, plan: FilePlan) -> None:
    clock = build.clock
    answered_at = _step(build, plan.events[-1].at, 1, 12)
    _answer(build, plan, len(plan.call.questions), answered_at)
    if plan.group == UNDER_REVIEW:
        # Files still under review were declared receivable in the last weeks; their reviews are under way.
        receivable_at = clock.between(max(answered_at, clock.now - timedelta(days=45)), clock.now - timedelta(days=8))
    else:
        receivable_at = _step(build, answered_at, 1, 10)
    plan.receivable_at = receivable_at
    plan.move(
        "applications.application.declared_receivable", ApplicationState.UNDER_REVIEW, receivable_at, plan.officer_id
    )
