import pytest
from django.core.exceptions import ImproperlyConfigured

from config.settings import email_settings


def test_email_url_smtp_with_tls():
    settings = email_settings("smtp://agent%40mfa:secret@smtp.example.qc.ca:587?tls=true")
    assert settings["EMAIL_HOST"] == "smtp.example.qc.ca"
    assert settings["EMAIL_PORT"] == 587
    assert settings["EMAIL_HOST_USER"] == "agent@mfa"
    assert settings["EMAIL_USE_TLS"] is True


def test_email_url_file_backend():
    settings = email_settings("file:///tmp/courriels")
    assert settings["EMAIL_BACKEND"] == "django.core.mail.backends.filebased.EmailBackend"
    assert settings["EMAIL_FILE_PATH"] == "/tmp/courriels"


def test_email_url_unknown_scheme_rejected():
    with pytest.raises(ImproperlyConfigured):
        email_settings("pigeon://roost")


def test_locale_and_time_zone(settings):
    assert settings.LANGUAGE_CODE == "fr"
    assert settings.TIME_ZONE == "America/Montreal"
    assert settings.USE_TZ is True
    assert [code for code, _name in settings.LANGUAGES] == ["fr", "en"]


@pytest.mark.django_db
def test_security_headers_sent(client):
    response = client.get("/")
    assert "default-src 'self'" in response["Content-Security-Policy"]
    assert response["X-Frame-Options"] == "DENY"
    assert response["X-Content-Type-Options"] == "nosniff"


@pytest.mark.django_db
def test_french_despite_english_browser(client):
    response = client.get("/", HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9")
    assert response["Content-Language"] == "fr"
    assert '<html lang="fr">' in response.content.decode()


@pytest.mark.django_db
def test_english_after_choosing_it(client):
    client.post("/i18n/setlang/", {"language": "en", "next": "/"})
    response = client.get("/")
    assert response["Content-Language"] == "en"
    assert '<html lang="en">' in response.content.decode()


@pytest.mark.django_db
def test_not_found_page_in_site_layout(client):
    response = client.get("/cette-page-n-existe-pas/")
    content = response.content.decode()
    assert response.status_code == 404
    assert "Page introuvable" in content
    assert 'id="main"' in content
