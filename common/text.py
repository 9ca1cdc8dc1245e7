"""Clean user-entered text and build keys for accent-insensitive search."""

from __future__ import annotations

import unicodedata

__all__ = ["normalize_text", "search_key"]

# Ligatures that Unicode does not decompose but that French writers type
# either way ("œuvre" and "oeuvre"), plus apostrophes that word processors
# substitute for the ASCII one.
_SEARCH_REPLACEMENTS = str.maketrans(
    {
        "œ": "oe",
        "æ": "ae",
        "\u2019": "'",  # right single quotation mark
        "\u02bc": "'",  # modifier letter apostrophe
    }
)


def normalize_text(value: str | None) -> str:
    """Normalize user-entered text to NFC with ``\\n`` line endings, stripped.

    Windows (``\\r\\n``) and old Mac (``\\r``) line endings both become ``\\n``,
    because browsers submit textarea content with ``\\r\\n``. ``None`` becomes
    an empty string.
    """
    if value is None:
        return ""

    text = value.replace("\r\n", "\n").replace("\r", "\n")
    return unicodedata.normalize("NFC", text).strip()


def search_key(value: str | None) -> str:
    """Build a key that matches text regardless of case, accents and spacing.

    ``search_key("Éducation  à l'École")`` is ``"education a l'ecole"``, and
    composed and decomposed accents give the same key. ``œ`` and ``æ`` become
    ``oe`` and ``ae``, and typographic apostrophes become ``'``. ``None``
    becomes an empty string.
    """
    if value is None:
        return ""

    # Case folding comes first because it can itself produce combining marks,
    # such as "İ" becoming "i" followed by U+0307, which NFKD then separates.
    folded = value.casefold().translate(_SEARCH_REPLACEMENTS)
    decomposed = unicodedata.normalize("NFKD", folded)
    without_marks = "".join(character for character in decomposed if not unicodedata.combining(character))
    return " ".join(without_marks.split())
