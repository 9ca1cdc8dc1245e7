"""The jury's documents: the tally sheet of a category's final vote and the laureate's certificate (PDF).

Both are rendered in French, the language of the ministry's official documents. The templates under
templates/pdf/awards/ use English msgids that the French catalogue translates, and the builders compute their
context in French too. The tally sheet page reads the same `TallySheet` as the PDF, so both show the same figures.

common.documents discovers only modules named `documents`; awards.documents imports this module, so both
kinds are registered in every process.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal, InvalidOperation

from django.contrib.contenttypes.models import ContentType
from django.utils import translation
from django.utils.formats import number_format
from django.utils.translation import gettext as _

from awards.models import (
    CoupDeCoeur,
    EditionState,
    JuryMembership,
    Nomination,
    NominationState,
    Result,
    ResultOutcome,
    TieBreakKind,
    TieBreakStage,
    TieBreakStep,
)
from awards.tally import NO_AWARD, VoteStatus
from common.documents import DocumentSpec, generate_document, register_document
from common.models import Document

LANGUAGE = "fr"
TALLY_SHEET = "awards.tally_sheet"
CERTIFICATE = "awards.certificate"


# --- Tally sheet ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class MatrixRow:
    """One row of a square matrix: None on the diagonal, where an option meets itself."""

    label: str
    cells: list[int | None]


@dataclass(frozen=True)
class StatusRow:
    juror: str
    is_president: bool
    status: str
    status_label: str


@dataclass(frozen=True)
class QuorumRow:
    label: str
    eligible: int
    needed: int
    ranked: int
    met: bool


@dataclass(frozen=True)
class StepRow:
    stage: str
    kind: str
    tied: list[str]
    remaining: list[str]
    detail: str
    decided_by: str = ""
    reason: str = ""
    recorded_at: datetime | None = None


@dataclass
class TallySheet:
    """Everything a tally sheet shows for one category, with every option and juror named."""

    category: object
    options: list[str]
    pairwise: list[MatrixRow]
    strongest_paths: list[MatrixRow]
    schulze_winners: list[str]
    statuses: list[StatusRow]
    status_totals: list[tuple[str, int]]
    quorum: list[QuorumRow]
    steps: list[StepRow]
    winner: str
    awaiting_casting_vote: list[str]
    result: Result | None = None
    outcome: str = ""
    provisional: bool = False

    @property
    def quorum_met(self) -> bool:
        return all(row.met for row in self.quorum)

    @property
    def has_matrix(self) -> bool:
        return bool(self.pairwise)


def option_names(keys) -> dict[str, str]:
    """Return option key → label: the nominee's name, or « No laureate » for NO_AWARD."""
    ids = [int(key) for key in keys if key != NO_AWARD]
    names = {str(pk): name for pk, name in Nomination.objects.filter(pk__in=ids).values_list("pk", "nominee_name")}
    names[NO_AWARD] = _("No laureate")
    return names


def format_score(value) -> str:
    try:
        return number_format(Decimal(str(value)), 2)
    except (InvalidOperation, TypeError, ValueError):
        return str(value)


def step_detail(kind: str, tied: list[str], detail: dict, names: dict[str, str]) -> str:
    """Describe in one sentence what a tie-break step compared."""
    if kind == TieBreakKind.HEAD_TO_HEAD:
        wins = ", ".join(f"{names.get(key, key)} ({count})" for key, count in detail.get("wins", {}).items())
        return _("Direct wins over the other tied options: %(wins)s.") % {"wins": wins}
    if kind == TieBreakKind.ROUND1_SCORE:
        scores = ", ".join(
            f"{names.get(key, key)} ({format_score(value)})" for key, value in detail.get("scores", {}).items()
        )
        text = _("Round 1 means on 100: %(scores)s.") % {"scores": scores}
        if NO_AWARD in tied:
            text += " " + _("« No laureate » has no round 1 score, so it stays among the tied options.")
        return text
    if kind == TieBreakKind.JURY_DECISION:
        return _("Mean of the tied nominations: %(mean)s on 100; %(seats)d seat(s) left to fill.") % {
            "mean": format_score(detail.get("mean", "")),
            "seats": detail.get("seats_left", 0),
        }
    return ""


