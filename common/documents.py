"""Generated PDF documents: a registry of builders, WeasyPrint rendering, versioned storage, and a Celery task.

Apps register a builder per document kind in their own `documents.py` module:

    @register_document("funding_agreement")
    def build_agreement(agreement) -> DocumentSpec:
        return DocumentSpec(template_name="grants/pdf/agreement.html", context={...},
                            filename="Convention.pdf", language="fr")

`common` finds these modules on first use, so it never imports an app itself.
"""

from __future__ import annotations

import functools
import hashlib
import io
import logging
import mimetypes
import threading
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import PurePosixPath
from typing import Any
from urllib.parse import unquote, urlsplit

from celery import shared_task
from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.contenttypes.models import ContentType
from django.contrib.staticfiles import finders
from django.core.exceptions import ImproperlyConfigured
from django.core.files.base import ContentFile
from django.db import models, transaction
from django.db.models import Max
from django.template.loader import render_to_string
from django.utils import translation
from django.utils.module_loading import autodiscover_modules
from fontTools.ttLib import woff2
from weasyprint import HTML
from weasyprint.urls import URLFetcher, URLFetcherResponse

from common.files import clean_filename
from common.models import Document

logger = logging.getLogger(__name__)

# Base URL of every rendered page. The ".invalid" top-level domain never resolves (RFC 2606), and
# StaticOnlyURLFetcher serves this origin's STATIC_URL paths from the static files finders instead.
PDF_BASE_URL = "https://pdf.invalid/"


# --- Restricted resource fetching -------------------------------------------------------------------


class BlockedURLError(ValueError):
    """A PDF template referred to a resource that the PDF renderer may not fetch."""


@functools.lru_cache(maxsize=16)
def decompressed_font(path: str) -> bytes:
    """Return the WOFF2 font at `path` as plain TrueType, decoded once per process.

    WeasyPrint decodes a WOFF2 font on every document, which took about half the time of a two-page
    agreement; it reads TrueType as it is.
    """
    output = io.BytesIO()
    with open(path, "rb") as handle:
        woff2.decompress(handle, output)
    return output.getvalue()


class StaticOnlyURLFetcher(URLFetcher):
    """A WeasyPrint URL fetcher that serves static files and `data:` URIs and rejects everything else.

    Accepted: `static:path/to/file`, STATIC_URL paths resolved against PDF_BASE_URL (so `/static/x.css`
    works), absolute STATIC_URL values, and `data:` URIs. Any other URL raises BlockedURLError, which
    WeasyPrint (70) logs and turns into a skipped resource. No request ever leaves the process.
    """

    def __init__(self, **kwargs):
        # The parent can open any protocol, so it is limited to data:, the only URLs handed to it.
        super().__init__(allowed_protocols=("data",), fail_on_errors=False, **kwargs)

    def fetch(self, url, headers=None):
        if url.startswith("data:"):
            # The parent's opener decodes data: URIs itself, with no network access.
            return super().fetch(url, headers)

        static_path = self.static_path(url)
        if static_path is None:
            logger.warning("PDF rendering blocked a resource outside the static files: %s", url[:200])
            raise BlockedURLError(f"Only static files and data: URIs may be used in PDFs, not {url[:200]!r}.")

        found = finders.find(static_path)
        if not found:
            logger.warning("PDF rendering found no static file %r (from %s).", static_path, url[:200])
            raise BlockedURLError(f"Static file {static_path!r} not found.")

        if static_path.endswith(".woff2"):
            return URLFetcherResponse(url, decompressed_font(found), headers={"Content-Type": "font/ttf"})
        content_type = mimetypes.guess_type(static_path)[0] or "application/octet-stream"
        with open(found, "rb") as handle:
            body = handle.read()
        return URLFetcherResponse(url, body, headers={"Content-Type": content_type})

    @staticmethod
    def static_path(url: str) -> str | None:
        """Return the path of `url` relative to the static files, or None when `url` is not a static file."""
        static_url = settings.STATIC_URL
        if url.startswith("static:"):
            relative = url.removeprefix("static:")
        elif static_url.startswith(("http://", "https://")) and url.startswith(static_url):
            relative = url.removeprefix(static_url)
        else:
            parts = urlsplit(url)
            origin = urlsplit(PDF_BASE_URL)
            if (parts.scheme, parts.netloc) != (origin.scheme, origin.netloc) or not parts.path.startswith(static_url):
                return None
            relative = parts.path.removeprefix(static_url)

        relative = unquote(relative.split("?")[0].split("#")[0]).lstrip("/")
        # finders.find refuses paths that leave its folders, but a clear refusal here is easier to log.
        if not relative or ".." in PurePosixPath(relative).parts or "\\" in relative:
            return None
        return relative


def render_pdf(*, template_name: str, context: dict[str, Any], language: str) -> bytes:
    """Render a Django template in `language` and return the PDF bytes.

    The HTML is NFC-normalised first, so that text typed in decomposed form ("Ge\\u0301rard") is drawn
    and extracted as composed characters. Resources come only from StaticOnlyURLFetcher.
    """
    with translation.override(language):
        html = render_to_string(template_name, context)
    html = unicodedata.normalize("NFC", html)
    # pdf_tags adds the structure tree that screen readers need.
    return HTML(string=html, base_url=PDF_BASE_URL, url_fetcher=StaticOnlyURLFetcher()).write_pdf(pdf_tags=True)


