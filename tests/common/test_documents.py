import base64
import hashlib
import io
import logging
import shutil
import subprocess
import threading
from urllib.parse import urljoin

import pytest
from django.contrib.auth.models import Group
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ImproperlyConfigured
from django.db import connection
from django.urls import NoReverseMatch, reverse
from PIL import Image
from pypdf import PdfReader

import common.documents
from accounts.models import Organization
from common.documents import (
    PDF_BASE_URL,
    BlockedURLError,
    DocumentSpec,
    StaticOnlyURLFetcher,
    UnknownDocumentKind,
    discover_builders,
    generate_document,
    generate_document_task,
    get_builder,
    queue_document,
    register_document,
    render_pdf,
    store_document,
)
from common.models import Document
from tests.common.conftest import make_organization, make_user

LETTER_KIND = "tests_common_letter"
DECOMPOSED_NAME = "Ge\u0301rard Co\u0302te\u0301"
DECOMPOSED_SUBJECT = "E\u0301ducation et pre\u0301vention"


@register_document(LETTER_KIND)
def build_test_letter(organization) -> DocumentSpec:
    return DocumentSpec(
        template_name="tests_common/letter.html",
        context={"name": DECOMPOSED_NAME, "organization": organization, "subject": DECOMPOSED_SUBJECT},
        filename=f"Lettre – {organization.name}.pdf",
        language="fr",
    )


def pdf_text(pdf: bytes) -> list[str]:
    return [page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages]


def render_letter(**context) -> bytes:
    context.setdefault("name", "Test")
    context.setdefault("subject", "Sujet")
    return render_pdf(template_name="tests_common/letter.html", context=context, language=context.pop("language", "fr"))


def small_pdf() -> bytes:
    return b"%PDF-1.4\n% test document\n%%EOF\n"


# --- render_pdf -------------------------------------------------------------------------------------


def test_render_pdf_decomposed_text_extracts_composed(test_templates):
    pdf = render_letter(name=DECOMPOSED_NAME, subject=DECOMPOSED_SUBJECT, paragraphs=["Voilà l’été à Montréal."])
    text = pdf_text(pdf)[0]

    assert pdf.startswith(b"%PDF-")
    assert "Gérard Côté" in text
    assert "Éducation et prévention" in text
    assert "Voilà l’été à Montréal." in text
    assert "\u0301" not in text
    assert "\u0302" not in text


def test_render_pdf_letterhead_on_first_page(test_templates):
    text = pdf_text(render_letter())[0]

    assert "Ministère de la Famille" in text
    assert "Ensemble contre l'intimidation" in text


def test_render_pdf_long_text_flows_to_pages(test_templates):
    paragraphs = [f"Paragraphe {number} : la prévention de l’intimidation." for number in range(1, 301)]

    pages = pdf_text(render_letter(paragraphs=paragraphs, language="en"))

    assert len(pages) > 3
    assert "Paragraphe 300 : la prévention" in pages[-1]
    assert "Paragraphe 1 : la prévention" in pages[0]
    for number, text in enumerate(pages, start=1):
        assert f"Page {number} of {len(pages)}" in text


def test_render_pdf_long_table_wraps_and_repeats_header(test_templates):
    unbroken = "x" * 500
    rows = [f"Ligne {number} {unbroken}" for number in range(1, 61)]

    pages = pdf_text(render_letter(rows=rows))

    assert len(pages) > 1
    assert "Ligne 60" in pages[-1]
    for text in pages:
        assert "Description" in text
    # A 500-character word wider than the page was wrapped, not clipped: every character is in the text.
    assert "".join(pages).count("x") >= 60 * 500


@pytest.mark.skipif(shutil.which("pdftotext") is None, reason="pdftotext (poppler-utils) is not installed")
def test_render_pdf_emoji_does_not_crash(test_templates, tmp_path):
    path = tmp_path / "emoji.pdf"
    path.write_bytes(render_letter(paragraphs=["Bravo 🎉😀 ✓ ☃ — merci !"]))

    # NOTE: pdftotext, not pypdf: pypdf 7.1 misreads a ToUnicode map that contains a surrogate pair
    # (here for 🎉, which no installed font has) and returns the rest of the page as NUL-separated bytes.
    output = subprocess.run(["pdftotext", str(path), "-"], capture_output=True, text=True, check=True).stdout

    assert path.read_bytes().startswith(b"%PDF-")
    assert "Bravo" in output
    assert "merci !" in output


