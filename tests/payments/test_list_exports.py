"""Exports of the agreements, reports and finance-queue lists: the rows and sums of the pages, as numbers."""

import io
from decimal import Decimal

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from payments.models import InstallmentState
from tests.payments.conftest import pay

pytestmark = pytest.mark.django_db


def exported(client, user, name, **params) -> list[dict]:
    client.force_login(user)
    response = client.get(reverse("common:export", args=[name, "xlsx"]), params)
    assert response.status_code == 200
    rows = list(load_workbook(io.BytesIO(response.content)).active.iter_rows(values_only=True))
    return [dict(zip(rows[0], row, strict=True)) for row in rows[1:]]


def test_agreement_export_shows_total_and_paid_as_numbers(client, active_agreement, finance, second_finance):
    first = active_agreement.installments.get(number=1)
    pay(first, finance, second_finance)

    (row,) = exported(client, finance, "conventions")

    assert row["Reference number"] == active_agreement.application.reference
    assert Decimal(str(row["Agreement total"])) == active_agreement.total
    assert Decimal(str(row["Paid"])) == first.amount
    assert Decimal(str(row["Remaining to pay"])) == active_agreement.total - first.amount


def test_finance_queue_export_keeps_the_default_of_due_installments(client, active_agreement, finance):
    due = active_agreement.installments.filter(state=InstallmentState.DUE)

    rows = exported(client, finance, "versements")
    every_state = exported(client, finance, "versements", state="")

    assert [row["Installment"] for row in rows] == [installment.number for installment in due]
    assert len(every_state) == active_agreement.installments.count()


def test_report_export_follows_the_kind_filter(client, active_agreement, finance):
    rows = exported(client, finance, "rapports", kind="final")

    assert [row["Kind"] for row in rows] == ["Final report"]
