import pytest
from django.core.exceptions import ValidationError

from accounts.validators import normalize_neq, validate_neq


@pytest.mark.parametrize(
    "value", ["1140123456", "2212345678", "3300000001", "8812345678", "1140 123 456", "1140-123-456"]
)
def test_neq_accepts_known_prefixes(value):
    validate_neq(value)


@pytest.mark.parametrize(
    ("value", "code"),
    [
        ("114012345", "neq_format"),
        ("11401234567", "neq_format"),
        ("11401234AB", "neq_format"),
        ("", "neq_format"),
        ("1240123456", "neq_prefix"),
        ("9940123456", "neq_prefix"),
        ("0040123456", "neq_prefix"),
    ],
)
def test_neq_rejects_bad_values(value, code):
    with pytest.raises(ValidationError) as error:
        validate_neq(value)
    assert error.value.code == code


def test_neq_prefix_message_is_french(settings):
    from django.utils import translation

    with translation.override("fr"):
        with pytest.raises(ValidationError) as error:
            validate_neq("9940123456")
        message = error.value.messages[0]
    assert "commence par 11, 22, 33 ou 88" in message


def test_normalize_neq_drops_spaces_and_dashes():
    assert normalize_neq("1140\u00a0123-456") == "1140123456"
