import re

import pytest
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from accounts import services
from accounts.models import Invitation, Membership, Organization
from common.models import TransitionLog
from tests.factories import MembershipFactory, OrganizationFactory, UserFactory

pytestmark = pytest.mark.django_db

PROFILE = {
    "name": "Maison des jeunes L'Escale",
    "neq": "1165432109",
    "legal_form": "non_profit",
    "region": "05",
    "street_address": "250, rue King Ouest",
    "city": "Sherbrooke",
    "postal_code": "j1h1p8",
    "head_office_in_quebec": "on",
    "incorporated_on": "2012-06-01",
    "mission": "Offrir aux adolescents un lieu de rencontre sécuritaire.",
}


def minimal_pdf() -> bytes:
    return (
        b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj 2 0 obj<</Type/Pages/Kids[]/Count 0>>endobj\n"
        b"trailer<</Root 1 0 R>>\n%%EOF\n"
    )


def test_create_organization_makes_creator_representative(client, user):
    client.force_login(user)
    response = client.post(reverse("accounts:organization_create"), PROFILE)
    organization = Organization.objects.get()
    assert response["Location"] == reverse("accounts:organization_detail", kwargs={"pk": organization.pk})
    assert organization.postal_code == "J1H 1P8"
    assert Membership.objects.get(organization=organization).user == user
    assert Membership.objects.get(organization=organization).is_representative
    assert TransitionLog.objects.filter(transition="accounts.organization.created", actor=user).exists()


def test_wrong_neq_named_in_french_and_fields_kept(client, user):
    client.force_login(user)
    response = client.post(reverse("accounts:organization_create"), {**PROFILE, "neq": "9912345678"})
    content = response.content.decode()
    assert response.status_code == 200
    assert "commence par 11, 22, 33 ou 88" in content
    assert 'href="#id_neq"' in content
    assert "Maison des jeunes L&#x27;Escale" in content
    assert not Organization.objects.exists()


def test_duplicate_neq_gives_advice(client, user):
    OrganizationFactory(neq="1165432109")
    client.force_login(user)
    response = client.post(reverse("accounts:organization_create"), PROFILE)
    assert "Demandez à ses membres de vous inviter" in response.content.decode()


def test_unverified_user_cannot_create_organization(client):
    client.force_login(UserFactory(email_verified_at=None))
    response = client.post(reverse("accounts:organization_create"), PROFILE)
    assert response.status_code == 302
    assert not Organization.objects.exists()


def test_upload_wrong_type_keeps_the_rest(client, user):
    client.force_login(user)
    fake = SimpleUploadedFile("lettres.pdf", b"MZ\x90\x00 this is a program, not a PDF", content_type="application/pdf")
    response = client.post(reverse("accounts:organization_create"), {**PROFILE, "letters_patent": fake})
    content = response.content.decode()
    assert response.status_code == 200
    assert "n’est pas un type de fichier accepté" in content
    assert 'value="1165432109"' in content
    assert "Offrir aux adolescents un lieu de rencontre sécuritaire." in content
    assert not Organization.objects.exists()


def test_upload_too_big_keeps_the_rest(client, user, settings):
    settings.UPLOAD_MAX_BYTES = 1024
    client.force_login(user)
    big = SimpleUploadedFile("lettres.pdf", minimal_pdf() + b"0" * 2048, content_type="application/pdf")
    response = client.post(reverse("accounts:organization_create"), {**PROFILE, "letters_patent": big})
    content = response.content.decode()
    assert "dépasse la limite" in content
    assert 'value="Sherbrooke"' in content
    assert not Organization.objects.exists()


def test_letters_patent_download_keeps_accented_name(client, user):
    client.force_login(user)
    upload = SimpleUploadedFile("Lettres patentes – Été.pdf", minimal_pdf(), content_type="application/pdf")
    client.post(reverse("accounts:organization_create"), {**PROFILE, "letters_patent": upload})
    organization = Organization.objects.get()
    assert "Lettres" not in organization.letters_patent.name
    response = client.get(reverse("accounts:letters_patent_download", kwargs={"pk": organization.pk}))
    assert response.status_code == 200
    assert "filename*=UTF-8''Lettres%20patentes%20%E2%80%93%20%C3%89t%C3%A9.pdf" in response["Content-Disposition"]
    assert b"".join(response.streaming_content).startswith(b"%PDF")


@pytest.mark.parametrize(
    "url_name",
    [
        "organization_detail",
        "organization_update",
        "invite_member",
        "transfer_representative",
        "letters_patent_download",
    ],
)
def test_other_organization_answers_404(client, organization, outsider, url_name):
    client.force_login(outsider)
    assert client.get(reverse(f"accounts:{url_name}", kwargs={"pk": organization.pk})).status_code == 404


@pytest.mark.parametrize("url_name", ["organization_detail", "organization_update", "invite_member"])
def test_anonymous_redirected_to_login(client, organization, url_name):
    response = client.get(reverse(f"accounts:{url_name}", kwargs={"pk": organization.pk}))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:login"))


