import dataclasses
from datetime import UTC, date, datetime, timedelta, tzinfo
from zoneinfo import ZoneInfo

import pytest

from common.fiscal import MONTREAL, FiscalYear, fiscal_year_of, montreal_date_of


def _utc(*args: int) -> datetime:
    return datetime(*args, tzinfo=UTC)


class _NoOffsetZone(tzinfo):
    """Time zone whose offset is unknown, which makes datetimes naive."""

    def utcoffset(self, value):
        return None

    def dst(self, value):
        return None

    def tzname(self, value):
        return None


# --- fiscal_year_of -------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (date(2027, 3, 31), "2026-2027"),
        (date(2027, 4, 1), "2027-2028"),
        (date(2026, 4, 1), "2026-2027"),
        (date(2026, 3, 31), "2025-2026"),
        (date(2026, 1, 1), "2025-2026"),
        (date(2026, 12, 31), "2026-2027"),
        (date(2024, 2, 29), "2023-2024"),
    ],
)
def test_fiscal_year_of_date(value, expected):
    assert fiscal_year_of(value).label == expected


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        # 31 March 23:30 EDT (UTC-4) is still in the old fiscal year.
        (_utc(2027, 4, 1, 3, 30), "2026-2027"),
        (_utc(2027, 4, 1, 3, 59, 59), "2026-2027"),
        # 1 April 00:00 and 00:01 EDT start the new one.
        (_utc(2027, 4, 1, 4, 0), "2027-2028"),
        (_utc(2027, 4, 1, 4, 1), "2027-2028"),
        (_utc(2026, 4, 1, 3, 30), "2025-2026"),
        (_utc(2026, 4, 1, 4, 1), "2026-2027"),
    ],
)
def test_fiscal_year_of_utc_boundary(value, expected):
    assert fiscal_year_of(value).label == expected


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (datetime(2027, 3, 31, 23, 30, tzinfo=MONTREAL), "2026-2027"),
        (datetime(2027, 4, 1, 0, 1, tzinfo=MONTREAL), "2027-2028"),
        # 05:30 in Paris (UTC+2) is 23:30 on 31 March in Montréal.
        (datetime(2027, 4, 1, 5, 30, tzinfo=ZoneInfo("Europe/Paris")), "2026-2027"),
        (datetime(2027, 3, 31, 21, 0, tzinfo=ZoneInfo("America/Vancouver")), "2027-2028"),
    ],
)
def test_fiscal_year_of_other_zones(value, expected):
    assert fiscal_year_of(value).label == expected


@pytest.mark.parametrize(
    "value",
    [
        # Spring forward on 2027-03-14: 02:00 EST becomes 03:00 EDT.
        _utc(2027, 3, 14, 6, 59),
        _utc(2027, 3, 14, 7, 0),
        # Fall back on 2026-11-01: 01:30 occurs in EDT, then again in EST.
        _utc(2026, 11, 1, 5, 30),
        _utc(2026, 11, 1, 6, 30),
    ],
)
def test_fiscal_year_of_dst_change_day(value):
    assert fiscal_year_of(value) == FiscalYear(2026)


def test_fiscal_year_of_rejects_naive_datetime():
    with pytest.raises(ValueError):
        fiscal_year_of(datetime(2027, 4, 1, 0, 1))


def test_fiscal_year_of_rejects_unknown_offset():
    with pytest.raises(ValueError):
        fiscal_year_of(datetime(2027, 4, 1, 0, 1, tzinfo=_NoOffsetZone()))


@pytest.mark.parametrize("value", ["2027-04-01", 20270401, None])
def test_fiscal_year_of_rejects_non_date(value):
    with pytest.raises(TypeError):
        fiscal_year_of(value)


# --- montreal_date_of -----------------------------------------------------


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        # Spring forward day, 2027-03-14: EST (UTC-5) at its start, EDT (UTC-4)
        # at its end.
        (_utc(2027, 3, 14, 4, 59), date(2027, 3, 13)),
        (_utc(2027, 3, 14, 5, 0), date(2027, 3, 14)),
        (_utc(2027, 3, 15, 3, 59), date(2027, 3, 14)),
        (_utc(2027, 3, 15, 4, 0), date(2027, 3, 15)),
        # Fall back day, 2026-11-01: EDT at its start, EST at its end.
        (_utc(2026, 11, 1, 3, 59), date(2026, 10, 31)),
        (_utc(2026, 11, 1, 4, 0), date(2026, 11, 1)),
        (_utc(2026, 11, 2, 4, 59), date(2026, 11, 1)),
        (_utc(2026, 11, 2, 5, 0), date(2026, 11, 2)),
    ],
)
def test_montreal_date_of_dst_change_day(value, expected):
    assert montreal_date_of(value) == expected


