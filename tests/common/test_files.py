import io
import zipfile

import pytest
from django import forms
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils.translation import override
from PIL import Image
from pypdf import PdfWriter

from common.files import (
    ALL_TYPES,
    ALLOWED_TYPES,
    MissingStoredFile,
    PrivateFileField,
    clean_filename,
    content_disposition,
    detect_file_type,
    file_response,
    format_file_size,
    validate_upload,
)

NBSP = "\u00a0"
DOCX_CONTENT_TYPES = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
    '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
    '<Default Extension="xml" ContentType="application/xml"/>'
    '<Override PartName="/word/document.xml" '
    'ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/>'
    "</Types>"
)
XLSX_CONTENT_TYPES = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
    '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
    '<Override PartName="/xl/workbook.xml" '
    'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
    "</Types>"
)
DOCM_CONTENT_TYPES = DOCX_CONTENT_TYPES.replace(
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml",
    "application/vnd.ms-word.document.macroEnabled.main+xml",
)


# --- Sample files, built for real ------------------------------------------------------------------


def pdf_bytes() -> bytes:
    writer = PdfWriter()
    writer.add_blank_page(width=612, height=792)
    buffer = io.BytesIO()
    writer.write(buffer)
    return buffer.getvalue()


def image_bytes(image_format: str) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (4, 4), (9, 87, 151)).save(buffer, format=image_format)
    return buffer.getvalue()


def zip_bytes(members: dict[str, bytes | str], *, stored_first: str | None = None) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        if stored_first is not None:
            # ODF requires "mimetype" first and uncompressed.
            archive.writestr(stored_first, members[stored_first], compress_type=zipfile.ZIP_STORED)
        for name, data in members.items():
            if name != stored_first:
                archive.writestr(name, data)
    return buffer.getvalue()


def docx_bytes(content_types: str = DOCX_CONTENT_TYPES) -> bytes:
    return zip_bytes(
        {
            "[Content_Types].xml": content_types,
            "_rels/.rels": "<Relationships/>",
            "word/document.xml": "<w:document><w:body><w:p><w:r><w:t>Été</w:t></w:r></w:p></w:body></w:document>",
        }
    )


def xlsx_bytes() -> bytes:
    return zip_bytes(
        {
            "[Content_Types].xml": XLSX_CONTENT_TYPES,
            "_rels/.rels": "<Relationships/>",
            "xl/workbook.xml": "<workbook/>",
            "xl/worksheets/sheet1.xml": "<worksheet/>",
        }
    )


def odf_bytes(mimetype: str) -> bytes:
    return zip_bytes(
        {"mimetype": mimetype, "META-INF/manifest.xml": "<manifest/>", "content.xml": "<office:document-content/>"},
        stored_first="mimetype",
    )


def exe_bytes() -> bytes:
    # The start of a Windows PE executable: the "MZ" DOS header and its stub message.
    return (
        b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff"
        + b"\x00" * 50
        + b"This program cannot be run in DOS mode."
    )


def zip_bomb_bytes() -> bytes:
    # 64 MiB of zeros compresses to about 64 KiB: a ratio near 1000, far above any office file.
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED, compresslevel=9) as archive:
        archive.writestr("[Content_Types].xml", DOCX_CONTENT_TYPES)
        archive.writestr("word/document.xml", b"\0" * (64 * 1024 * 1024))
    return buffer.getvalue()


def upload(name: str, content: bytes) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content, content_type="application/octet-stream")


# --- detect_file_type -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("builder", "expected"),
    [
        (pdf_bytes, "pdf"),
        (lambda: image_bytes("PNG"), "png"),
        (lambda: image_bytes("JPEG"), "jpeg"),
        (docx_bytes, "docx"),
        (xlsx_bytes, "xlsx"),
        (lambda: odf_bytes("application/vnd.oasis.opendocument.text"), "odt"),
        (lambda: odf_bytes("application/vnd.oasis.opendocument.spreadsheet"), "ods"),
    ],
    ids=["pdf", "png", "jpeg", "docx", "xlsx", "odt", "ods"],
)
def test_detect_file_type_accepted_formats(builder, expected):
    assert detect_file_type(io.BytesIO(builder())) == expected


