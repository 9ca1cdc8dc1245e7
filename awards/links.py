"""Paths of the awards pages that e-mails and notifications link to.

Notifications store the link when they are created, so the routes of these pages must keep their paths:
/prix/candidatures/<pk>/, /prix/consentement/<token>/ and /prix/jury/<edition pk>/.
"""

from django.urls import reverse


def nomination_path(nomination) -> str:
    return reverse("awards:nomination_detail", kwargs={"pk": nomination.pk})


def consent_path(token: str) -> str:
    return reverse("awards:consent", kwargs={"token": token})


def jury_path(edition) -> str:
    return reverse("awards:jury_home", kwargs={"pk": edition.pk})
