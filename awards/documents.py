"""PDF documents of the prize: the nomination summary.

The summary is in French, like the ministry's other documents; templates/pdf/awards/ uses English msgids
translated by the French catalogue. common.documents finds the builders here through autodiscovery and calls
them with the nomination.
"""

from __future__ import annotations

from django.utils import timezone, translation

# common.documents imports only the modules named `documents`. Importing the jury's builders here registers
# them in every process, including a Celery worker that never loads the URL configuration.
from awards import documents_jury  # noqa: F401
from awards.models import ConsentStatus, Nomination
from common.documents import DocumentSpec, register_document

LANGUAGE = "fr"
NOMINATION_SUMMARY = "awards.nomination_summary"


@register_document(NOMINATION_SUMMARY)
def build_nomination_summary(nomination: Nomination) -> DocumentSpec:
    """Build the nomination as the nominator wrote it: nominee, nominator, description, documents and consent."""
    with translation.override(LANGUAGE):
        context = {
            "nomination": nomination,
            "edition_title": nomination.edition.title,
            "category_name": nomination.category.name,
            "nominator": nomination.nominator,
            "state": nomination.get_state_display(),
            "region": nomination.get_region_display() if nomination.region else "",
            "nominee_language": nomination.get_nominee_language_display(),
            "consent_status": ConsentStatus(nomination.consent_status).label,
            "documents": list(nomination.documents.order_by("uploaded_at", "pk")),
            "generated_at": timezone.now(),
        }
    return DocumentSpec(
        template_name="pdf/awards/nomination_summary.html",
        context=context,
        filename=f"Candidature {nomination.pk}.pdf",
        language=LANGUAGE,
    )