@pytest.mark.parametrize(
    "builder",
    [
        exe_bytes,
        lambda: b"<!DOCTYPE html><html><body><script>alert(1)</script></body></html>",
        lambda: b"",
        lambda: b"%PD",
        lambda: zip_bytes({"readme.txt": "Bonjour"}),
        lambda: zip_bytes({"[Content_Types].xml": "<Types/>", "word/document.xml": "<w:document/>"}),
        lambda: docx_bytes(DOCM_CONTENT_TYPES),
        lambda: odf_bytes("application/vnd.oasis.opendocument.text-template"),
        lambda: b"PK\x03\x04 but not really a zip archive",
        zip_bomb_bytes,
    ],
    ids=[
        "exe",
        "html",
        "empty",
        "truncated-pdf-magic",
        "plain-zip",
        "docx-without-main-type",
        "docm-macro-enabled",
        "odt-template",
        "broken-zip",
        "zip-bomb",
    ],
)
def test_detect_file_type_rejected_contents(builder):
    assert detect_file_type(io.BytesIO(builder())) is None


def test_detect_file_type_ignores_name():
    assert detect_file_type(upload("rapport.pdf", exe_bytes())) is None
    assert detect_file_type(upload("page.pdf", b"<html><body>Bonjour</body></html>")) is None
    assert detect_file_type(upload("photo.pdf", image_bytes("PNG"))) == "png"


@pytest.mark.parametrize("builder", [pdf_bytes, docx_bytes, exe_bytes], ids=["pdf", "docx", "exe"])
def test_detect_file_type_rewinds_file(builder):
    stream = io.BytesIO(builder())
    stream.seek(5)

    detect_file_type(stream)

    assert stream.tell() == 0


# --- format_file_size and clean_filename ------------------------------------------------------------


@pytest.mark.parametrize(
    ("language", "num_bytes", "expected"),
    [
        ("fr", 0, f"0{NBSP}octet"),
        ("fr", 1, f"1{NBSP}octet"),
        ("fr", 512, f"512{NBSP}octets"),
        ("fr", 1536, f"1,5{NBSP}ko"),
        ("fr", 10 * 1024 * 1024, f"10{NBSP}Mo"),
        ("fr", 13_002_342, f"12,4{NBSP}Mo"),
        ("fr", 3 * 1024**3, f"3{NBSP}Go"),
        ("en", 1, f"1{NBSP}byte"),
        ("en", 512, f"512{NBSP}bytes"),
        ("en", 13_002_342, f"12.4{NBSP}MB"),
    ],
)
def test_format_file_size_by_language(language, num_bytes, expected):
    with override(language):
        assert format_file_size(num_bytes) == expected


def test_format_file_size_round_up_just_over_limit():
    with override("fr"):
        assert format_file_size(10 * 1024 * 1024 + 1) == f"10{NBSP}Mo"
        assert format_file_size(10 * 1024 * 1024 + 1, round_up=True) == f"10,1{NBSP}Mo"
        assert format_file_size(10 * 1024 * 1024, round_up=True) == f"10{NBSP}Mo"


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("Lettres patentes – Été 2026.pdf", "Lettres patentes – Été 2026.pdf"),
        ("Ge\u0301rard.pdf", "G\u00e9rard.pdf"),
        ("C:\\Users\\marie\\lettres.pdf", "lettres.pdf"),
        ("../../etc/passwd", "passwd"),
        ("rapport\r\nSet-Cookie: x.pdf", "rapportSet-Cookie: x.pdf"),
        ("  ", "document"),
        ("", "document"),
    ],
)
def test_clean_filename_cases(name, expected):
    assert clean_filename(name) == expected


