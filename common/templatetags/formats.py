"""Québec formats for templates: money, dates, times and fiscal years, in the active language."""

from datetime import date, datetime
from decimal import Decimal, InvalidOperation

from django import template
from django.utils import timezone
from django.utils.translation import get_language

from common.fiscal import fiscal_year_of
from common.money import format_money

register = template.Library()

FRENCH_MONTHS = [
    "janvier", "février", "mars", "avril", "mai", "juin",
    "juillet", "août", "septembre", "octobre", "novembre", "décembre",
]  # fmt: skip
ENGLISH_MONTHS = [
    "January", "February", "March", "April", "May", "June",
    "July", "August", "September", "October", "November", "December",
]  # fmt: skip


def _is_french() -> bool:
    return (get_language() or "fr")[:2] != "en"


@register.filter
def money(value):
    """Format an amount as « 1 234,56 $ » in French or « $1,234.56 » in English; empty stays empty."""
    if value in (None, ""):
        return ""
    try:
        return format_money(Decimal(value))
    except (InvalidOperation, TypeError, ValueError):
        return ""


def format_long_date(value: date) -> str:
    if _is_french():
        day = "1er" if value.day == 1 else str(value.day)
        return f"{day} {FRENCH_MONTHS[value.month - 1]} {value.year}"
    return f"{ENGLISH_MONTHS[value.month - 1]} {value.day}, {value.year}"


def format_time(value: datetime) -> str:
    if _is_french():
        return f"{value.hour} h" if value.minute == 0 else f"{value.hour} h {value.minute:02d}"
    return value.strftime("%I:%M %p").lstrip("0")


def _parse_iso(text: str) -> date | datetime | str:
    """Return the date or datetime that an ISO 8601 string denotes, or the string itself when it is not one."""
    try:
        return datetime.fromisoformat(text) if "T" in text else date.fromisoformat(text)
    except ValueError:
        return text


@register.filter
def long_date(value):
    """« 15 mars 2027 » / « March 15, 2027 »; an aware datetime is first turned into Montréal local time.

    An ISO 8601 string is parsed first, because notification contexts are stored as JSON. Any other string
    is returned unchanged.
    """
    if not value:
        return ""
    if isinstance(value, str):
        value = _parse_iso(value)
        if isinstance(value, str):
            return value
    if isinstance(value, datetime):
        value = timezone.localtime(value).date() if timezone.is_aware(value) else value.date()
    return format_long_date(value)


@register.filter
def long_datetime(value):
    """« 15 mars 2027 à 16 h 30 » / « March 15, 2027 at 4:30 PM », in Montréal local time.

    An ISO 8601 string is parsed first, as in long_date. Any other string is returned unchanged.
    """
    if not value:
        return ""
    if isinstance(value, str):
        value = _parse_iso(value)
        if not isinstance(value, datetime):
            return value if isinstance(value, str) else format_long_date(value)
    local = timezone.localtime(value) if timezone.is_aware(value) else value
    if _is_french():
        return f"{format_long_date(local.date())} à {format_time(local)}"
    return f"{format_long_date(local.date())} at {format_time(local)}"


@register.filter
def fiscal_year(value):
    """Return the fiscal year label (« 2026-2027 ») of a date or an aware datetime."""
    if not value:
        return ""
    return fiscal_year_of(value).label