def step_row(step: TieBreakStep, names: dict[str, str]) -> StepRow:
    return StepRow(
        stage=TieBreakStage(step.stage).label,
        kind=TieBreakKind(step.kind).label,
        tied=[names.get(key, key) for key in step.tied],
        remaining=[names.get(key, key) for key in step.remaining],
        detail=step_detail(step.kind, step.tied, step.detail, names),
        decided_by=step.decided_by.get_full_name() if step.decided_by else "",
        reason=step.reason,
        recorded_at=step.created_at,
    )


def json_step_row(step: dict, names: dict[str, str]) -> StepRow:
    return StepRow(
        stage=TieBreakStage.FINAL_VOTE.label,
        kind=TieBreakKind(step["kind"]).label,
        tied=[names.get(key, key) for key in step["tied"]],
        remaining=[names.get(key, key) for key in step["remaining"]],
        detail=step_detail(step["kind"], step["tied"], step.get("detail", {}), names),
    )


def matrix_rows(matrix: dict, options: list[str], names: dict[str, str]) -> list[MatrixRow]:
    return [MatrixRow(names[a], [None if a == b else matrix.get(a, {}).get(b, 0) for b in options]) for a in options]


def status_rows(category, statuses: dict) -> list[StatusRow]:
    """Name every juror of the edition with their ballot status, the president first."""
    rows = []
    memberships = JuryMembership.objects.filter(edition_id=category.edition_id).select_related("juror")
    for membership in memberships:
        status = statuses.get(str(membership.juror_id), VoteStatus.MISSING)
        rows.append(
            StatusRow(
                juror=membership.juror.get_full_name() or membership.juror.email,
                is_president=membership.is_president,
                status=status,
                status_label=VoteStatus(status).label,
            )
        )
    return rows


def build_tally_sheet(category, data: dict, *, result: Result | None = None) -> TallySheet:
    """Name the options, jurors and steps of a count: a stored result, or the live count (`result` None).

    The final-vote steps of a stored result come from its TieBreakStep rows, which name who cast a deciding
    vote and why. A live count has only the automatic steps of its JSON.
    """
    options = list(data.get("options", []))
    cut_steps = list(
        TieBreakStep.objects.filter(
            category=category, stage=TieBreakStage.SHORTLIST, superseded_at__isnull=True
        ).select_related("decided_by")
    )
    names = option_names([*options, *(key for step in cut_steps for key in step.tied)])
    if result is not None:
        final_steps = [step_row(step, names) for step in result.tie_break_steps.select_related("decided_by")]
    else:
        final_steps = [json_step_row(step, names) for step in data.get("steps", [])]
    statuses = status_rows(category, data.get("statuses", {}))
    totals = [(status.label, sum(1 for row in statuses if row.status == status)) for status in VoteStatus]
    winner = data.get("winner")
    return TallySheet(
        category=category,
        options=[names[key] for key in options],
        pairwise=matrix_rows(data.get("pairwise", {}), options, names) if "pairwise" in data else [],
        strongest_paths=matrix_rows(data.get("strongest_paths", {}), options, names)
        if "strongest_paths" in data
        else [],
        schulze_winners=[names[key] for key in data.get("schulze_winners", [])],
        statuses=statuses,
        status_totals=totals,
        quorum=[
            QuorumRow(names[line["option"]], line["eligible"], line["needed"], line["ranked"], line["met"])
            for line in data.get("quorum", [])
        ],
        steps=[*(step_row(step, names) for step in cut_steps), *final_steps],
        winner=names.get(winner, "") if winner else "",
        awaiting_casting_vote=[names[key] for key in data.get("awaiting_casting_vote", [])],
        result=result,
        outcome=ResultOutcome(result.outcome).label if result is not None else "",
        provisional=result is None,
    )


