"""Conditions and constants that the queries of several dashboard sections share."""

from datetime import timedelta
from decimal import Decimal

from django.db.models import Count, DecimalField, Q, Subquery, Value
from django.db.models.functions import Coalesce

from applications.filters import start_of_day
from common.fiscal import FiscalYear

MONEY = DecimalField(max_digits=12, decimal_places=2)
# The fields of a call that the dashboard reads. Leaving out the long descriptions keeps the rows that the
# review counts group and sort narrow. The state is read too, because django-fsm loads a deferred protected
# state with one query per instance.
CALL_FIELDS = ("code", "title_fr", "title_en", "state")
ZERO = Decimal("0.00")


def submitted_in(fiscal_year: FiscalYear, prefix: str = "") -> Q:
    """Return the condition « submitted during `fiscal_year` », on Montréal calendar days.

    The bounds are those of the applications list's « submitted on or after / on or before » filters, so the
    dashboard counts the same files as that list. `prefix` reaches the application through a relation,
    such as ``"applications__"``.
    """
    return Q(
        **{
            f"{prefix}submitted_at__gte": start_of_day(fiscal_year.start),
            f"{prefix}submitted_at__lt": start_of_day(fiscal_year.end + timedelta(days=1)),
        }
    )


def count_of(queryset, group: str) -> Coalesce:
    """Return the number of rows of `queryset` as a subquery expression, 0 when there are none.

    `queryset` is filtered on an OuterRef, and `group` is a field with the same value in all its rows.
    """
    return Coalesce(
        Subquery(queryset.order_by().values(group).annotate(total=Count("pk")).values("total")[:1]),
        Value(0),
    )
