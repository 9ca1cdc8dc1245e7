from django.db.models import Prefetch, QuerySet, Sum
from django.utils import timezone

from accounts.roles import is_program_manager, is_program_officer
from grants.models import Call, CallState, Criterion, Envelope, RequiredDocument


def calls_visible_to(user) -> QuerySet[Call]:
    """Published and closed calls for everyone; drafts and archives too for program staff."""
    if user.is_authenticated and (is_program_manager(user) or is_program_officer(user)):
        return Call.objects.all()
    return Call.objects.filter(state__in=CallState.public())


def call_list(user) -> QuerySet[Call]:
    return (
        calls_visible_to(user)
        .select_related("program")
        .annotate(envelope_total=Sum("envelopes__amount"))
        .order_by("-closes_at")
    )


def open_calls(now=None) -> QuerySet[Call]:
    return (
        Call.objects.accepting(now or timezone.now())
        .select_related("program")
        .annotate(envelope_total=Sum("envelopes__amount"))
        .order_by("closes_at")
    )


def call_detail(user, code: str) -> QuerySet[Call]:
    return calls_visible_to(user).select_related("program", "rules").prefetch_related(
        Prefetch("criteria", queryset=Criterion.objects.order_by("position")),
        Prefetch("envelopes", queryset=Envelope.objects.order_by("fiscal_year")),
        Prefetch(
            "required_documents",
            queryset=RequiredDocument.objects.select_related("document_type").order_by(
                "-is_required", "document_type__position"
            ),
        ),
        "clienteles",
        "expense_categories",
        "screening_questions",
    ).filter(code=code)
