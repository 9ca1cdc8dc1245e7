"""The links to the envelopes of the calls under the agreements list, and the sum paid per agreement."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from grants.models import Call, Envelope
from payments.selectors import agreement_list
from tests.factories import CallFactory
from tests.payments.conftest import activate, approved_agreement, pay

pytestmark = pytest.mark.django_db

AGREEMENTS_URL = reverse("payments:agreements")


def opened_days_ago(call, days: int) -> None:
    Call.objects.filter(pk=call.pk).update(opens_at=timezone.now() - timedelta(days=days))


def test_envelope_calls_with_envelope_or_agreement(client, finance):
    both = approved_agreement().application.call
    approved_agreement(call=both)
    agreements_only = approved_agreement().application.call
    Envelope.objects.filter(call=agreements_only).delete()
    envelope_only = CallFactory()
    Envelope.objects.filter(call=envelope_only).delete()
    Envelope.objects.create(call=envelope_only, fiscal_year="2027-2028", amount=Decimal("100000"))
    neither = CallFactory()
    Envelope.objects.filter(call=neither).delete()
    for days, call in enumerate([envelope_only, both, agreements_only, neither], start=1):
        opened_days_ago(call, days)

    client.force_login(finance)
    response = client.get(AGREEMENTS_URL)

    assert response.status_code == 200
    assert list(response.context["envelope_calls"]) == [envelope_only, both, agreements_only]


def test_agreement_list_sums_paid_installments_only(finance, second_finance, officer, decision_maker):
    agreement = activate(approved_agreement(), officer, decision_maker)
    installments = list(agreement.installments.order_by("number"))
    pay(installments[0], finance, second_finance)
    unpaid = approved_agreement()

    paid_by_agreement = {row.pk: row.paid for row in agreement_list(finance)}

    assert paid_by_agreement[agreement.pk] == installments[0].amount
    assert paid_by_agreement[unpaid.pk] == Decimal(0)
