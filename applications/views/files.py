"""The file page of an application, shared by its organization and the ministry staff, and its downloads.

Everything the user may not view gets a 404 response, so a response never reveals that a file exists.
"""

import logging
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal

from django.contrib.auth.mixins import LoginRequiredMixin
from django.contrib.contenttypes.models import ContentType
from django.http import Http404
from django.shortcuts import get_object_or_404, render
from django.urls import NoReverseMatch, path, reverse
from django.utils.translation import gettext_lazy as _
from django.views import View
from django.views.generic import TemplateView

from accounts.models import Membership
from accounts.roles import is_organization_staff
from applications import selectors
from applications.budget import ProjectYear, duration_months, project_years
from applications.forms import PROJECT_FIELDS
from applications.models import Application, ApplicationState
from applications.rules import is_applicant_member
from common.audit import timeline_for
from common.files import MissingStoredFile, file_response
from common.models import Document
from common.regions import AdministrativeRegion
from reviews.committee import can_see_ranking
from reviews.models import CommitteeRecommendation

logger = logging.getLogger(__name__)

DOCUMENT_KIND_LABELS = {
    "applications.receipt": _("Acknowledgement of receipt"),
    "applications.summary": _("Summary of the application"),
    "applications.information_request": _("Information request letter"),
    "applications.inadmissibility_letter": _("Inadmissibility letter"),
}


# Summary of the file, shared by this page, the review page and the read-only wizard steps


@dataclass
class BudgetColumn:
    number: int
    year: ProjectYear | None
    # Amounts saved for a year that the current project dates no longer cover.
    outside_dates: bool = False


@dataclass
class BudgetRow:
    label: str
    amounts: list[Decimal]
    total: Decimal


@dataclass
class BudgetSummary:
    columns: list[BudgetColumn]
    rows: list[BudgetRow]
    expense_totals: list[Decimal]
    expense_total: Decimal
    requested: list[Decimal]
    requested_total: Decimal
    revenues: list[Decimal]
    revenues_total: Decimal
    differences: list[Decimal]
    subcontracting: Decimal
    outside_years: list[int] = field(default_factory=list)

    @property
    def is_empty(self) -> bool:
        return not self.columns

    @property
    def funding_total(self) -> Decimal:
        return self.requested_total + self.revenues_total


def years_of(application: Application) -> list[ProjectYear]:
    """Return the project years of the saved dates, or no year while a date is missing or out of order."""
    if application.starts_on is None or application.ends_on is None or application.ends_on < application.starts_on:
        return []
    return project_years(application.starts_on, application.ends_on)


def expense_categories_of(application: Application) -> list:
    return list(application.call.expense_categories.order_by("position", "code"))


def build_budget_summary(application: Application, categories: list) -> BudgetSummary:
    """Add up the saved budget by year: expenses per category, amount requested, other revenues and the gap.

    Years with amounts that fall outside the current project dates get their own column, flagged, so
    that no saved amount is hidden.
    """
    expenses: dict[tuple[int, int], Decimal] = {}
    for line in application.budget_lines.all():
        expenses[(line.project_year, line.category_id)] = line.amount
    requested = {row.project_year: row.amount for row in application.requested_amounts.all()}
    revenues: dict[int, Decimal] = defaultdict(Decimal)
    for revenue in application.revenues.all():
        revenues[revenue.project_year] += revenue.amount

    years = {year.number: year for year in years_of(application)}
    used = {number for number, _category in expenses} | set(requested) | set(revenues)
    outside = sorted(used - set(years))
    columns = [BudgetColumn(number, years.get(number), number not in years) for number in sorted(set(years) | used)]

    known = {category.pk for category in categories}
    extra = {line.category for line in application.budget_lines.all() if line.category_id not in known}
    rows = []
    for category in [*categories, *sorted(extra, key=lambda item: item.position)]:
        amounts = [expenses.get((column.number, category.pk), Decimal(0)) for column in columns]
        rows.append(BudgetRow(category.name, amounts, sum(amounts, Decimal(0))))

    expense_totals = [sum((row.amounts[index] for row in rows), Decimal(0)) for index in range(len(columns))]
    requested_list = [requested.get(column.number, Decimal(0)) for column in columns]
    revenue_list = [revenues.get(column.number, Decimal(0)) for column in columns]
    return BudgetSummary(
        columns=columns,
        rows=rows,
        expense_totals=expense_totals,
        expense_total=sum(expense_totals, Decimal(0)),
        requested=requested_list,
        requested_total=sum(requested_list, Decimal(0)),
        revenues=revenue_list,
        revenues_total=sum(revenue_list, Decimal(0)),
        differences=[
            expense - requested_amount - other
            for expense, requested_amount, other in zip(expense_totals, requested_list, revenue_list, strict=True)
        ],
        subcontracting=application.subcontracting_amount,
        outside_years=outside,
    )


