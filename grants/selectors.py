from django.db.models import Prefetch, QuerySet, Sum
from django.utils import timezone

from grants.models import Call, Criterion, Envelope, RequiredDocument


def calls_visible_to(user) -> QuerySet[Call]:
    return Call.objects.visible_to(user)


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
    return (
        calls_visible_to(user)
        .select_related("program", "rules")
        .prefetch_related(
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
        )
        .filter(code=code)
    )
