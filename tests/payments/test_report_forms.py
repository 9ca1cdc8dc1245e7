"""A revenue row of the final report needs both its source and its amount, or neither."""

from decimal import Decimal

import pytest

from payments.report_forms import RevenueForm


@pytest.mark.parametrize(
    ("data", "field"),
    [({"source": "Ville de Laval", "amount": ""}, "amount"), ({"source": "", "amount": "1 000"}, "source")],
)
def test_half_filled_row_names_missing_field(data, field):
    form = RevenueForm(data=data)

    assert not form.is_valid()
    assert list(form.errors) == [field]


def test_complete_row_is_valid():
    form = RevenueForm(data={"source": "Ville de Laval", "amount": "1 234,56"})

    assert form.is_valid()
    assert form.cleaned_data["amount"] == Decimal("1234.56")


def test_fields_are_not_marked_required():
    form = RevenueForm()

    assert not form.fields["source"].required
    assert not form.fields["amount"].required
