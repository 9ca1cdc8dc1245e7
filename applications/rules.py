import rules

from accounts.models import Membership
from accounts.roles import is_organization_staff, is_program_officer
from applications.models import ApplicationState


@rules.predicate
def is_applicant_member(user, application):
    if application is None or not user.is_authenticated:
        return False
    return Membership.objects.filter(organization_id=application.organization_id, user=user).exists()


@rules.predicate
def is_applicant_representative(user, application):
    if application is None or not user.is_authenticated:
        return False
    return Membership.objects.filter(
        organization_id=application.organization_id, user=user, is_representative=True
    ).exists()


@rules.predicate
def is_editable_by_organization(user, application):
    return application is not None and application.state in ApplicationState.organization_editable()


@rules.predicate
def is_draft(user, application):
    return application is not None and application.state == ApplicationState.DRAFT


@rules.predicate
def is_incomplete(user, application):
    return application is not None and application.state == ApplicationState.INCOMPLETE


@rules.predicate
def is_withdrawable(user, application):
    return application is not None and application.state in ApplicationState.withdrawable()


@rules.predicate
def is_in_screening(user, application):
    return application is not None and application.state in (
        ApplicationState.SUBMITTED,
        ApplicationState.SCREENING,
        ApplicationState.INCOMPLETE,
    )


rules.add_perm("applications.view_application", is_applicant_member | is_organization_staff)
rules.add_perm("applications.change_application", is_applicant_member & is_editable_by_organization)
rules.add_perm("applications.submit_application", is_applicant_representative & is_draft)
rules.add_perm("applications.resubmit_application", is_applicant_representative & is_incomplete)
rules.add_perm("applications.withdraw_application", is_applicant_representative & is_withdrawable)
rules.add_perm("applications.screen_application", is_program_officer & is_in_screening)
rules.add_perm("applications.extend_deadline", is_program_officer & is_draft)
rules.add_perm("applications.list_applications", is_organization_staff)
