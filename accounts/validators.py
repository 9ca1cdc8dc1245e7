import re

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

# First two digits of a NEQ and the legal form they denote (Registraire des entreprises du Québec).
NEQ_PREFIXES = {
    "11": _("legal person (including an incorporated non-profit organization)"),
    "22": _("sole proprietorship"),
    "33": _("partnership or association"),
    "88": _("public body"),
}
NEQ_PATTERN = re.compile(r"\d{10}")


def normalize_neq(value: str) -> str:
    """Drop the spaces and dashes people type inside a NEQ (e.g. « 1140 123 456 »)."""
    return re.sub(r"[\s\-\u00a0\u202f]", "", value or "")


def validate_neq(value: str) -> None:
    """Check the format (10 digits) and the legal-form prefix; the check digit rule is not public."""
    neq = normalize_neq(value)
    if not NEQ_PATTERN.fullmatch(neq):
        raise ValidationError(
            _("The NEQ must have exactly 10 digits, for example 1140123456. You entered %(value)s."),
            code="neq_format",
            params={"value": value},
        )
    if neq[:2] not in NEQ_PREFIXES:
        raise ValidationError(
            _(
                "A NEQ starts with 11, 22, 33 or 88 (the legal form). %(value)s starts with %(prefix)s: "
                "check the number on your registration statement."
            ),
            code="neq_prefix",
            params={"value": value, "prefix": neq[:2]},
        )