@pytest.mark.skipif(shutil.which("pdffonts") is None, reason="pdffonts (poppler-utils) is not installed")
def test_render_pdf_fonts_embedded(test_templates, tmp_path):
    path = tmp_path / "lettre.pdf"
    path.write_bytes(render_letter(paragraphs=["Gérard Côté 😀"], rows=["Ligne"]))

    output = subprocess.run(["pdffonts", str(path)], capture_output=True, text=True, check=True).stdout
    fonts = [line.split() for line in output.splitlines()[2:] if line.strip()]

    assert fonts, output
    assert any(font[0].endswith("Open-Sans") for font in fonts), output
    # Columns end with: emb sub uni object ID.
    for font in fonts:
        assert font[-5] == "yes", f"font not embedded: {font[0]}"


# --- StaticOnlyURLFetcher ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    "url",
    [
        "http://127.0.0.1:1/x.png",
        "https://example.org/logo.png",
        "file:///etc/passwd",
        "ftp://127.0.0.1:1/x.png",
        "https://pdf.invalid/media/secret.pdf",
        "https://pdf.invalid/static/../../etc/passwd",
        "https://pdf.invalid/static/%2e%2e/%2e%2e/etc/passwd",
        "static:../config/settings.py",
        "http://pdf.invalid/static/qc-sdg/img/QUEBEC_couleur.svg",
    ],
)
def test_fetcher_rejects_url(url):
    with pytest.raises(BlockedURLError):
        StaticOnlyURLFetcher().fetch(url)


def test_fetcher_missing_static_file_rejected():
    with pytest.raises(BlockedURLError, match="not found"):
        StaticOnlyURLFetcher().fetch(urljoin(PDF_BASE_URL, "/static/qc-sdg/fonts/absent.woff2"))


def test_fetcher_serves_static_path_from_base_url():
    response = StaticOnlyURLFetcher().fetch(urljoin(PDF_BASE_URL, "/static/qc-sdg/css/qc-sdg.min.css"))

    assert response.content_type == "text/css"


def test_fetcher_serves_woff2_font_as_truetype():
    response = StaticOnlyURLFetcher().fetch(urljoin(PDF_BASE_URL, "/static/qc-sdg/fonts/open-sans-v43-latin-700.woff2"))

    assert response.content_type == "font/ttf"
    assert response.read(4) == b"\x00\x01\x00\x00"


def test_fetcher_serves_static_scheme():
    response = StaticOnlyURLFetcher().fetch("static:qc-sdg/img/QUEBEC_couleur.svg")

    assert response.content_type == "image/svg+xml"
    assert response.read(4) == b"<svg"


def test_fetcher_serves_data_uri():
    response = StaticOnlyURLFetcher().fetch("data:text/plain;base64," + base64.b64encode(b"Bonjour").decode())

    assert response.read() == b"Bonjour"


def test_render_pdf_blocked_resources_skipped(test_templates, caplog):
    buffer = io.BytesIO()
    Image.new("RGB", (2, 2), (9, 87, 151)).save(buffer, format="PNG")
    data_uri = "data:image/png;base64," + base64.b64encode(buffer.getvalue()).decode()

    with caplog.at_level(logging.WARNING, logger="common.documents"):
        pdf = render_pdf(template_name="tests_common/remote.html", context={"data_uri": data_uri}, language="fr")

    text = "".join(pdf_text(pdf))
    assert "Fin du document." in text
    assert "root:" not in text
    blocked = " ".join(record.getMessage() for record in caplog.records if record.name == "common.documents")
    assert "http://127.0.0.1:1/x.png" in blocked
    assert "file:///etc/passwd" in blocked
    assert "https://example.org/background.png" in blocked
    assert "data:image/png" not in blocked


# --- Registry ---------------------------------------------------------------------------------------


def test_get_builder_registered_kind():
    assert get_builder(LETTER_KIND) is build_test_letter


def test_get_builder_unknown_kind_raises():
    with pytest.raises(UnknownDocumentKind, match="no_such_kind"):
        get_builder("no_such_kind")


def test_register_document_duplicate_kind_raises():
    def other_builder(owner):
        return DocumentSpec(template_name="x.html")

    with pytest.raises(ImproperlyConfigured, match=LETTER_KIND):
        register_document(LETTER_KIND)(other_builder)
    assert register_document(LETTER_KIND)(build_test_letter) is build_test_letter