def test_clean_filename_long_name_keeps_extension():
    cleaned = clean_filename("é" * 300 + ".docx")

    assert len(cleaned) == 200
    assert cleaned.endswith(".docx")


# --- validate_upload --------------------------------------------------------------------------------


def test_validate_upload_accepted_file_returns_type():
    assert validate_upload(upload("Lettres patentes.pdf", pdf_bytes())) == "pdf"
    assert validate_upload(upload("budget.ods", odf_bytes("application/vnd.oasis.opendocument.spreadsheet"))) == "ods"


def test_validate_upload_renamed_exe_rejected():
    with override("en"), pytest.raises(ValidationError) as caught:
        validate_upload(upload("Lettres patentes – Été.pdf", exe_bytes()))

    error = caught.value
    assert error.code == "invalid_type"
    message = error.messages[0]
    assert "Lettres patentes – Été.pdf" in message
    assert "is not an accepted file type" in message
    assert "PDF" in message
    assert "Word (DOCX)" in message


def test_validate_upload_renamed_html_rejected():
    with pytest.raises(ValidationError) as caught:
        validate_upload(upload("page.pdf", b"<!DOCTYPE html><html><body>Hello</body></html>"))

    assert caught.value.code == "invalid_type"


def test_validate_upload_type_outside_allowed_rejected():
    with override("en"), pytest.raises(ValidationError) as caught:
        validate_upload(upload("photo.png", image_bytes("PNG")), allowed={"pdf", "odt"})

    message = caught.value.messages[0]
    assert caught.value.code == "invalid_type"
    assert "Accepted types: PDF, OpenDocument (ODT)." in message
    assert "PNG" not in message


def test_validate_upload_over_limit_rejected(settings):
    settings.UPLOAD_MAX_BYTES = 1024

    with override("fr"), pytest.raises(ValidationError) as caught:
        validate_upload(upload("gros fichier.pdf", pdf_bytes() + b"\0" * 2048))

    message = caught.value.messages[0]
    assert caught.value.code == "too_large"
    assert "gros fichier.pdf" in message
    assert f"1{NBSP}ko" in message
    assert f"{NBSP}ko," in message


def test_validate_upload_at_limit_accepted(settings):
    content = pdf_bytes()
    settings.UPLOAD_MAX_BYTES = len(content)

    assert validate_upload(upload("juste.pdf", content)) == "pdf"


def test_validate_upload_max_bytes_overrides_setting():
    with pytest.raises(ValidationError) as caught:
        validate_upload(upload("a.pdf", pdf_bytes()), max_bytes=10)

    assert caught.value.code == "too_large"


def test_validate_upload_empty_file_rejected():
    empty = SimpleUploadedFile("vide.pdf", b"")

    with pytest.raises(ValidationError) as caught:
        validate_upload(empty)

    assert caught.value.code == "empty"
    assert "vide.pdf" in caught.value.messages[0]


def test_validate_upload_unknown_allowed_key_raises():
    with pytest.raises(ValueError, match="exe"):
        validate_upload(upload("a.pdf", pdf_bytes()), allowed={"pdf", "exe"})


def test_allowed_types_cover_all_detected_types():
    assert set(ALLOWED_TYPES) == {"pdf", "png", "jpeg", "docx", "xlsx", "odt", "ods"}
    assert frozenset(ALLOWED_TYPES) == ALL_TYPES


# --- PrivateFileField -------------------------------------------------------------------------------


class LettersPatentForm(forms.Form):
    name = forms.CharField()
    letters_patent = PrivateFileField(allowed={"pdf", "docx", "odt", "jpeg", "png"})


def test_private_file_field_valid_upload_cleaned():
    form = LettersPatentForm(
        data={"name": "Carrefour"}, files={"letters_patent": upload("Lettres patentes.pdf", pdf_bytes())}
    )

    assert form.is_valid(), form.errors
    assert form.cleaned_data["letters_patent"].name == "Lettres patentes.pdf"