def test_montreal_date_of_rejects_naive():
    with pytest.raises(ValueError):
        montreal_date_of(datetime(2026, 11, 1, 12, 0))


# --- FiscalYear -----------------------------------------------------------


def test_fiscal_year_start():
    assert FiscalYear(2026).start == date(2026, 4, 1)


def test_fiscal_year_end():
    assert FiscalYear(2026).end == date(2027, 3, 31)


def test_fiscal_year_end_in_leap_year():
    assert FiscalYear(2027).end == date(2028, 3, 31)


def test_fiscal_year_label():
    assert FiscalYear(2026).label == "2026-2027"


def test_fiscal_year_str_is_label():
    assert str(FiscalYear(2026)) == "2026-2027"


def test_fiscal_year_label_pads_years():
    assert FiscalYear(999).label == "0999-1000"


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (date(2026, 4, 1), True),
        (date(2027, 3, 31), True),
        (date(2026, 9, 15), True),
        (date(2026, 3, 31), False),
        (date(2027, 4, 1), False),
        (_utc(2027, 4, 1, 3, 30), True),
        (_utc(2027, 4, 1, 4, 1), False),
    ],
)
def test_fiscal_year_contains(value, expected):
    assert FiscalYear(2026).contains(value) is expected


def test_fiscal_year_contains_rejects_naive():
    with pytest.raises(ValueError):
        FiscalYear(2026).contains(datetime(2026, 9, 15, 12, 0))


def test_fiscal_year_next():
    assert FiscalYear(2026).next() == FiscalYear(2027)


def test_fiscal_year_previous():
    assert FiscalYear(2026).previous() == FiscalYear(2025)


def test_fiscal_year_next_starts_after_end():
    year = FiscalYear(2026)
    assert year.next().start == year.end + timedelta(days=1)


def test_fiscal_year_ordering():
    assert FiscalYear(2025) < FiscalYear(2026)


def test_fiscal_year_sorting():
    years = [FiscalYear(2027), FiscalYear(2025), FiscalYear(2026)]
    assert sorted(years) == [FiscalYear(2025), FiscalYear(2026), FiscalYear(2027)]


def test_fiscal_year_hashable():
    assert {FiscalYear(2026), FiscalYear(2026)} == {FiscalYear(2026)}


def test_fiscal_year_frozen():
    with pytest.raises(dataclasses.FrozenInstanceError):
        FiscalYear(2026).start_year = 2027


@pytest.mark.parametrize("start_year", [0, -1, 9999])
def test_fiscal_year_rejects_out_of_range(start_year):
    with pytest.raises(ValueError):
        FiscalYear(start_year)


@pytest.mark.parametrize("start_year", ["2026", 2026.0, True])
def test_fiscal_year_rejects_non_int(start_year):
    with pytest.raises(TypeError):
        FiscalYear(start_year)


# --- FiscalYear.from_label ------------------------------------------------


@pytest.mark.parametrize(
    ("label", "start_year"),
    [("2026-2027", 2026), ("1999-2000", 1999), ("0999-1000", 999)],
)
def test_from_label_valid(label, start_year):
    assert FiscalYear.from_label(label) == FiscalYear(start_year)


@pytest.mark.parametrize("start_year", [1, 2026, 9998])
def test_from_label_round_trip(start_year):
    year = FiscalYear(start_year)
    assert FiscalYear.from_label(year.label) == year


@pytest.mark.parametrize(
    "label",
    [
        "",
        "2026",
        "2026-2028",
        "2026-2026",
        "2027-2026",
        "2026/2027",
        "2026–2027",
        "26-27",
        "2026-27",
        " 2026-2027",
        "2026-2027 ",
        "abcd-efgh",
        "0000-0001",
        "٢٠٢٦-٢٠٢٧",
    ],
)
def test_from_label_rejects_invalid(label):
    with pytest.raises(ValueError):
        FiscalYear.from_label(label)
