"""Load a program, its rules versions, taxonomies and calls from a JSON data file kept in the repository.

Loading is idempotent: reference rows are matched by code or version and updated in place, and an existing
call keeps its state and its history, so running the loader twice changes nothing.
"""

import json
import logging
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path

from django.db import transaction
from django.utils.translation import gettext as _

from common.audit import record_transition
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

logger = logging.getLogger(__name__)

DEFAULT_PROGRAM_FILE = Path(__file__).resolve().parent / "data" / "ensemble_contre_intimidation.json"


@dataclass
class LoadReport:
    created: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)

    def count(self, label: str, created: bool, changed: bool) -> None:
        if created:
            self.created.append(label)
        elif changed:
            self.updated.append(label)


def _upsert(model, lookup: dict, values: dict, report: LoadReport, label: str):
    instance = model.objects.filter(**lookup).first()
    if instance is None:
        instance = model.objects.create(**lookup, **values)
        report.count(label, created=True, changed=False)
        return instance
    changed = [name for name, value in values.items() if getattr(instance, name) != value]
    if changed:
        for name in changed:
            setattr(instance, name, values[name])
        instance.save(update_fields=changed)
        report.count(label, created=False, changed=True)
    return instance


def load_program_file(path: Path = DEFAULT_PROGRAM_FILE) -> LoadReport:
    data = json.loads(Path(path).read_text(encoding="utf-8"))
    report = LoadReport()
    with transaction.atomic():
        program = _upsert(
            Program,
            {"code": data["program"]["code"]},
            {key: value for key, value in data["program"].items() if key != "code"},
            report,
            f"program {data['program']['code']}",
        )
        rules_by_version = {}
        for rules in data["rules"]:
            values = {key: value for key, value in rules.items() if key != "version"}
            values["effective_from"] = date.fromisoformat(values["effective_from"])
            for name in values:
                if name.endswith(("_percent", "max_per_project_year", "max_total")):
                    values[name] = Decimal(values[name])
            rules_by_version[rules["version"]] = _upsert(
                ProgramRules,
                {"program": program, "version": rules["version"]},
                values,
                report,
                f"rules v{rules['version']}",
            )
        for position, (code, name_fr, name_en) in enumerate(data["clienteles"]):
            values = {"name_fr": name_fr, "name_en": name_en, "position": position}
            _upsert(Clientele, {"code": code}, values, report, f"clientele {code}")
        for position, (code, name_fr, name_en, subcontracting, administration) in enumerate(data["expense_categories"]):
            values = {
                "name_fr": name_fr,
                "name_en": name_en,
                "position": position,
                "is_subcontracting": subcontracting,
                "is_administration": administration,
            }
            _upsert(ExpenseCategory, {"code": code}, values, report, f"expense category {code}")
        for position, (code, name_fr, name_en) in enumerate(data["document_types"]):
            values = {"name_fr": name_fr, "name_en": name_en, "position": position}
            _upsert(DocumentType, {"code": code}, values, report, f"document type {code}")
        for call_data in data.get("calls", []):
            _load_call(program, rules_by_version, call_data, report)
    logger.info("Program file %s loaded: %d created, %d updated.", path, len(report.created), len(report.updated))
    return report


def _load_call(program: Program, rules_by_version: dict, data: dict, report: LoadReport) -> Call:
    values = {
        "program": program,
        "rules": rules_by_version[data["rules_version"]],
        "title_fr": data["title_fr"],
        "title_en": data["title_en"],
        "description_fr": data["description_fr"],
        "description_en": data["description_en"],
        "opens_at": datetime.fromisoformat(data["opens_at"]),
        "closes_at": datetime.fromisoformat(data["closes_at"]),
        "passing_score": Decimal(data["passing_score"]),
        "review_quorum": data["review_quorum"],
        "disagreement_threshold": Decimal(data["disagreement_threshold"]),
        "reaches": data["reaches"],
    }
    call = Call.objects.filter(code=data["code"]).first()
    if call is not None:
        # An existing call belongs to the program team now: its dates, rubric and state are theirs to change.
        return call
    call = Call.objects.create(code=data["code"], state=CallState.DRAFT, **values)
    report.count(f"call {call.code}", created=True, changed=False)

    call.clienteles.set(Clientele.objects.all())
    call.expense_categories.set(ExpenseCategory.objects.all())
    for fiscal_year, amount in data["envelopes"]:
        Envelope.objects.create(call=call, fiscal_year=fiscal_year, amount=Decimal(amount))

    for position, criterion in enumerate(data["criteria"]):
        Criterion.objects.create(
            call=call,
            position=position,
            **{key: value for key, value in criterion.items() if key not in ("weight", "maximum")},
            weight=Decimal(criterion["weight"]),
            maximum=Decimal(criterion["maximum"]),
        )

    for code, required, max_files in data["required_documents"]:
        RequiredDocument.objects.create(
            call=call, document_type=DocumentType.objects.get(code=code), is_required=required, max_files=max_files
        )
    for kind, questions in data["screening_questions"].items():
        for position, (text_fr, text_en) in enumerate(questions):
            ScreeningQuestion.objects.create(call=call, kind=kind, position=position, text_fr=text_fr, text_en=text_en)

    if data.get("state") == CallState.PUBLISHED:
        call.publish()
        call.save(update_fields=["state"])
        record_transition(
            subject=call,
            transition="grants.call.published",
            source=CallState.DRAFT,
            target=CallState.PUBLISHED,
            reason=_("Published when the program data was loaded."),
        )
    return call