def test_officer_sees_but_cannot_edit(client, organization, officer):
    client.force_login(officer)
    assert client.get(reverse("accounts:organization_detail", kwargs={"pk": organization.pk})).status_code == 200
    assert client.get(reverse("accounts:organization_update", kwargs={"pk": organization.pk})).status_code == 404


def test_member_invites_and_invitee_joins(client, organization, member, django_capture_on_commit_callbacks):
    client.force_login(member)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            reverse("accounts:invite_member", kwargs={"pk": organization.pk}), {"email": "Nouvelle@Exemple.qc.ca"}
        )
    invitation = Invitation.objects.get()
    assert invitation.email == "nouvelle@exemple.qc.ca"
    assert len(mail.outbox) == 1
    path = re.search(r"/comptes/invitation/\S+/", mail.outbox[0].body).group(0)
    invitee = UserFactory(email="nouvelle@exemple.qc.ca", email_verified_at=None)
    client.force_login(invitee)
    assert client.get(path).status_code == 200
    response = client.post(path)
    assert response.status_code == 302
    assert Membership.objects.filter(organization=organization, user=invitee, is_representative=False).exists()
    invitee.refresh_from_db()
    assert invitee.email_verified


def test_invitation_twice_sends_one_email(client, organization, member, django_capture_on_commit_callbacks):
    client.force_login(member)
    url = reverse("accounts:invite_member", kwargs={"pk": organization.pk})
    with django_capture_on_commit_callbacks(execute=True):
        client.post(url, {"email": "double@exemple.qc.ca"})
        client.post(url, {"email": "double@exemple.qc.ca"})
    assert Invitation.objects.count() == 1
    assert len(mail.outbox) == 1


def test_invitation_for_another_address_refused(organization, member):
    invitation = services.invite_member(organization=organization, actor=member, email="prevue@exemple.qc.ca")
    intruder = UserFactory(email="autre@exemple.qc.ca")
    with pytest.raises(services.ServiceError):
        services.accept_invitation(invitation=invitation, user=intruder)
    assert not Membership.objects.filter(user=intruder).exists()


def test_inviting_existing_member_refused(client, organization, member, representative):
    client.force_login(member)
    response = client.post(
        reverse("accounts:invite_member", kwargs={"pk": organization.pk}), {"email": representative.email}
    )
    assert "est déjà membre" in response.content.decode()
    assert not Invitation.objects.exists()


def test_representative_hands_over_flag(client, organization, representative, member):
    client.force_login(representative)
    membership = Membership.objects.get(user=member)
    response = client.post(
        reverse("accounts:transfer_representative", kwargs={"pk": organization.pk}),
        {"new_representative": membership.pk, "reason": "Départ à la retraite"},
    )
    assert response.status_code == 302
    assert Membership.objects.get(user=member).is_representative
    assert not Membership.objects.get(user=representative).is_representative
    log = TransitionLog.objects.get(transition="accounts.organization.representative_changed")
    assert log.reason == "Départ à la retraite"
    assert log.actor == representative


def test_member_cannot_take_the_flag(organization, representative, member):
    with pytest.raises(services.ServiceError):
        services.transfer_representative(
            organization=organization,
            actor=member,
            new_representative=Membership.objects.get(user=member),
            reason="Je prends la place",
        )
    assert Membership.objects.get(user=representative).is_representative


def test_history_visible_on_profile(client, user):
    client.force_login(user)
    client.post(reverse("accounts:organization_create"), PROFILE)
    organization = Organization.objects.get()
    response = client.get(reverse("accounts:organization_detail", kwargs={"pk": organization.pk}))
    assert "Organisme créé" in response.content.decode()


def count_list_queries(client, viewer) -> int:
    client.force_login(viewer)
    with CaptureQueriesContext(connection) as queries:
        assert client.get(reverse("accounts:organization_list")).status_code == 200
    return len(queries)


def test_organization_list_constant_queries(client, officer):
    MembershipFactory(is_representative=True)
    one = count_list_queries(client, officer)
    for _index in range(2):
        membership = MembershipFactory(is_representative=True)
        MembershipFactory(organization=membership.organization)
    assert count_list_queries(client, officer) == one


def test_organization_list_hidden_from_applicants(client, member):
    client.force_login(member)
    assert client.get(reverse("accounts:organization_list")).status_code == 404


def test_missing_letters_patent_shows_message(client, user):
    client.force_login(user)
    upload = SimpleUploadedFile("lettres.pdf", minimal_pdf(), content_type="application/pdf")
    client.post(reverse("accounts:organization_create"), {**PROFILE, "letters_patent": upload})
    organization = Organization.objects.get()
    organization.letters_patent.storage.delete(organization.letters_patent.name)
    response = client.get(reverse("accounts:letters_patent_download", kwargs={"pk": organization.pk}))
    assert response.status_code == 410
    assert "lettres.pdf" in response.content.decode()