def result_sheet(result: Result) -> TallySheet:
    return build_tally_sheet(result.category, result.tally, result=result)


def result_changed_at(result: Result) -> datetime:
    """Return when the result last changed: its count, or a casting vote recorded on it later."""
    steps = [step.created_at for step in result.tie_break_steps.all()]
    return max([result.computed_at, *steps])


@register_document(TALLY_SHEET)
def build_tally_sheet_document(result: Result) -> DocumentSpec:
    """Tally sheet of one category's count: ballot statuses, quorum, pairwise matrix, strongest paths, steps."""
    result = Result.objects.select_related("category__edition", "computed_by", "validated_by", "laureate").get(
        pk=result.pk
    )
    with translation.override(LANGUAGE):
        sheet = result_sheet(result)
    category = result.category
    return DocumentSpec(
        template_name="pdf/awards/tally_sheet.html",
        context={"sheet": sheet, "category": category, "edition": category.edition, "result": result},
        filename=f"Dépouillement {category.edition.year} {category.name_fr}.pdf",
        language=LANGUAGE,
    )


# --- Certificate ------------------------------------------------------------------------------------


def coup_de_coeur_of(nomination: Nomination) -> CoupDeCoeur | None:
    return CoupDeCoeur.objects.filter(edition_id=nomination.edition_id, nomination=nomination).first()


def has_certificate(nomination: Nomination) -> bool:
    """Return whether the nomination is honoured in validated results: laureate, or the Coup de cœur."""
    if nomination.edition.state not in (EditionState.RESULTS_VALIDATED, EditionState.ANNOUNCED):
        return False
    return nomination.state == NominationState.LAUREATE or coup_de_coeur_of(nomination) is not None


def certificate_changed_at(nomination: Nomination) -> datetime | None:
    """Return when the certificate's content last changed: the validation, or a later change of the citation."""
    coup = coup_de_coeur_of(nomination)
    moments = [nomination.edition.results_validated_at, coup.recorded_at if coup else None]
    moments = [moment for moment in moments if moment is not None]
    return max(moments) if moments else None


@register_document(CERTIFICATE)
def build_certificate(nomination: Nomination) -> DocumentSpec:
    """Certificate of a laureate, or of the Coup de cœur: the honoured name, the category and the edition year."""
    nomination = Nomination.objects.select_related("edition", "category").get(pk=nomination.pk)
    edition = nomination.edition
    coup = coup_de_coeur_of(nomination)
    with translation.override(LANGUAGE):
        context = {
            "nomination": nomination,
            "edition": edition,
            "category_name": nomination.category.name,
            "is_laureate": nomination.state == NominationState.LAUREATE,
            "coup_de_coeur": coup,
            "awarded_on": edition.announced_at or edition.results_validated_at,
        }
    return DocumentSpec(
        template_name="pdf/awards/certificate.html",
        context=context,
        filename=f"Certificat {edition.year} {nomination.nominee_name}.pdf",
        language=LANGUAGE,
    )


# --- Stored versions --------------------------------------------------------------------------------


def current_document(*, owner, kind: str, changed_at: datetime | None, actor) -> Document:
    """Return the latest stored version of a document, generating a new one first when the owner changed since.

    NOTE: two first downloads at the same moment may each store a version, both with the same content.
    """
    latest = (
        Document.objects.filter(
            content_type=ContentType.objects.get_for_model(owner), object_id=str(owner.pk), kind=kind
        )
        .order_by("-version")
        .first()
    )
    if latest is None or (changed_at is not None and latest.created_at < changed_at):
        latest = generate_document(owner=owner, kind=kind, actor=actor)
    return latest