def documents_by_type(application: Application) -> list[tuple]:
    """Return (required document, its attachments) pairs in the order of the call."""
    attachments = defaultdict(list)
    for attachment in application.attachments.all():
        attachments[attachment.document_type_id].append(attachment)
    required_documents = application.call.required_documents.select_related("document_type").order_by(
        "-is_required", "document_type__position"
    )
    return [(required, attachments[required.document_type_id]) for required in required_documents]


def build_summary(application: Application) -> dict:
    """Return what the summary templates show about every section of the application."""
    regions = dict(AdministrativeRegion.choices)
    duration = None
    if application.starts_on and application.ends_on and application.starts_on <= application.ends_on:
        duration = duration_months(application.starts_on, application.ends_on)
    return {
        "project": [
            (Application._meta.get_field(name).verbose_name, getattr(application, name)) for name in PROJECT_FIELDS
        ],
        "regions": [regions.get(code, code) for code in application.regions],
        "clienteles": list(application.clienteles.all()),
        "phases": list(application.phases.all()),
        "duration_months": duration,
        "budget": build_budget_summary(application, expense_categories_of(application)),
        "revenues": list(application.revenues.all()),
        "documents": documents_by_type(application),
    }


def representative_of(application: Application):
    membership = (
        Membership.objects.filter(organization_id=application.organization_id, is_representative=True)
        .select_related("user")
        .first()
    )
    return membership.user if membership else None


def screening_url(user, application: Application) -> str | None:
    """Return the link to the staff screening page, or None for a user who may not screen this file."""
    if not user.has_perm("applications.screen_application", application):
        return None
    try:
        return reverse("applications:screening", kwargs={"pk": application.pk})
    except NoReverseMatch:
        # The screening pages live in applications/views/staff.py; without them the file page still works.
        return None


# States before the committee stage; from « evaluated » on, the file appears in the call's ranking.
BEFORE_RANKING = {
    ApplicationState.DRAFT,
    ApplicationState.SUBMITTED,
    ApplicationState.SCREENING,
    ApplicationState.INCOMPLETE,
    ApplicationState.INADMISSIBLE,
    ApplicationState.UNDER_REVIEW,
    ApplicationState.WITHDRAWN,
}


def committee_context(user, application: Application) -> dict:
    """Return the committee's recommendation and the link to the call's ranking, for the ministry staff only.

    Committee members are not organization staff: they never reach this page, so a member in conflict with
    the organization sees nothing of the file here either.
    """
    if application.state in BEFORE_RANKING or not is_organization_staff(user):
        return {}
    recommendation = (
        CommitteeRecommendation.objects.filter(application=application).prefetch_related("recommended_amounts").first()
    )
    ranking_url = reverse("reviews:ranking", kwargs={"code": application.call.code}) if can_see_ranking(user) else None
    return {"committee_recommendation": recommendation, "ranking_url": ranking_url}


def visible_application(user, pk: int, queryset=None) -> Application:
    """Return the application `pk` if `user` may view it, or raise Http404."""
    queryset = queryset if queryset is not None else Application.objects.visible_to(user)
    application = get_object_or_404(queryset, pk=pk)
    if not user.has_perm("applications.view_application", application):
        raise Http404
    return application


# Views


class ApplicationDetailView(LoginRequiredMixin, TemplateView):
    template_name = "applications/detail.html"

    def get_context_data(self, **kwargs):
        user = self.request.user
        application = visible_application(user, self.kwargs["pk"], selectors.application_detail(user))
        documents = Document.objects.filter(
            content_type=ContentType.objects.get_for_model(Application), object_id=str(application.pk)
        ).order_by("kind", "-version")
        for document in documents:
            document.kind_label = DOCUMENT_KIND_LABELS.get(document.kind, document.kind)
        return super().get_context_data(
            **kwargs,
            application=application,
            summary=build_summary(application),
            generated_documents=documents,
            information_requests=application.information_requests.all(),
            timeline=timeline_for(application, for_organization=not is_organization_staff(user)),
            representative=representative_of(application),
            is_member=is_applicant_member(user, application),
            can_edit=user.has_perm("applications.change_application", application),
            can_withdraw=user.has_perm("applications.withdraw_application", application),
            screening_url=screening_url(user, application),
            **committee_context(user, application),
        )


class AttachmentDownloadView(LoginRequiredMixin, View):
    def get(self, request, pk: int, attachment_id: int):
        application = visible_application(request.user, pk)
        attachment = get_object_or_404(application.attachments, pk=attachment_id)
        try:
            return file_response(attachment.file, attachment.filename)
        except MissingStoredFile:
            logger.error(
                "Attachment %s of application %s has no stored file %r.",
                attachment.pk,
                application.pk,
                attachment.file.name,
            )
            context = {"filename": attachment.filename, "reference": application.reference or f"D-{application.pk}"}
            return render(request, "common/file_missing.html", context, status=410)


urlpatterns = [
    path("<int:pk>/", ApplicationDetailView.as_view(), name="detail"),
    path(
        "<int:pk>/pieces-jointes/<int:attachment_id>/",
        AttachmentDownloadView.as_view(),
        name="attachment_download",
    ),
]
