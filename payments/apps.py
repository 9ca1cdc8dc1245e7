from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PaymentsConfig(AppConfig):
    name = "payments"
    verbose_name = _("Agreements and payments")

    def ready(self):
        from common.audit import describe_transitions, keep_internal
        from payments import receivers  # noqa: F401  (connects the signal receivers)

        describe_transitions(
            {
                "payments.agreement.created": _("Agreement prepared"),
                "payments.agreement.schedule_edited": _("Payment schedule changed"),
                "payments.agreement.conditions_edited": _("Conditions of the agreement changed"),
                "payments.agreement.sent": _("Agreement sent for signature"),
                "payments.agreement.revised": _("Agreement returned to draft for revision"),
                "payments.agreement.signed": _("Agreement signed by the organization"),
                "payments.agreement.activated": _("Agreement countersigned; now active"),
                "payments.agreement.completed": _("Agreement completed"),
                "payments.agreement.terminated": _("Agreement terminated"),
                "payments.installment.due": _("Installment due"),
                "payments.installment.approved": _("Installment approved for payment"),
                "payments.installment.paid": _("Installment paid"),
                "payments.installment.withheld": _("Installment withheld"),
                "payments.installment.released": _("Installment released"),
                "payments.installment.cancelled": _("Installment cancelled"),
                "payments.report.submitted": _("Report submitted"),
                "payments.report.revision_requested": _("Report revision requested"),
                "payments.report.accepted": _("Report accepted"),
                "payments.report.extended": _("Report due date extended"),
            }
        )
        # Approving an installment is the first of the two finance steps: the organization sees the payment
        # once it is recorded, without the name of the finance officer who approved it.
        keep_internal({"payments.installment.approved"})