# --- Builder registry -------------------------------------------------------------------------------


@dataclass(frozen=True)
class DocumentSpec:
    """Rendering instructions returned by a builder: template, context, download name and language."""

    template_name: str
    context: dict[str, Any] = field(default_factory=dict)
    filename: str = "document.pdf"
    language: str = "fr"


Builder = Callable[[models.Model], DocumentSpec]


class UnknownDocumentKind(LookupError):
    """No builder is registered for a document kind."""


_builders: dict[str, Builder] = {}
_discovery_lock = threading.Lock()
_discovered = False


def register_document(kind: str) -> Callable[[Builder], Builder]:
    """Register the decorated function as the builder of the documents of `kind`."""

    def decorator(builder: Builder) -> Builder:
        existing = _builders.get(kind)
        if existing is not None and existing is not builder:
            raise ImproperlyConfigured(
                f"Document kind {kind!r} already has the builder {existing.__module__}.{existing.__qualname__}."
            )
        _builders[kind] = builder
        return builder

    return decorator


def discover_builders() -> None:
    """Import the `documents` module of every installed app, once per process.

    It runs on first use rather than at import time, because this module is itself `common.documents`.
    A call at import time would import this half-initialised module, and apps importing
    `register_document` from it could fail. Importing an already loaded module again is a no-op.
    """
    global _discovered
    if _discovered:
        return
    with _discovery_lock:
        if not _discovered:
            autodiscover_modules("documents")
            _discovered = True


def get_builder(kind: str) -> Builder:
    """Return the builder registered for `kind`, or raise UnknownDocumentKind."""
    discover_builders()
    try:
        return _builders[kind]
    except KeyError:
        raise UnknownDocumentKind(
            f"No document builder is registered for {kind!r}. Known kinds: {sorted(_builders)}."
        ) from None


# --- Storage and generation -------------------------------------------------------------------------


def owner_content_type(owner: models.Model) -> ContentType:
    # The concrete model, as Document.owner (a default GenericForeignKey) stores and looks it up.
    return ContentType.objects.get_for_model(owner)


def store_document(*, owner: models.Model, kind: str, pdf: bytes, filename: str, language: str, actor=None) -> Document:
    """Save `pdf` as the next version of the `kind` document of `owner` and return the new Document.

    The owner row is locked while the version number is chosen, so two concurrent calls get different
    versions on PostgreSQL. SQLite ignores the lock but lets only one writer run at a time.
    """
    if owner.pk is None:
        raise ValueError("Save the owner before storing a document for it.")
    content_type = owner_content_type(owner)
    filename = clean_filename(filename, default=f"{kind}.pdf")

    with transaction.atomic():
        locked = type(owner)._base_manager.select_for_update().filter(pk=owner.pk).values_list("pk", flat=True)
        if not list(locked):
            raise ValueError(f"{owner._meta.label} {owner.pk} does not exist, so no document was stored.")

        documents = Document.objects.filter(content_type=content_type, object_id=str(owner.pk), kind=kind)
        version = (documents.aggregate(latest=Max("version"))["latest"] or 0) + 1
        document = Document(
            content_type=content_type,
            object_id=str(owner.pk),
            kind=kind,
            version=version,
            language=language,
            filename=filename,
            sha256=hashlib.sha256(pdf).hexdigest(),
            size=len(pdf),
            created_by=actor if actor is not None and actor.is_authenticated else None,
        )
        # The file is written before the row, and removed again if the insert fails.
        document.file.save(filename, ContentFile(pdf), save=False)
        try:
            document.save()
        except Exception:
            document.file.storage.delete(document.file.name)
            raise
    # NOTE: if a caller's outer transaction rolls back later, the stored file stays as an orphan.
    logger.info(
        "Stored document %s v%s for %s %s (%s bytes, document id %s).",
        kind,
        version,
        owner._meta.label,
        owner.pk,
        len(pdf),
        document.pk,
    )
    return document


def generate_document(*, owner: models.Model, kind: str, actor=None) -> Document:
    """Build, render and store a new version of the `kind` document of `owner`."""
    spec = get_builder(kind)(owner)
    pdf = render_pdf(template_name=spec.template_name, context=spec.context, language=spec.language)
    return store_document(
        owner=owner, kind=kind, pdf=pdf, filename=str(spec.filename), language=spec.language, actor=actor
    )


@shared_task
def generate_document_task(content_type_id: int, object_id: str, kind: str, actor_id: int | None = None):
    """Generate a document in a worker; return the new Document id, or None when the owner is gone."""
    try:
        model = ContentType.objects.get_for_id(content_type_id).model_class()
    except ContentType.DoesNotExist:
        model = None
    owner = model._base_manager.filter(pk=object_id).first() if model is not None else None
    if owner is None:
        logger.warning("Document %s not generated: owner %s/%s no longer exists.", kind, content_type_id, object_id)
        return None

    actor = get_user_model()._default_manager.filter(pk=actor_id).first() if actor_id is not None else None
    return generate_document(owner=owner, kind=kind, actor=actor).pk


def queue_document(*, owner: models.Model, kind: str, actor=None) -> None:
    """Queue the generation of a `kind` document for `owner`, sent only when the current transaction commits."""
    actor_id = actor.pk if actor is not None and actor.is_authenticated else None
    generate_document_task.delay_on_commit(owner_content_type(owner).pk, str(owner.pk), kind, actor_id)