def test_private_file_field_wrong_type_is_field_error():
    form = LettersPatentForm(
        data={"name": "Carrefour jeunesse – Été"}, files={"letters_patent": upload("virus.pdf", exe_bytes())}
    )

    assert not form.is_valid()
    assert list(form.errors) == ["letters_patent"]
    assert "virus.pdf" in form.errors["letters_patent"][0]
    assert form["name"].value() == "Carrefour jeunesse – Été"


def test_private_file_field_too_big_is_field_error(settings):
    settings.UPLOAD_MAX_BYTES = 100
    form = LettersPatentForm(data={"name": "Carrefour"}, files={"letters_patent": upload("a.pdf", pdf_bytes())})

    assert not form.is_valid()
    assert list(form.errors) == ["letters_patent"]
    assert form.errors.as_data()["letters_patent"][0].code == "too_large"


def test_private_file_field_xlsx_not_in_allowed_rejected():
    form = LettersPatentForm(data={"name": "Carrefour"}, files={"letters_patent": upload("a.xlsx", xlsx_bytes())})

    assert not form.is_valid()
    assert form.errors.as_data()["letters_patent"][0].code == "invalid_type"


def test_private_file_field_initial_not_rechecked():
    field = PrivateFileField(required=False)
    initial = ContentFile(b"not checked again", name="existant.pdf")

    assert field.clean(None, initial) is initial


def test_private_file_field_accept_attribute():
    field = PrivateFileField(allowed={"pdf", "jpeg"})
    accept = field.widget.attrs["accept"].split(",")

    assert ".pdf" in accept
    assert "application/pdf" in accept
    assert ".jpg" in accept
    assert ".jpeg" in accept
    assert ".docx" not in accept


# --- content_disposition and file_response ----------------------------------------------------------


def test_content_disposition_accented_name():
    header = content_disposition("Lettres patentes – Été 2026.pdf")

    assert header.startswith("attachment; ")
    assert 'filename="Lettres patentes - Ete 2026.pdf"' in header
    assert "filename*=UTF-8''Lettres%20patentes%20%E2%80%93%20%C3%89t%C3%A9%202026.pdf" in header


def test_content_disposition_quotes_and_percent_replaced():
    header = content_disposition('rapport "final" 100%.pdf', as_attachment=False)

    assert header.startswith("inline; ")
    assert 'filename="rapport _final_ 100_.pdf"' in header
    assert "filename*=UTF-8''rapport%20%22final%22%20100%25.pdf" in header


@pytest.mark.django_db
def test_file_response_letters_patent(private_media, organization):
    content = pdf_bytes()
    organization.letters_patent.save("x.pdf", ContentFile(content))

    response = file_response(organization.letters_patent, "Lettres patentes – Été 2026.pdf")

    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    disposition = response["Content-Disposition"]
    assert "filename*=UTF-8''Lettres%20patentes%20%E2%80%93%20%C3%89t%C3%A9%202026.pdf" in disposition
    assert b"".join(response.streaming_content) == content
    response.close()


@pytest.mark.django_db
def test_file_response_content_type_from_content(private_media, organization):
    # A stored file named .pdf that is really HTML must never be served as a page.
    organization.letters_patent.save("lettres.pdf", ContentFile(b"<html><script>alert(1)</script></html>"))

    response = file_response(organization.letters_patent, "lettres.pdf", as_attachment=False)

    assert response["Content-Type"] == "application/octet-stream"
    assert response["Content-Disposition"].startswith("inline; ")
    response.close()


@pytest.mark.django_db
def test_file_response_missing_file_raises(private_media, organization):
    organization.letters_patent.save("x.pdf", ContentFile(pdf_bytes()))
    (private_media / organization.letters_patent.name).unlink()

    with pytest.raises(MissingStoredFile) as caught:
        file_response(organization.letters_patent, "x.pdf")

    assert caught.value.name == organization.letters_patent.name


@pytest.mark.django_db
def test_file_response_empty_field_raises(organization):
    with pytest.raises(MissingStoredFile):
        file_response(organization.letters_patent, "x.pdf")
