import secrets
from pathlib import PurePosixPath


def random_upload_name(instance, filename: str) -> str:
    """Store each file under a random name, so that a stored name reveals nothing and cannot be guessed.

    The default storage lives under PRIVATE_MEDIA_ROOT, which no web server exposes: files are read only
    through permission-checked views, and the original name is kept in a model field for downloads.
    """
    suffix = PurePosixPath(filename).suffix.lower()[:10]
    token = secrets.token_hex(16)
    return f"{instance._meta.app_label}/{token[:2]}/{token}{suffix}"
