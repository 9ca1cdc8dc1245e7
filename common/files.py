"""Private uploads: type detection by content, upload validation, and permission-free file responses.

Views call `file_response` only after their own permission check, because every file under
PRIVATE_MEDIA_ROOT is private and no web server exposes that folder.
"""

from __future__ import annotations

import logging
import re
import unicodedata
import zipfile
from collections.abc import Iterable
from typing import IO, NamedTuple
from urllib.parse import quote

from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.http import FileResponse
from django.utils.translation import get_language
from django.utils.translation import gettext as _

logger = logging.getLogger(__name__)


class FileType(NamedTuple):
    label: str
    mime_type: str
    extension: str


# Labels are format names that read the same in French and English, so they need no translation.
ALLOWED_TYPES: dict[str, FileType] = {
    "pdf": FileType("PDF", "application/pdf", "pdf"),
    "docx": FileType("Word (DOCX)", "application/vnd.openxmlformats-officedocument.wordprocessingml.document", "docx"),
    "xlsx": FileType("Excel (XLSX)", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", "xlsx"),
    "odt": FileType("OpenDocument (ODT)", "application/vnd.oasis.opendocument.text", "odt"),
    "ods": FileType("OpenDocument (ODS)", "application/vnd.oasis.opendocument.spreadsheet", "ods"),
    "jpeg": FileType("JPEG", "image/jpeg", "jpg"),
    "png": FileType("PNG", "image/png", "png"),
}
ALL_TYPES = frozenset(ALLOWED_TYPES)

PDF_MAGIC = b"%PDF-"
PNG_MAGIC = b"\x89PNG\r\n\x1a\n"
JPEG_MAGIC = b"\xff\xd8\xff"
ZIP_MAGIC = b"PK\x03\x04"

# Main-part content types that [Content_Types].xml declares. Macro-enabled files (docm, xlsm) declare
# other types, so they are not accepted even when renamed.
DOCX_MAIN_TYPE = b"application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"
XLSX_MAIN_TYPE = b"application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"
ODF_MIMETYPES = {
    b"application/vnd.oasis.opendocument.text": "odt",
    b"application/vnd.oasis.opendocument.spreadsheet": "ods",
}

# Limits on ZIP containers, read from the central directory, so that an archive that would expand to
# gigabytes is rejected before anyone extracts it. Office files compress about 3 to 20 times.
# NOTE: the archive itself declares these sizes, so a forged central directory can understate them.
ZIP_MAX_MEMBERS = 5_000
ZIP_MAX_UNCOMPRESSED_BYTES = 512 * 1024 * 1024
ZIP_MAX_RATIO = 200
ZIP_MAX_CONTENT_TYPES_BYTES = 1024 * 1024


class MissingStoredFile(Exception):
    """A model points at a stored file that is not on disk (or has no file at all)."""

    def __init__(self, name: str):
        super().__init__(f"Stored file {name!r} is missing.")
        self.name = name


def detect_file_type(fileobj: IO[bytes]) -> str | None:
    """Return the key of ALLOWED_TYPES that the content of `fileobj` matches, or None.

    The name of the file is never looked at. The file is rewound to its start before returning.
    """
    try:
        fileobj.seek(0)
        header = fileobj.read(8)
        if header.startswith(PDF_MAGIC):
            return "pdf"
        if header.startswith(PNG_MAGIC):
            return "png"
        if header.startswith(JPEG_MAGIC):
            return "jpeg"
        if header.startswith(ZIP_MAGIC):
            fileobj.seek(0)
            return _detect_zip_type(fileobj)
        return None
    finally:
        fileobj.seek(0)


def _detect_zip_type(fileobj: IO[bytes]) -> str | None:
    fileobj.seek(0, 2)
    archive_size = fileobj.tell()
    fileobj.seek(0)
    try:
        with zipfile.ZipFile(fileobj) as archive:
            members = archive.infolist()
            if not _zip_sizes_are_plausible(archive_size, members):
                return None
            names = {member.filename for member in members}

            if "mimetype" in names:
                with archive.open("mimetype") as member:
                    return ODF_MIMETYPES.get(member.read(100).strip())

            if "[Content_Types].xml" in names:
                with archive.open("[Content_Types].xml") as member:
                    content_types = member.read(ZIP_MAX_CONTENT_TYPES_BYTES)
                if DOCX_MAIN_TYPE in content_types and any(name.startswith("word/") for name in names):
                    return "docx"
                if XLSX_MAIN_TYPE in content_types and any(name.startswith("xl/") for name in names):
                    return "xlsx"
            return None
    except (zipfile.BadZipFile, zipfile.LargeZipFile, NotImplementedError, EOFError, OSError, ValueError) as error:
        # A damaged or unusual archive is simply not an accepted type.
        logger.info("ZIP content rejected during type detection: %s", error)
        return None


def _zip_sizes_are_plausible(archive_size: int, members: list[zipfile.ZipInfo]) -> bool:
    if len(members) > ZIP_MAX_MEMBERS:
        return False
    uncompressed = sum(member.file_size for member in members)
    return uncompressed <= ZIP_MAX_UNCOMPRESSED_BYTES and uncompressed <= archive_size * ZIP_MAX_RATIO


def format_file_size(num_bytes: int, *, round_up: bool = False) -> str:
    """Format a size as « 12,4 Mo » in French or « 12.4 MB » in English, in powers of 1024.

    `round_up` rounds the last decimal up, so that a file just over a limit never prints as the limit.
    """
    french = (get_language() or "fr")[:2] != "en"
    if num_bytes < 1024:
        # French uses the singular below 2 ("0 octet"), English only for exactly 1.
        if french:
            return f"{num_bytes}\u00a0{'octet' if num_bytes < 2 else 'octets'}"
        return f"{num_bytes}\u00a0{'byte' if num_bytes == 1 else 'bytes'}"

    units = ["ko", "Mo", "Go"] if french else ["KB", "MB", "GB"]
    power = 1
    while num_bytes >= 1024 ** (power + 1) and power < len(units):
        power += 1
    # Integer arithmetic in tenths of a unit, so that rounding up is exact.
    divisor = 1024**power
    tenths = -(-num_bytes * 10 // divisor) if round_up else round(num_bytes * 10 / divisor)
    text = f"{tenths // 10}" if tenths % 10 == 0 else f"{tenths // 10}.{tenths % 10}"
    if french:
        text = text.replace(".", ",")
    return f"{text}\u00a0{units[power - 1]}"


def clean_filename(name: str, *, default: str = "document") -> str:
    """Return `name` without folders or control characters, NFC-normalised and at most 200 characters.

    The result is safe to store and to put in a Content-Disposition header. `default` replaces an empty name.
    """
    name = unicodedata.normalize("NFC", str(name or ""))
    name = re.split(r"[/\\]", name)[-1]
    name = "".join(char for char in name if unicodedata.category(char)[0] != "C").strip(" .")
    if len(name) > 200:
        stem, dot, extension = name.rpartition(".")
        keeps_extension = dot and 0 < len(extension) <= 10
        name = f"{stem[: 199 - len(extension)]}.{extension}" if keeps_extension else name[:200]
    return name or default


def accepted_types_label(allowed: Iterable[str]) -> str:
    """Return the labels of `allowed`, in the order of ALLOWED_TYPES, for messages and help texts."""
    allowed = set(allowed)
    return ", ".join(file_type.label for key, file_type in ALLOWED_TYPES.items() if key in allowed)


def validate_upload(uploaded: UploadedFile, *, allowed: Iterable[str] = ALL_TYPES, max_bytes: int | None = None) -> str:
    """Check the size and the content type of an uploaded file, and return its type key from ALLOWED_TYPES.

    Raise ValidationError (codes "empty", "too_large", "invalid_type") with a message that names the file.
    `max_bytes` defaults to the UPLOAD_MAX_BYTES setting.
    """
    allowed = frozenset(allowed)
    unknown = allowed - ALL_TYPES
    if unknown:
        raise ValueError(f"Unknown file types {sorted(unknown)}. Choose among {sorted(ALL_TYPES)}.")
    limit = settings.UPLOAD_MAX_BYTES if max_bytes is None else max_bytes
    name = clean_filename(uploaded.name, default="")

    if not uploaded.size:
        raise ValidationError(
            _("“%(name)s” is empty. Check the file on your computer and upload it again."),
            code="empty",
            params={"name": name},
        )
    if uploaded.size > limit:
        raise ValidationError(
            _("“%(name)s” is %(size)s, over the %(limit)s limit. Reduce its size or split it."),
            code="too_large",
            params={
                "name": name,
                "size": format_file_size(uploaded.size, round_up=True),
                "limit": format_file_size(limit),
            },
        )
    file_type = detect_file_type(uploaded)
    if file_type not in allowed:
        raise ValidationError(
            _("“%(name)s” is not an accepted file type. Accepted types: %(types)s."),
            code="invalid_type",
            params={"name": name, "types": accepted_types_label(allowed)},
        )
    return file_type


class PrivateFileField(forms.FileField):
    """A file form field that checks each new upload with `validate_upload`.

    An error stays on this field, so the other fields of the form keep the values that were submitted.
    """

    def __init__(self, *, allowed: Iterable[str] = ALL_TYPES, max_bytes: int | None = None, **kwargs):
        self.allowed = frozenset(allowed)
        self.max_bytes = max_bytes
        super().__init__(**kwargs)

    def widget_attrs(self, widget):
        attrs = super().widget_attrs(widget)
        # The browser's file picker then offers only the accepted formats. The server still checks the content.
        accept = []
        for key, file_type in ALLOWED_TYPES.items():
            if key in self.allowed:
                accept += [f".{file_type.extension}", file_type.mime_type]
        if "jpeg" in self.allowed:
            accept.append(".jpeg")
        attrs.setdefault("accept", ",".join(accept))
        return attrs

    def clean(self, data, initial=None):
        value = super().clean(data, initial)
        # Only a new upload is checked: an unchanged initial file or a cleared field has nothing to read.
        if isinstance(value, UploadedFile):
            validate_upload(value, allowed=self.allowed, max_bytes=self.max_bytes)
        return value


def content_disposition(filename: str, *, as_attachment: bool = True) -> str:
    """Build a Content-Disposition value with an ASCII `filename=` and a UTF-8 `filename*=` (RFC 6266, RFC 5987).

    Django's `FileResponse(filename=...)` (5.2) writes only `filename*=utf-8''…` for non-ASCII names, with no
    ASCII fallback, so this header is built here.
    """
    filename = clean_filename(filename)
    disposition = "attachment" if as_attachment else "inline"
    return f"{disposition}; filename=\"{_ascii_fallback(filename)}\"; filename*=UTF-8''{quote(filename, safe='')}"


def _ascii_fallback(filename: str) -> str:
    # RFC 6266 appendix D: user agents may decode "%" in filename=, and "\" and '"' need escaping that some
    # of them ignore, so all three are replaced.
    decomposed = unicodedata.normalize("NFKD", filename.replace("–", "-").replace("—", "-"))
    ascii_text = "".join(char for char in decomposed if not unicodedata.combining(char))
    ascii_text = ascii_text.encode("ascii", "replace").decode("ascii").replace("?", "_")
    return re.sub(r'[%"\\]', "_", ascii_text)


def file_response(field_file, filename: str, *, as_attachment: bool = True) -> FileResponse:
    """Return a FileResponse for a stored file, with its content type detected from its content.

    Raise MissingStoredFile when the field is empty or the storage no longer has the file.
    """
    if not field_file:
        raise MissingStoredFile("")
    try:
        handle = field_file.storage.open(field_file.name, "rb")
    except FileNotFoundError as error:
        raise MissingStoredFile(field_file.name) from error

    file_type = detect_file_type(handle)
    # An unexpected content is sent as opaque bytes, so no browser renders it as a page.
    content_type = ALLOWED_TYPES[file_type].mime_type if file_type else "application/octet-stream"
    response = FileResponse(handle, content_type=content_type)
    response["Content-Disposition"] = content_disposition(filename, as_attachment=as_attachment)
    return response
