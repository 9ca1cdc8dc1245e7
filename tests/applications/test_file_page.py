"""The file page of an application, its attachments and issued documents: who may view them, and in how many queries."""

from urllib.parse import quote

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from accounts.models import Role
from applications.models import Application, ApplicationState
from common.documents import store_document
from common.templatetags.formats import long_datetime
from tests.applications.factories import PDF_BYTES, ApplicationFactory, complete_application
from tests.factories import CallFactory, MembershipFactory, OrganizationFactory, UserFactory

pytestmark = pytest.mark.django_db

ORGANIZATION_STAFF = [Role.PROGRAM_OFFICER, Role.PROGRAM_MANAGER, Role.DECISION_MAKER, Role.FINANCE_OFFICER]
OTHER_STAFF = [Role.REVIEWER, Role.COMMITTEE_MEMBER, Role.JURY_MEMBER]


@pytest.fixture
def application():
    return complete_application(ApplicationFactory())


@pytest.fixture
def receipt(application):
    return store_document(
        owner=application, kind="applications.receipt", pdf=PDF_BYTES, filename="Accusé de réception.pdf", language="fr"
    )


def representative_of(application):
    return application.organization.memberships.get(is_representative=True).user


def detail_url(application):
    return reverse("applications:detail", kwargs={"pk": application.pk})


def attachment_url(application, attachment):
    return reverse("applications:attachment_download", kwargs={"pk": application.pk, "attachment_id": attachment.pk})


def submitted(application):
    Application.objects.filter(pk=application.pk).update(state=ApplicationState.SUBMITTED, reference="ECI-T-0007")
    return Application.objects.get(pk=application.pk)


# Who may view the file


def test_representative_sees_file(client, application):
    client.force_login(representative_of(application))
    response = client.get(detail_url(application))
    content = response.content.decode()
    assert response.status_code == 200
    assert application.title in content
    assert application.organization.name in content
    assert reverse("applications:review", kwargs={"pk": application.pk}) in content


def test_member_sees_file(client, application):
    client.force_login(MembershipFactory(organization=application.organization).user)
    assert client.get(detail_url(application)).status_code == 200


@pytest.mark.parametrize("role", ORGANIZATION_STAFF)
def test_organization_staff_see_file(client, application, role):
    client.force_login(UserFactory(roles=[role]))
    response = client.get(detail_url(application))
    assert response.status_code == 200
    assert reverse("applications:review", kwargs={"pk": application.pk}) not in response.content.decode()


@pytest.mark.parametrize("role", OTHER_STAFF)
def test_other_staff_get_404(client, application, role):
    client.force_login(UserFactory(roles=[role]))
    assert client.get(detail_url(application)).status_code == 404


def test_outsider_gets_404(client, application, outsider):
    client.force_login(outsider)
    assert client.get(detail_url(application)).status_code == 404


def test_unknown_file_404(client, representative):
    client.force_login(representative)
    assert client.get(reverse("applications:detail", kwargs={"pk": 999999})).status_code == 404


def test_anonymous_sent_to_login(client, application):
    response = client.get(detail_url(application))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:login"))


def test_file_shows_header_facts(client, application, officer):
    application = submitted(application)
    Application.objects.filter(pk=application.pk).update(officer=officer)
    client.force_login(representative_of(application))
    content = client.get(detail_url(application)).content.decode()
    assert "ECI-T-0007" in content
    assert application.call.title in content
    assert officer.get_full_name() in content
    assert long_datetime(application.call.closes_at) in content


def test_file_shows_budget_totals(client, application):
    client.force_login(representative_of(application))
    content = client.get(detail_url(application)).content.decode()
    # Three years of 45 000 $ of expenses: 135 000 $ in all, 120 000 $ requested.
    assert "45\xa0000,00\xa0$" in content
    assert "135\xa0000,00\xa0$" in content
    assert "120\xa0000,00\xa0$" in content


def test_file_shows_history(client, application):
    client.force_login(representative_of(application))
    content = client.get(detail_url(application)).content.decode()
    assert 'id="timeline-title"' in content


def test_officer_sees_screening_link(client, officer, application):
    application = submitted(application)
    client.force_login(officer)
    content = client.get(detail_url(application)).content.decode()
    assert reverse("applications:screening", kwargs={"pk": application.pk}) in content


def test_finance_officer_sees_no_screening_link(client, application):
    application = submitted(application)
    client.force_login(UserFactory(roles=[Role.FINANCE_OFFICER]))
    content = client.get(detail_url(application)).content.decode()
    assert reverse("applications:screening", kwargs={"pk": application.pk}) not in content


