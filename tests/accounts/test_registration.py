import re

import pytest
from django.core import mail
from django.urls import reverse

from accounts.models import User
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

REGISTRATION = {
    "first_name": "Gérard",
    "last_name": "Côté",
    "email": "Gerard.Cote@Exemple.qc.ca",
    "preferred_language": "fr",
    "password1": "Intimidation-Zero-2026",
    "password2": "Intimidation-Zero-2026",
}


def confirmation_path(message) -> str:
    return re.search(r"/comptes/confirmation/\S+/", message.body).group(0)


@pytest.fixture
def register(client, django_capture_on_commit_callbacks):
    def post(data=REGISTRATION):
        with django_capture_on_commit_callbacks(execute=True):
            return client.post(reverse("accounts:register"), data)

    return post


def test_registration_sends_french_confirmation(register):
    response = register()
    assert response.status_code == 302
    user = User.objects.get()
    assert user.email == "gerard.cote@exemple.qc.ca"
    assert user.email_verified_at is None
    assert len(mail.outbox) == 1
    assert mail.outbox[0].subject.startswith("Confirmez votre adresse courriel")
    assert "/comptes/confirmation/" in mail.outbox[0].body


def test_confirmation_link_verifies_email(client, register):
    register()
    response = client.get(confirmation_path(mail.outbox[0]))
    assert response.status_code == 302
    assert User.objects.get().email_verified


def test_confirmation_link_twice_is_harmless(client, register):
    register()
    path = confirmation_path(mail.outbox[0])
    client.get(path)
    assert client.get(path).status_code == 302


def test_forged_confirmation_token_rejected(client):
    response = client.get(reverse("accounts:verify_email", kwargs={"token": "abc:def"}))
    assert response.status_code == 400
    assert "lien de confirmation n’est pas valide" in response.content.decode()


def test_registration_duplicate_email_keeps_other_fields(register):
    UserFactory(email="gerard.cote@exemple.qc.ca")
    response = register()
    assert response.status_code == 200
    content = response.content.decode()
    assert "Un compte utilise déjà cette adresse" in content
    assert 'value="Gérard"' in content


def test_registration_password_mismatch_named(register):
    response = register({**REGISTRATION, "password2": "autre-chose-2026"})
    assert "Les deux mots de passe diffèrent" in response.content.decode()
    assert not User.objects.exists()


def test_unverified_login_refused_and_link_resent(client, django_capture_on_commit_callbacks):
    UserFactory(email="nouveau@exemple.qc.ca", email_verified_at=None)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("accounts:login"), {"username": "nouveau@exemple.qc.ca", "password": "un-mot-de-passe-solide"}
        )
    assert response.status_code == 200
    assert "_auth_user_id" not in client.session
    assert len(mail.outbox) == 1


def test_verified_login_reaches_dashboard(client):
    UserFactory(email="actif@exemple.qc.ca")
    response = client.post(
        reverse("accounts:login"), {"username": "Actif@exemple.qc.ca", "password": "un-mot-de-passe-solide"}
    )
    assert response.status_code == 302
    assert response["Location"] == reverse("accounts:dashboard")


def test_login_throttled_after_repeated_failures(client, settings):
    settings.LOGIN_THROTTLE_LIMIT = 3
    UserFactory(email="cible@exemple.qc.ca")
    for _attempt in range(3):
        client.post(reverse("accounts:login"), {"username": "cible@exemple.qc.ca", "password": "mauvais"})
    response = client.post(
        reverse("accounts:login"), {"username": "cible@exemple.qc.ca", "password": "un-mot-de-passe-solide"}
    )
    assert response.status_code == 429
    assert "_auth_user_id" not in client.session


def test_password_reset_sends_link(client):
    UserFactory(email="oubli@exemple.qc.ca")
    response = client.post(reverse("accounts:password_reset"), {"email": "oubli@exemple.qc.ca"})
    assert response.status_code == 302
    assert "/comptes/mot-de-passe/nouveau/" in mail.outbox[0].body


def test_logout_needs_post(client, user):
    client.force_login(user)
    response = client.post(reverse("accounts:logout"))
    assert response.status_code == 302
    assert "_auth_user_id" not in client.session


def test_profile_changes_language(client, user):
    client.force_login(user)
    client.post(
        reverse("accounts:profile"), {"first_name": "Éloïse", "last_name": "Gagnon", "preferred_language": "en"}
    )
    user.refresh_from_db()
    assert user.preferred_language == "en"
    assert user.first_name == "Éloïse"


def test_confirmation_marks_its_notification_read(client, register):
    from common.models import Notification

    register()
    client.get(confirmation_path(mail.outbox[0]))
    assert Notification.objects.get().read_at is not None


def test_login_focuses_password_when_email_known(client):
    content = client.get(reverse("accounts:login") + "?email=a@b.qc.ca").content.decode()
    assert re.search(r'<input type="password"[^>]*autofocus', content)
