"""Documents of an agreement through the shared download, and the rules behind it."""

from datetime import date

import pytest
from django.urls import reverse

from common.documents import generate_document
from common.models import TransitionLog
from payments import installments, services
from payments.models import InstallmentState
from tests.factories import MembershipFactory, UserFactory
from tests.payments.conftest import approved_agreement, pay


def download_url(document) -> str:
    return reverse("common:document_download", kwargs={"pk": document.pk})


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("who", "status"),
    [("member", 200), ("officer", 200), ("finance", 200), ("other_member", 404), ("reviewer", 404)],
)
def test_agreement_pdf_served_by_shared_download(client, agreement, officer, who, status):
    document = generate_document(owner=agreement, kind="payments.agreement")
    users = {
        "member": lambda: MembershipFactory(organization=agreement.application.organization).user,
        "officer": lambda: officer,
        "finance": lambda: UserFactory(roles=["finance_officer"]),
        "other_member": lambda: MembershipFactory().user,
        "reviewer": lambda: UserFactory(roles=["reviewer"]),
    }
    client.force_login(users[who]())

    response = client.get(download_url(document))

    assert response.status_code == status


@pytest.mark.django_db
def test_payment_notice_served_to_member_only(client, active_agreement, finance, second_finance):
    installment = pay(active_agreement.installments.get(number=1), finance, second_finance, paid_on=date(2026, 12, 1))
    document = generate_document(owner=installment, kind="payments.payment_notice")

    client.force_login(MembershipFactory(organization=active_agreement.application.organization).user)
    assert client.get(download_url(document)).status_code == 200
    client.force_login(MembershipFactory().user)
    assert client.get(download_url(document)).status_code == 404


@pytest.mark.django_db
def test_installment_of_draft_agreement_cannot_be_withheld(agreement, officer):
    with pytest.raises(services.PaymentError, match="active agreement"):
        installments.withhold_installment(
            installment=agreement.installments.get(number=1), actor=officer, reason="Rapport en retard"
        )
    assert agreement.installments.get(number=1).state == InstallmentState.SCHEDULED


@pytest.mark.django_db
def test_changed_conditions_are_in_history(agreement, officer):
    services.edit_conditions(agreement=agreement, actor=officer, conditions="Une seule condition.")
    services.edit_conditions(agreement=agreement, actor=officer, conditions="Une seule condition.")

    entries = TransitionLog.objects.filter(transition="payments.agreement.conditions_edited", object_id=agreement.pk)
    assert entries.count() == 1
    assert entries.get().actor == officer


@pytest.mark.django_db
def test_finance_approval_is_internal_on_organization_history(active_agreement, finance):
    from payments.selectors import agreement_history

    installments.approve_installment(installment=active_agreement.installments.get(number=1), actor=finance)

    entries = agreement_history(active_agreement, for_organization=True)
    approval = next(entry for entry in entries if entry.transition == "payments.installment.approved")
    assert approval.internal and approval.actor is None


@pytest.mark.django_db
def test_second_agreement_fixture_is_independent():
    assert approved_agreement().application.organization != approved_agreement().application.organization


@pytest.mark.django_db
@pytest.mark.parametrize(("roles", "shown"), [(["finance_officer"], True), (["reviewer"], False), ([], False)])
def test_menu_links_agreements_for_staff_only(client, roles, shown):
    client.force_login(UserFactory(roles=roles))

    response = client.get(reverse("accounts:dashboard"))

    assert (reverse("payments:agreements") in response.content.decode()) is shown
