"""PDF documents of an application: the receipt, the whole file, and the letters sent during screening.

Every document goes to the organization or to the selection committee in French, whatever the language of
the person whose action produced it, because the Charter of the French language requires French in the
ministry's letters to organizations. The templates under templates/pdf/applications/ use English msgids
translated by the French catalogue, and each builder computes its context in French too.
NOTE: the project field labels and the percent format here are French literals, so an English rendering
of these PDFs would still show them in French.

common.documents finds the builders here through autodiscovery and calls them with the application.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date, datetime
from decimal import ROUND_HALF_UP, Decimal

from django.utils import timezone, translation

from accounts.models import Membership
from applications.budget import duration_months, project_years
from applications.models import Application, InformationRequest, Section
from common.audit import timeline_for
from common.documents import DocumentSpec, register_document
from common.models import TransitionLog
from common.regions import AdministrativeRegion

LANGUAGE = "fr"
ZERO = Decimal("0.00")
NO_BREAK_SPACE = "\u00a0"


# --- Budget figures ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class YearColumn:
    """A project year as shown in a table: its dates are None when the project dates do not cover it."""

    number: int
    starts_on: date | None
    ends_on: date | None


@dataclass(frozen=True)
class AmountRow:
    """One line of a budget table: an amount per project year (None for an empty cell) and the line total."""

    label: str
    amounts: list[Decimal | None]
    total: Decimal


@dataclass(frozen=True)
class BudgetSummary:
    """The budget of an application in project-year columns, with every total computed from the stored rows."""

    years: list[YearColumn]
    expense_rows: list[AmountRow]
    expense_totals: list[Decimal]
    expense_total: Decimal
    requested: list[Decimal]
    requested_total: Decimal
    revenue_totals: list[Decimal]
    revenue_total: Decimal
    funding_totals: list[Decimal]
    funding_total: Decimal
    administration_total: Decimal

    @property
    def requested_rows(self) -> list[tuple[YearColumn, Decimal]]:
        return list(zip(self.years, self.requested, strict=True))


def _year_columns(*, application: Application, numbers: set[int]) -> list[YearColumn]:
    """Return the project years of the dates, plus any year that has amounts but falls outside the dates.

    Amounts stored for such a year are still shown, so that every total in the document is the sum of the
    stored rows.
    """
    columns: dict[int, YearColumn] = {}
    if application.starts_on and application.ends_on and application.starts_on <= application.ends_on:
        for year in project_years(application.starts_on, application.ends_on):
            columns[year.number] = YearColumn(year.number, year.starts_on, year.ends_on)
    for number in numbers:
        columns.setdefault(number, YearColumn(number, None, None))
    return [columns[number] for number in sorted(columns)]


def budget_summary(*, application: Application) -> BudgetSummary:
    """Add up the budget lines, amounts requested and other revenues by project year, in Decimal."""
    lines = list(application.budget_lines.select_related("category"))
    requested_by_year = {row.project_year: row.amount for row in application.requested_amounts.all()}
    revenues_by_year: dict[int, Decimal] = defaultdict(lambda: ZERO)
    for revenue in application.revenues.all():
        revenues_by_year[revenue.project_year] += revenue.amount

    numbers = {line.project_year for line in lines} | set(requested_by_year) | set(revenues_by_year)
    years = _year_columns(application=application, numbers=numbers)

    # Every category of the call gets a row, even an empty one, so that every file shows the same grid.
    categories = {category.pk: category for category in application.call.expense_categories.all()}
    for line in lines:
        categories.setdefault(line.category_id, line.category)
    cells: dict[tuple[int, int], Decimal] = {(line.category_id, line.project_year): line.amount for line in lines}

    expense_rows = []
    for category in sorted(categories.values(), key=lambda category: (category.position, category.code)):
        amounts = [cells.get((category.pk, year.number)) for year in years]
        expense_rows.append(
            AmountRow(
                label=category.name,
                amounts=amounts,
                total=sum((amount for amount in amounts if amount is not None), ZERO),
            )
        )

    expense_totals = [
        sum((cells.get((category_id, year.number), ZERO) for category_id in categories), ZERO) for year in years
    ]
    requested = [requested_by_year.get(year.number, ZERO) for year in years]
    revenue_totals = [revenues_by_year[year.number] for year in years]
    administration_total = sum((line.amount for line in lines if line.category.is_administration), ZERO)
    return BudgetSummary(
        years=years,
        expense_rows=expense_rows,
        expense_totals=expense_totals,
        expense_total=sum(expense_totals, ZERO),
        requested=requested,
        requested_total=sum(requested, ZERO),
        revenue_totals=revenue_totals,
        revenue_total=sum(revenue_totals, ZERO),
        funding_totals=[asked + other for asked, other in zip(requested, revenue_totals, strict=True)],
        funding_total=sum(requested, ZERO) + sum(revenue_totals, ZERO),
        administration_total=administration_total,
    )


def share_percent(*, part: Decimal, whole: Decimal) -> Decimal | None:
    """Return `part` as a percentage of `whole`, rounded half up to one decimal, or None when `whole` is 0."""
    if not whole:
        return None
    return (part * Decimal(100) / whole).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)


def format_percent(value: Decimal | None) -> str:
    """Format a percentage the Québec French way (« 12,5 % », no-break space), or « – » when unknown."""
    if value is None:
        return "–"
    digits = f"{value.normalize():f}"
    return f"{digits.replace('.', ',')}{NO_BREAK_SPACE}%"


# --- Shared context ---------------------------------------------------------------------------------


def _representative(application: Application):
    membership = (
        Membership.objects.filter(organization_id=application.organization_id, is_representative=True)
        .select_related("user")
        .first()
    )
    return membership.user if membership is not None else None


def _attachments(application: Application) -> list:
    return list(application.attachments.select_related("document_type").order_by("document_type__position", "pk"))


def _latest_log(application: Application, transition: str) -> TransitionLog | None:
    return timeline_for(application).filter(transition=transition).order_by("-created_at", "-pk").first()


def with_french_spacing(text: str) -> str:
    """Put no-break spaces inside « » and before a colon, so that a line never starts with » or :."""
    return (
        text.replace("« ", f"«{NO_BREAK_SPACE}").replace(" »", f"{NO_BREAK_SPACE}»").replace(" :", f"{NO_BREAK_SPACE}:")
    )


def _base_context(application: Application) -> dict:
    program = application.call.program
    return {
        "application": application,
        "organization": application.organization,
        "call": application.call,
        "program": program,
        # The program name quotes its title between guillemets, typed with ordinary spaces in the data file.
        "program_name": with_french_spacing(program.name),
        "representative": _representative(application),
    }


def _reference_or_draft(application: Application) -> str:
    return application.reference or f"brouillon {application.pk}"


# --- Builders ---------------------------------------------------------------------------------------


@register_document("applications.receipt")
def build_receipt(application: Application) -> DocumentSpec:
    """Accusé de réception: what was received, when and from whom, and what happens next."""
    with translation.override(LANGUAGE):
        budget = budget_summary(application=application)
        context = {
            **_base_context(application),
            "submitted_at": application.submitted_at,
            "submitted_by": application.submitted_by,
            "budget": budget,
            "attachments": _attachments(application),
        }
    return DocumentSpec(
        template_name="pdf/applications/receipt.html",
        context=context,
        filename=f"Accusé de réception {_reference_or_draft(application)}.pdf",
        language=LANGUAGE,
    )


@register_document("applications.summary")
def build_summary(application: Application) -> DocumentSpec:
    """Build the whole file as the organization submitted it, laid out for the selection committee."""
    with translation.override(LANGUAGE):
        budget = budget_summary(application=application)
        rules = application.call.rules
        has_dates = bool(application.starts_on and application.ends_on and application.starts_on <= application.ends_on)
        regions = []
        for code in application.regions:
            try:
                regions.append(AdministrativeRegion(code).label)
            except ValueError:
                regions.append(code)
        organization = application.organization
        context = {
            **_base_context(application),
            "generated_at": timezone.now(),
            "legal_form": organization.get_legal_form_display(),
            "organization_region": organization.get_region_display(),
            "project_fields": [
                ("Résumé", application.summary),
                ("Objectifs", application.objectives),
                ("Retombées attendues", application.expected_impacts),
                ("Approche et activités", application.approach),
                ("Connaissances sur lesquelles repose le projet", application.knowledge_base),
                ("Référence vers des ressources d’aide", application.help_resources),
            ],
            "clienteles": [clientele.name for clientele in application.clienteles.order_by("position", "code")],
            "regions": regions,
            "reach": application.get_reach_display(),
            "duration_months": duration_months(application.starts_on, application.ends_on) if has_dates else None,
            "phases": list(application.phases.order_by("position", "starts_on")),
            "budget": budget,
            "revenues": [
                {
                    "kind": revenue.get_kind_display(),
                    "source": revenue.source,
                    "project_year": revenue.project_year,
                    "is_confirmed": revenue.is_confirmed,
                    "amount": revenue.amount,
                }
                for revenue in application.revenues.order_by("project_year", "kind", "pk")
            ],
            "subcontracting_share": format_percent(
                share_percent(part=application.subcontracting_amount, whole=budget.expense_total)
            ),
            "subcontracting_cap": format_percent(rules.subcontracting_cap_percent),
            "administration_share": format_percent(
                share_percent(part=budget.administration_total, whole=budget.expense_total)
            ),
            "administration_cap": format_percent(rules.administration_cap_percent),
            "attachments": _attachments(application),
        }
    return DocumentSpec(
        template_name="pdf/applications/summary.html",
        context=context,
        filename=f"Demande {_reference_or_draft(application)}.pdf",
        language=LANGUAGE,
    )


@register_document("applications.information_request")
def build_information_request(application: Application) -> DocumentSpec:
    """Lettre de demande de renseignements for the latest information request of the file."""
    request = (
        InformationRequest.objects.filter(application=application)
        .select_related("requested_by")
        .order_by("-requested_at", "-pk")
        .first()
    )
    if request is None:
        raise ValueError(f"Application {application.pk} has no information request to put in a letter.")
    with translation.override(LANGUAGE):
        sections = [Section(code).label for code in request.sections if code in Section.values]
        context = {
            **_base_context(application),
            "request": request,
            "sections": sections,
            "officer": request.requested_by,
        }
    return DocumentSpec(
        template_name="pdf/applications/information_request.html",
        context=context,
        filename=f"Demande de renseignements {_reference_or_draft(application)}.pdf",
        language=LANGUAGE,
    )


@register_document("applications.inadmissibility_letter")
def build_inadmissibility_letter(application: Application) -> DocumentSpec:
    """Lettre d'inadmissibilité: the reason, its explanation, and whom to contact."""
    log = _latest_log(application, "applications.application.declared_inadmissible")
    declared_at: datetime = log.created_at if log is not None else timezone.now()
    signatory = log.actor if log is not None and log.actor is not None else application.officer
    with translation.override(LANGUAGE):
        context = {
            **_base_context(application),
            "declared_at": declared_at,
            "reason": application.get_inadmissibility_reason_display(),
            "details": application.inadmissibility_details,
            "signatory": signatory,
            "contact": application.officer or signatory,
        }
    return DocumentSpec(
        template_name="pdf/applications/inadmissibility_letter.html",
        context=context,
        filename=f"Lettre d’inadmissibilité {_reference_or_draft(application)}.pdf",
        language=LANGUAGE,
    )
