"""Paths of the awards pages that e-mails link to.

TODO: build these with reverse() once awards/urls.py exists. Until then the awards views must serve exactly
these paths, because notifications store the link when they are created.
"""


def nomination_path(nomination) -> str:
    return f"/prix/candidatures/{nomination.pk}/"


def consent_path(token: str) -> str:
    return f"/prix/consentement/{token}/"


def jury_path(edition) -> str:
    return f"/prix/jury/{edition.pk}/"