def test_member_sees_no_screening_link(client, application):
    application = submitted(application)
    client.force_login(representative_of(application))
    content = client.get(detail_url(application)).content.decode()
    assert reverse("applications:screening", kwargs={"pk": application.pk}) not in content


# Attachments


def test_attachment_downloads_for_member(client, application):
    attachment = application.attachments.first()
    client.force_login(MembershipFactory(organization=application.organization).user)
    response = client.get(attachment_url(application, attachment))
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == PDF_BYTES
    assert response["Content-Type"] == "application/pdf"


def test_attachment_downloads_for_officer(client, application, officer):
    client.force_login(officer)
    assert client.get(attachment_url(application, application.attachments.first())).status_code == 200


@pytest.mark.parametrize("persona", ["outsider", "reviewer"])
def test_attachment_404_for_others(client, application, outsider, persona):
    user = outsider if persona == "outsider" else UserFactory(roles=[Role.REVIEWER])
    client.force_login(user)
    assert client.get(attachment_url(application, application.attachments.first())).status_code == 404


def test_attachment_of_other_file_404(client, application):
    other = complete_application(ApplicationFactory())
    client.force_login(representative_of(application))
    assert client.get(attachment_url(application, other.attachments.first())).status_code == 404


def test_accented_upload_downloads_with_same_name(client):
    application = ApplicationFactory()
    complete_application(application)
    application.attachments.filter(document_type__code="board-resolution").delete()
    name = "Résolution du CA – été 2026.pdf"
    client.force_login(representative_of(application))
    client.post(
        reverse("applications:step", kwargs={"pk": application.pk, "step": "documents"}),
        {"document_board-resolution": SimpleUploadedFile(name, PDF_BYTES, content_type="application/pdf")},
    )
    attachment = application.attachments.get(document_type__code="board-resolution")
    response = client.get(attachment_url(application, attachment))
    disposition = response["Content-Disposition"]
    assert attachment.filename == name
    assert f"filename*=UTF-8''{quote(name, safe='')}" in disposition
    assert 'filename="Resolution du CA - ete 2026.pdf"' in disposition


def test_missing_stored_attachment_answers_410(client, application):
    attachment = application.attachments.first()
    attachment.file.storage.delete(attachment.file.name)
    client.force_login(representative_of(application))
    response = client.get(attachment_url(application, attachment))
    assert response.status_code == 410
    assert response.templates[0].name == "common/file_missing.html"
    assert attachment.filename in response.content.decode()


# Issued documents


def test_issued_document_listed_for_member(client, application, receipt):
    client.force_login(representative_of(application))
    content = client.get(detail_url(application)).content.decode()
    assert reverse("common:document_download", kwargs={"pk": receipt.pk}) in content


def test_issued_document_downloads_for_member(client, application, receipt):
    client.force_login(MembershipFactory(organization=application.organization).user)
    response = client.get(reverse("common:document_download", kwargs={"pk": receipt.pk}))
    assert response.status_code == 200


@pytest.mark.parametrize("persona", ["outsider", "reviewer"])
def test_issued_document_404_for_others(client, application, receipt, outsider, persona):
    user = outsider if persona == "outsider" else UserFactory(roles=[Role.REVIEWER])
    client.force_login(user)
    assert client.get(reverse("common:document_download", kwargs={"pk": receipt.pk})).status_code == 404


# Query counts


def count_queries(client, url) -> int:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200
    return len(queries)


def member_of_organizations(count: int):
    """Return a user who represents `count` organizations, each with a draft in its own call."""
    user = UserFactory()
    for _index in range(count):
        organization = OrganizationFactory()
        MembershipFactory(organization=organization, user=user, is_representative=True)
        ApplicationFactory(organization=organization, call=CallFactory(), created_by=user)
    return user


def test_dashboard_panel_queries_constant(client):
    one = member_of_organizations(1)
    three = member_of_organizations(3)
    client.force_login(one)
    with_one = count_queries(client, reverse("accounts:dashboard"))
    client.force_login(three)
    with_three = count_queries(client, reverse("accounts:dashboard"))
    assert with_one == with_three


def test_dashboard_panel_lists_every_application(client):
    user = member_of_organizations(3)
    client.force_login(user)
    response = client.get(reverse("accounts:dashboard"))
    panel = next(panel for panel in response.context["panels"] if panel.template.endswith("my_applications.html"))
    assert len(panel.context["applications"]) == 3


def test_file_page_queries_constant(client):
    small = complete_application(ApplicationFactory(), years=1)
    large = complete_application(ApplicationFactory(), years=3)
    client.force_login(representative_of(small))
    with_one_year = count_queries(client, detail_url(small))
    client.force_login(representative_of(large))
    with_three_years = count_queries(client, detail_url(large))
    assert with_one_year == with_three_years
