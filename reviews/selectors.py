"""Read-side querysets of the reviews app, with what each page shows loaded up front."""

from django.db.models import Prefetch, QuerySet

from accounts.models import Role, User
from reviews.models import AssignmentState, ReviewAssignment, Score


def assignments_visible_to(user) -> QuerySet[ReviewAssignment]:
    """Return the assignments `user` may open: their own, except cancelled ones and those declined for a conflict."""
    if not user.is_authenticated:
        return ReviewAssignment.objects.none()
    return (
        ReviewAssignment.objects.filter(reviewer=user)
        .exclude(state=AssignmentState.CANCELLED)
        .exclude(declaration__has_conflict=True)
    )


def my_assignments(user) -> QuerySet[ReviewAssignment]:
    return assignments_visible_to(user).select_related(
        "application", "application__organization", "application__call", "declaration"
    )


def assignment_detail(user) -> QuerySet[ReviewAssignment]:
    return assignments_visible_to(user).select_related(
        "application",
        "application__organization",
        "application__call",
        "declaration",
        "review",
    )


def review_scores(review) -> dict[int, Score]:
    """Return criterion id → saved score of `review` (empty for no review yet)."""
    if review is None:
        return {}
    return {score.criterion_id: score for score in review.scores.all()}


def file_assignments(application) -> list[ReviewAssignment]:
    """Return every assignment of a file, newest first, with its reviewer, declaration and review."""
    return list(
        ReviewAssignment.objects.filter(application=application)
        .select_related("reviewer", "declaration", "review")
        .order_by("-assigned_at", "-pk")
    )


def reviewers() -> QuerySet[User]:
    return (
        User.objects.filter(groups__name=Role.REVIEWER, is_active=True)
        .order_by("last_name", "first_name", "email")
        .distinct()
    )


def prefetch_scores():
    return Prefetch("scores", queryset=Score.objects.select_related("criterion"))
