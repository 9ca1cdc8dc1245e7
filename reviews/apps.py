from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ReviewsConfig(AppConfig):
    name = "reviews"
    verbose_name = _("Reviews")

    def ready(self):
        from common.audit import describe_transitions

        describe_transitions(
            {
                "reviews.assignment.assigned": _("Reviewer assigned"),
                "reviews.assignment.accepted": _("No conflict declared; review accepted"),
                "reviews.assignment.declined": _("Assignment declined"),
                "reviews.assignment.submitted": _("Review submitted"),
                "reviews.assignment.reopened": _("Review reopened"),
                "reviews.assignment.cancelled": _("Assignment cancelled"),
                "applications.application.review_closed": _("Review closed"),
                "applications.application.review_reopened": _("Review reopened"),
                "applications.application.recommended": _("Recommended by the selection committee"),
                "applications.application.not_recommended": _("Not recommended by the selection committee"),
                "applications.application.approved": _("Approved by the decision-making authority"),
                "applications.application.declined": _("Declined by the decision-making authority"),
            }
        )
