"""PDF documents of the agreement: the agreement itself (convention d'aide financière) and the payment notice.

Both go to the organization, so they are rendered in French whatever the language of the person who acts.
The templates under templates/pdf/payments/ use English msgids translated by the French catalogue.
"""

from decimal import Decimal

from django.utils import translation

from applications.documents import _base_context
from common.documents import DocumentSpec, register_document
from common.fiscal import fiscal_year_of
from payments.models import Agreement, Installment, InstallmentState

LANGUAGE = "fr"


def amounts_by_fiscal_year(agreement: Agreement) -> list[tuple[str, Decimal]]:
    """Fiscal year label → installments planned in it (cancelled ones excluded), in order."""
    totals: dict[str, Decimal] = {}
    for installment in agreement.installments.all():
        if installment.state == InstallmentState.CANCELLED:
            continue
        label = fiscal_year_of(installment.due_on).label
        totals[label] = totals.get(label, Decimal(0)) + installment.amount
    return sorted(totals.items())


def agreement_context(agreement: Agreement) -> dict:
    application = agreement.application
    by_fiscal_year = amounts_by_fiscal_year(agreement)
    return {
        **_base_context(application),
        "agreement": agreement,
        "years": list(agreement.years.all()),
        "installments": list(agreement.installments.select_related("gate_report").order_by("number")),
        "reports": list(agreement.reports.order_by("due_on", "pk")),
        "by_fiscal_year": by_fiscal_year,
        # The sum of the rows shown, which is the agreement total until an installment is cancelled.
        "by_fiscal_year_total": sum((amount for _label, amount in by_fiscal_year), Decimal(0)),
        "conditions": [line for line in agreement.conditions.splitlines() if line.strip()],
        "contact": application.officer,
    }


@register_document("payments.agreement")
def build_agreement(agreement: Agreement) -> DocumentSpec:
    """Convention d'aide financière: parties, project, amounts, schedule, reporting calendar and conditions."""
    with translation.override(LANGUAGE):
        context = agreement_context(agreement)
    return DocumentSpec(
        template_name="pdf/payments/agreement.html",
        context=context,
        filename=f"Convention {agreement.reference}.pdf",
        language=LANGUAGE,
    )


@register_document("payments.payment_notice")
def build_payment_notice(installment: Installment) -> DocumentSpec:
    """Avis de versement: the amount paid, its date and reference, and what was paid so far."""
    agreement = installment.agreement
    paid = agreement.installments.filter(state=InstallmentState.PAID, number__lte=installment.number)
    with translation.override(LANGUAGE):
        context = {
            **_base_context(agreement.application),
            "agreement": agreement,
            "installment": installment,
            "paid_to_date": sum((item.amount for item in paid), Decimal(0)),
        }
    return DocumentSpec(
        template_name="pdf/payments/payment_notice.html",
        context=context,
        filename=f"Avis de versement {agreement.reference}-{installment.number}.pdf",
        language=LANGUAGE,
    )
