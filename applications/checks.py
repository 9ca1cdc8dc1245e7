"""Everything an application still lacks before it can be submitted, as one list of problems."""

from collections import defaultdict
from decimal import Decimal

from django.utils.translation import gettext as _

from applications.budget import Problem, check_budget, check_dates, project_years
from applications.models import Application

REQUIRED_PROJECT_FIELDS = [
    "title",
    "summary",
    "objectives",
    "expected_impacts",
    "approach",
    "knowledge_base",
    "help_resources",
]


def budget_problems(application: Application) -> list[Problem]:
    rules = application.call.rules
    problems = check_dates(rules=rules, starts_on=application.starts_on, ends_on=application.ends_on)
    if problems:
        return problems
    expenses: dict[int, dict[str, Decimal]] = defaultdict(dict)
    administration_codes = set()
    for line in application.budget_lines.select_related("category"):
        expenses[line.project_year][line.category.code] = line.amount
        if line.category.is_administration:
            administration_codes.add(line.category.code)
    revenues: dict[int, Decimal] = defaultdict(Decimal)
    for revenue in application.revenues.all():
        revenues[revenue.project_year] += revenue.amount
    requested = {row.project_year: row.amount for row in application.requested_amounts.all()}
    return check_budget(
        rules=rules,
        years=project_years(application.starts_on, application.ends_on),
        expenses=dict(expenses),
        administration_codes=administration_codes,
        requested=requested,
        revenues=dict(revenues),
        subcontracting=application.subcontracting_amount,
    )


def document_problems(application: Application) -> list[Problem]:
    problems = []
    counts = defaultdict(int)
    for attachment in application.attachments.all():
        counts[attachment.document_type_id] += 1
    for required in application.call.required_documents.select_related("document_type"):
        count = counts[required.document_type_id]
        if required.is_required and count == 0:
            problems.append(
                Problem(
                    "documents",
                    f"document-{required.document_type.code}",
                    _("Attach the document « %(name)s ».") % {"name": required.document_type.name},
                )
            )
        if count > required.max_files:
            problems.append(
                Problem(
                    "documents",
                    f"document-{required.document_type.code}",
                    _("« %(name)s »: at most %(max)d files; remove %(extra)d.")
                    % {
                        "name": required.document_type.name,
                        "max": required.max_files,
                        "extra": count - required.max_files,
                    },
                )
            )
    return problems


def application_problems(application: Application) -> list[Problem]:
    """List every remaining problem of the application, in the order of the form's sections."""
    problems = []
    if application.organization_confirmed_at is None:
        problems.append(
            Problem("organization", "id_confirm", _("Confirm that your organization's information is up to date."))
        )
    for name in REQUIRED_PROJECT_FIELDS:
        if not getattr(application, name).strip():
            label = Application._meta.get_field(name).verbose_name
            problems.append(Problem("project", f"id_{name}", _("Fill in « %(field)s ».") % {"field": label}))
    if not application.clienteles.exists():
        problems.append(Problem("clienteles", "id_clienteles", _("Choose at least one clientele.")))
    if not application.regions:
        problems.append(Problem("clienteles", "id_regions", _("Choose at least one administrative region.")))
    if not application.reach:
        problems.append(Problem("clienteles", "id_reach", _("Choose the reach of the project.")))
    if not application.phases.exists():
        problems.append(Problem("calendar", "phases", _("Describe at least one phase of the project calendar.")))
    problems += budget_problems(application)
    problems += document_problems(application)
    return problems