def test_discover_builders_runs_once(monkeypatch):
    calls = []
    monkeypatch.setattr(common.documents, "_discovered", False)
    monkeypatch.setattr(common.documents, "autodiscover_modules", lambda name: calls.append(name))

    discover_builders()
    discover_builders()

    assert calls == ["documents"]


def test_discover_builders_real_apps(monkeypatch):
    # The real discovery also imports common.documents, the module that runs it.
    monkeypatch.setattr(common.documents, "_discovered", False)

    discover_builders()

    assert common.documents._discovered is True
    assert get_builder(LETTER_KIND) is build_test_letter


# --- store_document and generate_document -----------------------------------------------------------


@pytest.mark.django_db
def test_store_document_versions_and_hash(private_media, organization, member):
    first = store_document(
        owner=organization,
        kind="receipt",
        pdf=small_pdf(),
        filename="Reçu – E\u0301te\u0301.pdf",
        language="fr",
        actor=member,
    )
    second = store_document(
        owner=organization, kind="receipt", pdf=small_pdf() + b"v2", filename="Reçu.pdf", language="en"
    )

    assert (first.version, second.version) == (1, 2)
    assert first.sha256 == hashlib.sha256(small_pdf()).hexdigest()
    assert first.size == len(small_pdf())
    assert first.filename == "Reçu – Été.pdf"
    assert first.language == "fr"
    assert first.created_by == member
    assert second.created_by is None
    assert first.owner == organization
    with first.file.open("rb") as handle:
        assert handle.read() == small_pdf()


@pytest.mark.django_db
def test_store_document_random_stored_name(private_media, organization):
    document = store_document(owner=organization, kind="receipt", pdf=small_pdf(), filename="Reçu.pdf", language="fr")

    assert document.file.name.startswith("common/")
    assert document.file.name.endswith(".pdf")
    assert "Reçu" not in document.file.name
    assert (private_media / document.file.name).is_file()


@pytest.mark.django_db
def test_store_document_versions_per_kind(private_media, organization):
    store_document(owner=organization, kind="receipt", pdf=small_pdf(), filename="a.pdf", language="fr")
    letter = store_document(owner=organization, kind="letter", pdf=small_pdf(), filename="b.pdf", language="fr")
    other_owner = make_organization(name="Autre organisme", neq="1140000002")
    other = store_document(owner=other_owner, kind="receipt", pdf=small_pdf(), filename="c.pdf", language="fr")

    assert letter.version == 1
    assert other.version == 1


@pytest.mark.django_db
def test_store_document_unsaved_owner_raises(private_media):
    with pytest.raises(ValueError, match="Save the owner"):
        store_document(
            owner=Organization(name="Pas encore enregistré"),
            kind="receipt",
            pdf=small_pdf(),
            filename="a.pdf",
            language="fr",
        )


@pytest.mark.skipif(connection.vendor != "postgresql", reason="Row locks need PostgreSQL; SQLite has one writer.")
@pytest.mark.django_db(transaction=True)
def test_store_document_concurrent_versions_distinct(private_media):
    organization = make_organization()
    start = threading.Barrier(4)
    errors = []

    def store():
        try:
            start.wait()
            store_document(owner=organization, kind="receipt", pdf=small_pdf(), filename="a.pdf", language="fr")
        except Exception as error:
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=store) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert errors == []
    versions = sorted(Document.objects.filter(kind="receipt").values_list("version", flat=True))
    assert versions == [1, 2, 3, 4]
    assert len(list(private_media.rglob("*.pdf"))) == 4


@pytest.mark.django_db
def test_generate_document_through_registry(private_media, test_templates, organization, member):
    document = generate_document(owner=organization, kind=LETTER_KIND, actor=member)

    assert document.kind == LETTER_KIND
    assert document.version == 1
    assert document.filename == "Lettre – Carrefour jeunesse de Montréal.pdf"
    assert document.created_by == member
    with document.file.open("rb") as handle:
        content = handle.read()
    assert hashlib.sha256(content).hexdigest() == document.sha256
    assert "Gérard Côté" in pdf_text(content)[0]


@pytest.mark.django_db
def test_generate_document_task_creates_document(private_media, test_templates, organization, member):
    content_type = ContentType.objects.get_for_model(organization)

    document_id = generate_document_task(content_type.pk, str(organization.pk), LETTER_KIND, member.pk)

    document = Document.objects.get(pk=document_id)
    assert document.owner == organization
    assert document.created_by == member


