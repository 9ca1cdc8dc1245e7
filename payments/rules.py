"""Permissions to view an agreement and its documents, granted to the organization's members and the ministry's staff.

common.view_document relies on these to serve the agreement PDF and the payment notices from the shared
document download.
"""

import rules

from accounts.models import Membership
from accounts.roles import is_organization_staff


@rules.predicate
def is_agreement_member(user, agreement):
    if agreement is None or not user.is_authenticated:
        return False
    return Membership.objects.filter(organization_id=agreement.application.organization_id, user=user).exists()


@rules.predicate
def is_installment_member(user, installment):
    return installment is not None and is_agreement_member(user, installment.agreement)


rules.add_perm("payments.view_agreement", is_agreement_member | is_organization_staff)
rules.add_perm("payments.view_installment", is_installment_member | is_organization_staff)
rules.add_perm("payments.list_agreements", is_organization_staff)
