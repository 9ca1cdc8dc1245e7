import pytest

from common.text import normalize_text, search_key

COMPOSED_E_ACUTE = "\u00e9"
DECOMPOSED_E_ACUTE = "e\u0301"


# --- normalize_text -------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (None, ""),
        ("", ""),
        ("   ", ""),
        ("  École  ", "École"),
        ("\tcafé\n", "café"),
        ("ligne 1\r\nligne 2", "ligne 1\nligne 2"),
        ("ligne 1\rligne 2", "ligne 1\nligne 2"),
        ("a\r\n\r\nb", "a\n\nb"),
        ("ligne 1\r\n", "ligne 1"),
        ("a  b", "a  b"),
        ("\u00a0Québec\u00a0", "Québec"),
    ],
)
def test_normalize_text_table(value, expected):
    assert normalize_text(value) == expected


def test_normalize_text_composes_accents():
    assert normalize_text(f"{DECOMPOSED_E_ACUTE}cole") == f"{COMPOSED_E_ACUTE}cole"


def test_normalize_text_keeps_compatibility_characters():
    # NFC, unlike NFKC, leaves ligatures such as "ﬁ" as typed.
    assert normalize_text("ﬁn") == "ﬁn"


# --- search_key -----------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("Éducation  à l'École", "education a l'ecole"),
        ("  Montréal\t\nQuébec  ", "montreal quebec"),
        ("ÇA GÈLE", "ca gele"),
        ("Straße", "strasse"),
        ("İstanbul", "istanbul"),
        ("Œuvre", "oeuvre"),
        ("cœur", "coeur"),
        ("Ægir", "aegir"),
        ("l’école", "l'ecole"),
        ("ﬁnancement", "financement"),
        ("\u00a0garderie\u202fà\u00a0domicile", "garderie a domicile"),
        ("", ""),
        (None, ""),
    ],
)
def test_search_key_table(value, expected):
    assert search_key(value) == expected


def test_search_key_decomposed_equals_composed():
    assert search_key(f"{DECOMPOSED_E_ACUTE}cole") == search_key(f"{COMPOSED_E_ACUTE}cole")


def test_search_key_decomposed_capital():
    assert search_key("E\u0301cole") == "ecole"


def test_search_key_idempotent():
    key = search_key("Éducation  à l'École")
    assert search_key(key) == key
