from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ApplicationsConfig(AppConfig):
    name = "applications"
    verbose_name = _("Applications")

    def ready(self):
        from common.audit import describe_transitions, keep_internal

        describe_transitions(
            {
                "applications.application.created": _("Draft started"),
                "applications.application.submitted": _("Application submitted"),
                "applications.application.taken_in_charge": _("Taken in charge"),
                "applications.application.information_requested": _("Information requested"),
                "applications.application.resubmitted": _("Information provided"),
                "applications.application.declared_inadmissible": _("Declared inadmissible"),
                "applications.application.declared_receivable": _("Declared receivable"),
                "applications.application.withdrawn": _("Application withdrawn"),
                "applications.application.extension_granted": _("Deadline extended"),
                "applications.application.screening_saved": _("Screening checklist saved"),
            }
        )
        # The organization sees that these steps happened, not who deliberated or why.
        keep_internal(
            {
                "applications.application.screening_saved",
                "applications.application.review_closed",
                "applications.application.review_reopened",
                "applications.application.recommended",
                "applications.application.not_recommended",
            }
        )