@pytest.mark.django_db
def test_document_task_missing_owner(private_media, caplog):
    content_type = ContentType.objects.get_for_model(Document)

    with caplog.at_level(logging.WARNING, logger="common.documents"):
        result = generate_document_task(content_type.pk, "999999", LETTER_KIND)

    assert result is None
    assert Document.objects.count() == 0
    assert "no longer exists" in caplog.text


@pytest.mark.django_db
def test_queue_document_runs_after_commit(
    private_media, test_templates, organization, member, django_capture_on_commit_callbacks, monkeypatch
):
    monkeypatch.setitem(generate_document_task.app.conf, "task_always_eager", True)

    with django_capture_on_commit_callbacks() as callbacks:
        queue_document(owner=organization, kind=LETTER_KIND, actor=member)
        assert Document.objects.count() == 0

    assert len(callbacks) == 1
    callbacks[0]()
    document = Document.objects.get()
    assert document.kind == LETTER_KIND
    assert document.created_by == member


def test_common_tasks_exposes_generate_task():
    from common.tasks import generate_document_task as exported

    assert exported is generate_document_task


# --- DocumentDownloadView ---------------------------------------------------------------------------


@pytest.fixture
def stored_document(private_media, organization):
    return store_document(
        owner=organization, kind="receipt", pdf=small_pdf(), filename="Lettres patentes – Été 2026.pdf", language="fr"
    )


def download_url(document_id: int) -> str:
    return reverse("common:document_download", kwargs={"pk": document_id})


def test_download_url_path():
    assert download_url(12) == "/documents/12/telecharger/"


@pytest.mark.django_db
def test_download_member_gets_file(client, member, stored_document):
    client.force_login(member)

    response = client.get(download_url(stored_document.pk))

    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    disposition = response["Content-Disposition"]
    assert disposition.startswith("attachment; ")
    assert 'filename="Lettres patentes - Ete 2026.pdf"' in disposition
    assert "filename*=UTF-8''Lettres%20patentes%20%E2%80%93%20%C3%89t%C3%A9%202026.pdf" in disposition
    assert b"".join(response.streaming_content) == small_pdf()


@pytest.mark.django_db
def test_download_organization_staff_gets_file(client, stored_document):
    officer = make_user("agente@example.org")
    officer.groups.add(Group.objects.get_or_create(name="program_officer")[0])
    client.force_login(officer)

    response = client.get(download_url(stored_document.pk))

    assert response.status_code == 200


@pytest.mark.django_db
def test_download_non_member_gets_404(client, outsider, stored_document):
    client.force_login(outsider)

    assert client.get(download_url(stored_document.pk)).status_code == 404


@pytest.mark.django_db
def test_download_unknown_pk_gets_404(client, member, stored_document):
    client.force_login(member)

    assert client.get(download_url(stored_document.pk + 1000)).status_code == 404


@pytest.mark.django_db
def test_download_owner_without_view_rule_gets_404(client, private_media, outsider):
    # No rule defines accounts.view_user, so a document owned by a user is visible to superusers only.
    document = store_document(owner=outsider, kind="receipt", pdf=small_pdf(), filename="a.pdf", language="fr")
    client.force_login(outsider)

    assert client.get(download_url(document.pk)).status_code == 404


@pytest.mark.django_db
def test_download_anonymous_redirected_to_login(client, settings, stored_document):
    try:
        login_url = reverse(settings.LOGIN_URL)
    except NoReverseMatch:
        settings.LOGIN_URL = login_url = "/comptes/connexion/"

    response = client.get(download_url(stored_document.pk))

    assert response.status_code == 302
    assert response["Location"].startswith(login_url)
    assert "next=/documents/" in response["Location"]


@pytest.mark.django_db
def test_download_missing_file_shows_page(client, member, stored_document, private_media, caplog):
    (private_media / stored_document.file.name).unlink()
    client.force_login(member)

    with caplog.at_level(logging.ERROR, logger="common.views"):
        response = client.get(download_url(stored_document.pk))

    assert response.status_code == 410
    assert response["Content-Type"].startswith("text/html")
    content = response.content.decode()
    assert "Lettres patentes – Été 2026.pdf" in content
    assert str(stored_document.pk) in content
    assert f"Document {stored_document.pk}" in caplog.text
