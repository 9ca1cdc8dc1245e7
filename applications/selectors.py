from django.db.models import F, Prefetch, QuerySet

from applications.models import Application, Attachment, BudgetLine, Phase, ScreeningAnswer


def applications_visible_to(user) -> QuerySet[Application]:
    return Application.objects.visible_to(user)


def staff_application_list(user) -> QuerySet[Application]:
    """Return the staff list with what each row shows loaded up front, so the query count stays constant."""
    return (
        applications_visible_to(user)
        .select_related("call", "organization", "officer")
        # PostgreSQL sorts NULLs first in descending order and SQLite last: drafts go last on both.
        .order_by(F("submitted_at").desc(nulls_last=True), "-created_at", "-pk")
    )


def application_detail(user) -> QuerySet[Application]:
    return (
        applications_visible_to(user)
        .select_related("call", "call__rules", "call__program", "organization", "officer", "submitted_by", "created_by")
        .prefetch_related(
            "clienteles",
            Prefetch("phases", queryset=Phase.objects.order_by("position", "starts_on")),
            Prefetch("budget_lines", queryset=BudgetLine.objects.select_related("category")),
            "requested_amounts",
            "revenues",
            Prefetch("attachments", queryset=Attachment.objects.select_related("document_type")),
            Prefetch("screening_answers", queryset=ScreeningAnswer.objects.select_related("question", "answered_by")),
            "information_requests",
        )
    )


def applications_of(user) -> QuerySet[Application]:
    """Return the applications of the organizations `user` belongs to, newest first."""
    return (
        Application.objects.filter(organization__memberships__user=user)
        .select_related("call", "organization")
        .order_by("-created_at")
    )
