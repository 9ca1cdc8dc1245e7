"""Five yearly calls for projects, from an archived one to the one open now, with the rubric of the program file.

Call dates count back from today: the newest call opened a month ago and closes in three months, and each
older call is twelve months older. The committee of a decided call met five months after the deadline, and
its projects start seven to eleven months after it, so the oldest call has agreements near their end. The
call closed nine months ago is at the committee stage.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from decimal import Decimal

from applications.budget import add_months
from applications.models import CallSequence
from common.fiscal import fiscal_year_of
from grants.loading import DEFAULT_PROGRAM_FILE
from grants.models import (
    Call,
    CallState,
    Clientele,
    Criterion,
    DocumentType,
    Envelope,
    ExpenseCategory,
    Program,
    ProgramRules,
    RequiredDocument,
    ScreeningQuestion,
)
from oversight.scale.base import CALL_CODE_PREFIX, Build, insert

# The stage each call has reached, oldest first: every file of an archived or decided call has a decision,
# the ranking call waits for its committee, and the open call accepts applications now.
ARCHIVED, DECIDED, RANKING, OPEN = "archived", "decided", "ranking", "open"
CALL_KINDS = (ARCHIVED, DECIDED, DECIDED, RANKING, OPEN)
CALL_STATES = {
    ARCHIVED: CallState.ARCHIVED,
    DECIDED: CallState.CLOSED,
    RANKING: CallState.CLOSED,
    OPEN: CallState.PUBLISHED,
}
# Days from the deadline to the selection committee's meeting, for the calls whose files are all decided.
COMMITTEE_DAYS = 150
# Months from the deadline to the first day of the earliest projects: soon after the approvals (about seven
# months after the deadline) in the decided calls, and after the coming decisions in the other two.
PROJECT_START_MONTHS = {ARCHIVED: 7, DECIDED: 7, RANKING: 12, OPEN: 12}


@dataclass
class CallInfo:
    """A call of the data set and the dates its files follow."""

    index: int
    kind: str
    call: Call
    rules: ProgramRules
    criteria: list[Criterion]
    questions: list[ScreeningQuestion]
    # (document type pk, required) of each document the call requires or accepts.
    documents: list[tuple[int, bool]]
    project_start: date
    committee_day: date

    @property
    def opens_at(self) -> datetime:
        return self.call.opens_at

    @property
    def closes_at(self) -> datetime:
        return self.call.closes_at


def program_template() -> dict:
    """Return the first call of the program data file, whose rubric, documents and questions every call reuses."""
    return json.loads(DEFAULT_PROGRAM_FILE.read_text(encoding="utf-8"))["calls"][0]


def rules_for(program: Program, day: date) -> ProgramRules:
    """Return the newest rules version in effect on `day`, or the oldest one when none was yet."""
    versions = list(program.rules_versions.order_by("-version"))
    return next((rules for rules in versions if rules.effective_from <= day), versions[-1])


def create_calls(build: Build, program: Program, manager_id: int) -> list[CallInfo]:
    template = program_template()
    document_types = dict(DocumentType.objects.values_list("code", "pk"))
    infos = []
    for index, kind in enumerate(CALL_KINDS):
        age = len(CALL_KINDS) - 1 - index
        opens_on = add_months(build.clock.today, -1 - 12 * age)
        closes_on = add_months(build.clock.today, 3 - 12 * age)
        label = fiscal_year_of(opens_on).label
        call = Call.objects.create(
            program=program,
            rules=rules_for(program, opens_on),
            code=f"{CALL_CODE_PREFIX}-{fiscal_year_of(opens_on).start_year + 1}",
            title_fr=f"Appel de projets {label} (jeu d’essai)",
            title_en=f"{label} call for projects (test data set)",
            description_fr=template["description_fr"],
            description_en=template["description_en"],
            state=CALL_STATES[kind],
            opens_at=build.clock.at(opens_on, 8 * 60 + 30),
            closes_at=build.clock.at(closes_on, 16 * 60 + 30),
            passing_score=Decimal(template["passing_score"]),
            review_quorum=template["review_quorum"],
            disagreement_threshold=Decimal(template["disagreement_threshold"]),
            reaches=template["reaches"],
        )
        committee_day = closes_on + timedelta(days=COMMITTEE_DAYS)
        if kind == RANKING:
            committee_day = build.clock.today - timedelta(days=2)
        infos.append(
            CallInfo(
                index=index,
                kind=kind,
                call=call,
                rules=call.rules,
                criteria=_criteria(call, template),
                questions=_questions(call, template),
                documents=_documents(call, template, document_types),
                project_start=add_months(closes_on, PROJECT_START_MONTHS[kind]).replace(day=1),
                committee_day=committee_day,
            )
        )
        _record_states(build, call, kind, manager_id)
    _link_taxonomies([info.call for info in infos])
    return infos


def _criteria(call: Call, template: dict) -> list[Criterion]:
    insert(
        Criterion,
        (
            {
                "call_id": call.pk,
                "position": position,
                "name_fr": data["name_fr"],
                "name_en": data["name_en"],
                "description_fr": data["description_fr"],
                "description_en": data["description_en"],
                "weight": Decimal(data["weight"]),
                "maximum": Decimal(data["maximum"]),
                "allows_not_applicable": data["allows_not_applicable"],
            }
            for position, data in enumerate(template["criteria"])
        ),
    )
    return list(call.criteria.order_by("position"))


def _questions(call: Call, template: dict) -> list[ScreeningQuestion]:
    insert(
        ScreeningQuestion,
        (
            {"call_id": call.pk, "kind": kind, "position": position, "text_fr": text_fr, "text_en": text_en}
            for kind, questions in template["screening_questions"].items()
            for position, (text_fr, text_en) in enumerate(questions)
        ),
    )
    return list(call.screening_questions.order_by("kind", "position"))


def _documents(call: Call, template: dict, document_types: dict[str, int]) -> list[tuple[int, bool]]:
    rows = [
        {"call_id": call.pk, "document_type_id": document_types[code], "is_required": required, "max_files": count}
        for code, required, count in template["required_documents"]
    ]
    insert(RequiredDocument, rows)
    return [(row["document_type_id"], row["is_required"]) for row in rows]


def _link_taxonomies(calls: list[Call]) -> None:
    """Offer every clientele and expense category in every call, as load_program does."""
    clienteles = list(Clientele.objects.values_list("pk", flat=True))
    categories = list(ExpenseCategory.objects.values_list("pk", flat=True))
    insert(
        Call.clienteles.through,
        ({"call_id": call.pk, "clientele_id": pk} for call in calls for pk in clienteles),
    )
    insert(
        Call.expense_categories.through,
        ({"call_id": call.pk, "expensecategory_id": pk} for call in calls for pk in categories),
    )


def _record_states(build: Build, call: Call, kind: str, manager_id: int) -> None:
    history = build.history
    published_at = call.opens_at - timedelta(days=3)
    history.record(Call, call.pk, "grants.call.published", "draft", "published", actor_id=manager_id, at=published_at)
    if kind == OPEN:
        return
    history.record(
        Call,
        call.pk,
        "grants.call.closed",
        "published",
        "closed",
        actor_id=None,
        at=call.closes_at + timedelta(minutes=5),
        reason="Date limite passée : fermeture automatique.",
    )
    if kind == ARCHIVED:
        archived_at = build.clock.later(call.closes_at + timedelta(days=400), 0, 20)
        history.record(Call, call.pk, "grants.call.archived", "closed", "archived", actor_id=manager_id, at=archived_at)


def add_envelopes(call: Call, amounts: dict[str, Decimal]) -> None:
    insert(
        Envelope, (dict(call_id=call.pk, fiscal_year=label, amount=amount) for label, amount in sorted(amounts.items()))
    )


def add_sequences(last_numbers: dict[int, int]) -> None:
    """Record the last reference number given in each call, as submit_application does with CallSequence."""
    insert(CallSequence, (dict(call_id=call_id, last_number=number) for call_id, number in last_numbers.items()))
