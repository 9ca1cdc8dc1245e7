"""Québec government fiscal years, which run from 1 April to 31 March."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime
from zoneinfo import ZoneInfo

__all__ = ["MONTREAL", "FiscalYear", "fiscal_year_of", "montreal_date_of"]

MONTREAL = ZoneInfo("America/Montreal")

FISCAL_YEAR_START_MONTH = 4

_LABEL_PATTERN = re.compile(r"(?P<start>[0-9]{4})-(?P<end>[0-9]{4})")

# The end date falls in start_year + 1, which must stay within datetime.date.
_MIN_START_YEAR = 1
_MAX_START_YEAR = 9998


@dataclass(frozen=True, order=True)
class FiscalYear:
    """Fiscal year from 1 April of ``start_year`` to 31 March of the next year.

    Instances compare and sort by ``start_year``.
    """

    start_year: int

    def __post_init__(self) -> None:
        if isinstance(self.start_year, bool) or not isinstance(self.start_year, int):
            raise TypeError(f"start_year must be an int, got {type(self.start_year).__name__}")
        if not _MIN_START_YEAR <= self.start_year <= _MAX_START_YEAR:
            raise ValueError(
                f"start_year must be between {_MIN_START_YEAR} and {_MAX_START_YEAR}, got {self.start_year}"
            )

    @classmethod
    def from_label(cls, label: str) -> FiscalYear:
        """Parse a label such as ``"2026-2027"``.

        Raises ``ValueError`` unless the label is two four-digit years joined
        by a hyphen, the second one year after the first, with no spaces.
        """
        match = _LABEL_PATTERN.fullmatch(label)
        if match is None:
            raise ValueError(f"Invalid fiscal year label {label!r}. Use the form 2026-2027.")

        start_year = int(match["start"])
        end_year = int(match["end"])
        if end_year != start_year + 1:
            raise ValueError(f"Invalid fiscal year label {label!r}. The second year must be {start_year + 1}.")
        return cls(start_year)

    @property
    def start(self) -> date:
        """First day, 1 April of ``start_year``."""
        return date(self.start_year, FISCAL_YEAR_START_MONTH, 1)

    @property
    def end(self) -> date:
        """Last day, 31 March of the year after ``start_year``."""
        return date(self.start_year + 1, FISCAL_YEAR_START_MONTH - 1, 31)

    @property
    def label(self) -> str:
        """Label in the form ``"2026-2027"``."""
        return f"{self.start_year:04d}-{self.start_year + 1:04d}"

    def __str__(self) -> str:
        return self.label

    def contains(self, value: date | datetime) -> bool:
        """Return whether a date or aware datetime falls in this fiscal year.

        Datetimes follow the rules of ``fiscal_year_of()``.
        """
        return fiscal_year_of(value) == self

    def next(self) -> FiscalYear:
        """Return the following fiscal year."""
        return FiscalYear(self.start_year + 1)

    def previous(self) -> FiscalYear:
        """Return the preceding fiscal year."""
        return FiscalYear(self.start_year - 1)


def montreal_date_of(value: datetime) -> date:
    """Convert an aware datetime to its calendar date in Montréal.

    Raises ``ValueError`` for a naive datetime, because its time zone is
    unknown and a guess could move the date across midnight.
    """
    if value.tzinfo is None or value.utcoffset() is None:
        raise ValueError(
            f"Naive datetime {value.isoformat()} has no time zone. "
            "Pass an aware datetime, such as django.utils.timezone.now()."
        )
    return value.astimezone(MONTREAL).date()


def fiscal_year_of(value: date | datetime) -> FiscalYear:
    """Return the fiscal year that contains a date or an aware datetime.

    A datetime is first converted to its date in Montréal, so 2027-04-01 03:30
    UTC (31 March, 23:30 EDT) belongs to 2026-2027. A date is used as is.
    Raises ``ValueError`` for a naive datetime.
    """
    # datetime is a subclass of date, so it must be checked first.
    if isinstance(value, datetime):
        local_date = montreal_date_of(value)
    elif isinstance(value, date):
        local_date = value
    else:
        raise TypeError(f"Expected a date or datetime, got {type(value).__name__}")

    if local_date.month >= FISCAL_YEAR_START_MONTH:
        return FiscalYear(local_date.year)
    return FiscalYear(local_date.year - 1)
