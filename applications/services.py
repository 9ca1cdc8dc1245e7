"""Every write on applications: drafting, submission, screening and withdrawal."""

import hashlib
import logging
from datetime import date, datetime
from decimal import Decimal

from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django_fsm import can_proceed

from accounts.models import Membership, Role
from applications.checks import application_problems
from applications.models import (
    Application,
    ApplicationState,
    Attachment,
    BudgetLine,
    CallSequence,
    InformationRequest,
    Phase,
    RequestedAmount,
    Revenue,
    ScreeningAnswer,
    Section,
)
from common.audit import record_transition
from common.documents import queue_document
from common.files import detect_file_type
from common.notifications import notify
from common.templatetags.formats import long_date, long_datetime
from common.text import normalize_text, search_key

logger = logging.getLogger(__name__)


class ApplicationError(Exception):
    """A rule stopped the action; the message says what to do and is shown to the user."""


class AlreadyDone(ApplicationError):
    """The same action already happened (a double click or a second tab); nothing changed."""


# Locking and logging


def _lock(application: Application) -> Application:
    return (
        Application.objects.select_for_update()
        .select_related("call", "call__rules", "organization")
        .get(pk=application.pk)
    )


def _transition(application: Application, method: str, code: str, *, actor, reason: str = "", fields=()) -> None:
    """Run the FSM transition `method`, save the state with `fields`, and log it; the caller holds the lock."""
    source = application.state
    getattr(application, method)()
    application.save(update_fields=["state", "updated_at", *fields])
    record_transition(
        subject=application, transition=code, source=source, target=application.state, actor=actor, reason=reason
    )


def _is_member(user, application: Application) -> bool:
    return Membership.objects.filter(organization_id=application.organization_id, user=user).exists()


def _is_representative(user, application: Application) -> bool:
    return Membership.objects.filter(
        organization_id=application.organization_id, user=user, is_representative=True
    ).exists()


def _require_officer(user) -> None:
    if not user.has_role(Role.PROGRAM_OFFICER):
        raise ApplicationError(_("Only a program officer can do this."))


def _notify_members(application: Application, *, event: str, template: str, key: str, context: dict) -> None:
    link = reverse("applications:detail", kwargs={"pk": application.pk})
    memberships = Membership.objects.filter(organization_id=application.organization_id).select_related("user")
    for membership in memberships:
        notify(
            recipient=membership.user,
            event=event,
            key=f"{key}:{membership.user_id}",
            template=template,
            context=context,
            subject=application,
            link=link,
        )


def _refresh_search_text(application: Application) -> None:
    application.search_text = search_key(f"{application.title} {application.organization.name}")


# Drafting


def start_application(*, call, organization, actor) -> Application:
    """Open a draft for `organization` in `call`; one application per organization per call.

    Side effects, in order: the application row, a history entry.
    """
    if not Membership.objects.filter(organization=organization, user=actor).exists():
        raise ApplicationError(_("Only members of the organization can start its application."))
    if not call.is_accepting():
        raise ApplicationError(_("This call does not accept applications now."))
    existing = Application.objects.filter(call=call, organization=organization).first()
    if existing is not None:
        raise AlreadyDone(_("Your organization already has an application in this call."))
    try:
        with transaction.atomic():
            application = Application.objects.create(call=call, organization=organization, created_by=actor)
            _refresh_search_text(application)
            application.save(update_fields=["search_text"])
            record_transition(
                subject=application,
                transition="applications.application.created",
                source="",
                target=application.state,
                actor=actor,
            )
    except IntegrityError as error:
        # Two starts at once: the unique (call, organization) pair lets one through.
        raise AlreadyDone(_("Your organization already has an application in this call.")) from error
    return application


def _editable(application: Application, actor, section: str) -> Application:
    """Lock the application for an edit of `section` by `actor`, or raise when it is not open to them."""
    if not _is_member(actor, application):
        raise ApplicationError(_("Only members of the organization can change its application."))
    locked = _lock(application)
    if not locked.is_open_for(section):
        if locked.state == ApplicationState.INCOMPLETE:
            raise ApplicationError(_("Only the sections listed in the information request can be changed."))
        raise ApplicationError(_("This application was submitted; it can no longer be changed."))
    return locked


@transaction.atomic
def confirm_organization(*, application: Application, actor) -> Application:
    application = _editable(application, actor, Section.ORGANIZATION)
    application.organization_confirmed_at = timezone.now()
    _refresh_search_text(application)
    application.save(update_fields=["organization_confirmed_at", "search_text", "updated_at"])
    return application


@transaction.atomic
def save_project(*, application: Application, actor, data: dict) -> Application:
    application = _editable(application, actor, Section.PROJECT)
    fields = ["title", "summary", "objectives", "expected_impacts", "approach", "knowledge_base", "help_resources"]
    for name in fields:
        setattr(application, name, normalize_text(data.get(name, "")))
    _refresh_search_text(application)
    application.save(update_fields=[*fields, "search_text", "updated_at"])
    return application


@transaction.atomic
def save_clienteles(*, application: Application, actor, clienteles, regions: list[str], reach: str) -> Application:
    application = _editable(application, actor, Section.CLIENTELES)
    application.clienteles.set(clienteles)
    application.regions = sorted(set(regions))
    application.reach = reach
    application.save(update_fields=["regions", "reach", "updated_at"])
    return application


@transaction.atomic
def save_calendar(
    *, application: Application, actor, starts_on: date, ends_on: date, phases: list[dict]
) -> Application:
    """Save the project dates and replace the phases with `phases` (dicts of title, starts_on, ends_on, activities)."""
    application = _editable(application, actor, Section.CALENDAR)
    application.starts_on, application.ends_on = starts_on, ends_on
    application.save(update_fields=["starts_on", "ends_on", "updated_at"])
    application.phases.all().delete()
    Phase.objects.bulk_create(
        Phase(
            application=application,
            position=position,
            title=normalize_text(phase["title"]),
            starts_on=phase["starts_on"],
            ends_on=phase["ends_on"],
            activities=normalize_text(phase.get("activities", "")),
        )
        for position, phase in enumerate(phases)
    )
    return application


@transaction.atomic
def save_budget(
    *,
    application: Application,
    actor,
    expenses: dict[tuple[int, int], Decimal],
    requested: dict[int, Decimal],
    subcontracting: Decimal,
) -> Application:
    """Replace the budget: `expenses` maps (project year, category id) to an amount, `requested` a year to an amount.

    Zero amounts are not stored. The rules are checked on the review page and at submission, so a draft
    with an unbalanced budget is still saved.
    """
    application = _editable(application, actor, Section.BUDGET)
    application.budget_lines.all().delete()
    BudgetLine.objects.bulk_create(
        BudgetLine(application=application, project_year=year, category_id=category_id, amount=amount)
        for (year, category_id), amount in sorted(expenses.items())
        if amount
    )
    application.requested_amounts.all().delete()
    RequestedAmount.objects.bulk_create(
        RequestedAmount(application=application, project_year=year, amount=amount)
        for year, amount in sorted(requested.items())
        if amount
    )
    application.subcontracting_amount = subcontracting
    application.save(update_fields=["subcontracting_amount", "updated_at"])
    return application


@transaction.atomic
def save_revenues(*, application: Application, actor, revenues: list[dict]) -> Application:
    """Replace the other revenues with `revenues` (dicts of kind, source, project_year, amount, is_confirmed)."""
    application = _editable(application, actor, Section.REVENUES)
    application.revenues.all().delete()
    Revenue.objects.bulk_create(
        Revenue(
            application=application,
            kind=revenue["kind"],
            source=normalize_text(revenue["source"]),
            project_year=revenue["project_year"],
            amount=revenue["amount"],
            is_confirmed=revenue.get("is_confirmed", False),
        )
        for revenue in revenues
    )
    return application


@transaction.atomic
def add_attachment(*, application: Application, actor, document_type, upload) -> Attachment:
    """Store an uploaded document (already validated by the form) under a random name with its SHA-256."""
    application = _editable(application, actor, Section.DOCUMENTS)
    required = application.call.required_documents.filter(document_type=document_type).first()
    if required is None:
        raise ApplicationError(_("This call does not ask for this kind of document."))
    if application.attachments.filter(document_type=document_type).count() >= required.max_files:
        raise ApplicationError(
            _("You already attached %(max)d file(s) of this kind; remove one before adding another.")
            % {"max": required.max_files}
        )
    digest = hashlib.sha256()
    for chunk in upload.chunks():
        digest.update(chunk)
    upload.seek(0)
    kind = detect_file_type(upload)
    from common.files import ALLOWED_TYPES

    return Attachment.objects.create(
        application=application,
        document_type=document_type,
        file=upload,
        filename=normalize_text(upload.name)[:255],
        content_type=ALLOWED_TYPES[kind].mime_type if kind else "application/octet-stream",
        size=upload.size,
        sha256=digest.hexdigest(),
        uploaded_by=actor,
    )


@transaction.atomic
def remove_attachment(*, attachment: Attachment, actor) -> None:
    _editable(attachment.application, actor, Section.DOCUMENTS)
    attachment.file.delete(save=False)
    attachment.delete()


# Submission


def submit_application(*, application: Application, actor) -> Application:
    """Submit a complete draft before the deadline (or the extension granted to this file).

    Side effects, in order: the next reference number of the call, the state change and its history entry,
    then after commit the receipt PDF and the confirmation e-mail to every member.
    A second identical request raises AlreadyDone and changes nothing.
    """
    now = timezone.now()
    with transaction.atomic():
        application = _lock(application)
        if application.state != ApplicationState.DRAFT:
            if application.submitted_at is not None:
                raise AlreadyDone(
                    _("This application was already submitted on %(when)s under number %(reference)s.")
                    % {"when": long_datetime(application.submitted_at), "reference": application.reference}
                )
            raise ApplicationError(_("This application can no longer be submitted."))
        if not _is_representative(actor, application):
            raise ApplicationError(_("Only the organization's representative (mandataire) can submit the application."))
        if not application.accepts_submission(now):
            raise ApplicationError(
                _("The deadline was %(deadline)s (Montréal time); the application can no longer be submitted.")
                % {"deadline": long_datetime(application.deadline())}
            )
        problems = application_problems(application)
        if problems:
            raise ApplicationError(
                _("The application is not complete: %(count)d problem(s) remain on the review page.")
                % {"count": len(problems)}
            )
        sequence, _created = CallSequence.objects.select_for_update().get_or_create(call_id=application.call_id)
        sequence.last_number += 1
        sequence.save(update_fields=["last_number"])
        application.sequence = sequence.last_number
        application.reference = f"{application.call.code}-{sequence.last_number:04d}"
        application.submitted_at = now
        application.submitted_by = actor
        _transition(
            application,
            "submit",
            "applications.application.submitted",
            actor=actor,
            reason=_("Reference number %(reference)s.") % {"reference": application.reference},
            fields=["sequence", "reference", "submitted_at", "submitted_by"],
        )
        queue_document(owner=application, kind="applications.receipt", actor=actor)
        queue_document(owner=application, kind="applications.summary", actor=actor)
        _notify_members(
            application,
            event="applications.submitted",
            template="emails/applications/submitted",
            key=f"applications.submitted:{application.pk}",
            context={
                "reference": application.reference,
                "title": application.title,
                # ISO 8601, so that each e-mail shows the instant in its recipient's language.
                "submitted_at": now.isoformat(),
            },
        )
    logger.info("Application %s submitted as %s.", application.pk, application.reference)
    return application


def withdraw_application(*, application: Application, actor, reason: str) -> Application:
    reason = normalize_text(reason)
    if not reason:
        raise ApplicationError(_("Give the reason for the withdrawal."))
    with transaction.atomic():
        application = _lock(application)
        if application.state == ApplicationState.WITHDRAWN:
            raise AlreadyDone(_("This application was already withdrawn."))
        if not _is_representative(actor, application):
            raise ApplicationError(
                _("Only the organization's representative (mandataire) can withdraw the application.")
            )
        if not can_proceed(application.withdraw):
            raise ApplicationError(_("A decision was made on this application; it can no longer be withdrawn."))
        application.withdrawal_reason = reason
        _transition(
            application,
            "withdraw",
            "applications.application.withdrawn",
            actor=actor,
            reason=reason,
            fields=["withdrawal_reason"],
        )
    return application


# Screening


def take_charge(*, application: Application, actor) -> Application:
    _require_officer(actor)
    with transaction.atomic():
        application = _lock(application)
        if application.state != ApplicationState.SUBMITTED:
            if application.officer_id == actor.pk:
                raise AlreadyDone(_("You already have this file in charge."))
            raise ApplicationError(_("This file is not waiting to be taken in charge."))
        application.officer = actor
        _transition(
            application, "take_charge", "applications.application.taken_in_charge", actor=actor, fields=["officer"]
        )
    return application


@transaction.atomic
def save_screening(*, application: Application, actor, answers: dict[int, tuple[str, str]]) -> Application:
    """Record the officer's answers: question id → (answer, comment). Partial answers are kept."""
    _require_officer(actor)
    application = _lock(application)
    if application.state not in (ApplicationState.SCREENING, ApplicationState.INCOMPLETE):
        raise ApplicationError(_("The screening checklist can be changed only while the file is being screened."))
    questions = set(application.call.screening_questions.values_list("pk", flat=True))
    for question_id, (answer, comment) in answers.items():
        if question_id not in questions:
            continue
        ScreeningAnswer.objects.update_or_create(
            application=application,
            question_id=question_id,
            defaults={"answer": answer, "comment": normalize_text(comment), "answered_by": actor},
        )
    record_transition(
        subject=application,
        transition="applications.application.screening_saved",
        source=application.state,
        target=application.state,
        actor=actor,
    )
    return application


def request_information(
    *, application: Application, actor, sections: list[str], items: str, respond_by: date
) -> InformationRequest:
    """Ask the organization for missing items; only `sections` reopen for it until it resubmits.

    Side effects, in order: the request row, the state change and its history entry, then after commit the
    request letter PDF and an e-mail to every member.
    """
    _require_officer(actor)
    items = normalize_text(items)
    if not sections or not items:
        raise ApplicationError(_("List the missing items and choose the sections to reopen."))
    if respond_by <= timezone.localdate():
        raise ApplicationError(_("The response date must be after today."))
    with transaction.atomic():
        application = _lock(application)
        if application.state == ApplicationState.INCOMPLETE:
            raise AlreadyDone(_("Information was already requested; wait for the organization's answer."))
        if application.state != ApplicationState.SCREENING:
            raise ApplicationError(_("Information can be requested only while the file is being screened."))
        request = InformationRequest.objects.create(
            application=application, sections=sections, items=items, respond_by=respond_by, requested_by=actor
        )
        application.reopened_sections = sections
        _transition(
            application,
            "request_information",
            "applications.application.information_requested",
            actor=actor,
            reason=items,
            fields=["reopened_sections"],
        )
        queue_document(owner=application, kind="applications.information_request", actor=actor)
        _notify_members(
            application,
            event="applications.information_requested",
            template="emails/applications/information_requested",
            key=f"applications.information_requested:{request.pk}",
            context={"reference": application.reference, "items": items, "respond_by": respond_by.isoformat()},
        )
    return request


def resubmit_application(*, application: Application, actor) -> Application:
    """Send the completed sections back to the officer; the file returns to screening."""
    with transaction.atomic():
        application = _lock(application)
        if application.state == ApplicationState.SCREENING:
            raise AlreadyDone(_("The information was already sent."))
        if application.state != ApplicationState.INCOMPLETE:
            raise ApplicationError(_("No information is requested for this application."))
        if not _is_representative(actor, application):
            raise ApplicationError(_("Only the organization's representative (mandataire) can send the information."))
        problems = application_problems(application)
        if problems:
            raise ApplicationError(
                _("The application is not complete: %(count)d problem(s) remain on the review page.")
                % {"count": len(problems)}
            )
        application.information_requests.filter(answered_at__isnull=True).update(answered_at=timezone.now())
        application.reopened_sections = []
        _transition(
            application,
            "resubmit",
            "applications.application.resubmitted",
            actor=actor,
            fields=["reopened_sections"],
        )
        # The committee reads the summary: a new version carries the completed sections.
        queue_document(owner=application, kind="applications.summary", actor=actor)
        if application.officer_id:
            notify(
                recipient=application.officer,
                event="applications.resubmitted",
                key=f"applications.resubmitted:{application.pk}:{timezone.now().timestamp()}",
                template="emails/applications/resubmitted",
                context={"reference": application.reference},
                subject=application,
                link=reverse("applications:screening", kwargs={"pk": application.pk}),
            )
    return application


def declare_inadmissible(*, application: Application, actor, reason_code: str, details: str) -> Application:
    """Close the file as inadmissible, with a reason; a French letter is issued and e-mailed.

    From `incomplete`, only once the response date of the information request has passed.
    """
    _require_officer(actor)
    details = normalize_text(details)
    if not reason_code or not details:
        raise ApplicationError(_("Choose a reason and explain it; the organization receives this text in a letter."))
    with transaction.atomic():
        application = _lock(application)
        if application.state == ApplicationState.INADMISSIBLE:
            raise AlreadyDone(_("This file was already declared inadmissible."))
        if application.state == ApplicationState.INCOMPLETE:
            request = application.information_requests.order_by("-requested_at").first()
            if request and request.respond_by >= timezone.localdate():
                raise ApplicationError(
                    _("The organization has until %(date)s to answer; wait for that date.")
                    % {"date": long_date(request.respond_by)}
                )
        if not can_proceed(application.declare_inadmissible):
            raise ApplicationError(_("Only a file being screened can be declared inadmissible."))
        application.inadmissibility_reason = reason_code
        application.inadmissibility_details = details
        _transition(
            application,
            "declare_inadmissible",
            "applications.application.declared_inadmissible",
            actor=actor,
            reason=details,
            fields=["inadmissibility_reason", "inadmissibility_details"],
        )
        queue_document(owner=application, kind="applications.inadmissibility_letter", actor=actor)
        _notify_members(
            application,
            event="applications.declared_inadmissible",
            template="emails/applications/declared_inadmissible",
            key=f"applications.declared_inadmissible:{application.pk}",
            context={"reference": application.reference, "title": application.title},
        )
    return application


def declare_receivable(*, application: Application, actor) -> Application:
    """Send the file to review once every screening question of the call is answered."""
    _require_officer(actor)
    with transaction.atomic():
        application = _lock(application)
        if application.state == ApplicationState.UNDER_REVIEW:
            raise AlreadyDone(_("This file was already declared receivable."))
        if application.state != ApplicationState.SCREENING:
            raise ApplicationError(_("Only a file being screened can be declared receivable."))
        answered = set(application.screening_answers.values_list("question_id", flat=True))
        missing = application.call.screening_questions.exclude(pk__in=answered).count()
        if missing:
            raise ApplicationError(
                _("Answer every question of the screening checklist first (%(count)d left).") % {"count": missing}
            )
        if application.screening_answers.filter(answer=ScreeningAnswer.Answer.NO).exists():
            raise ApplicationError(
                _("A screening answer is « no »: declare the file inadmissible, or correct the answer.")
            )
        _transition(application, "declare_receivable", "applications.application.declared_receivable", actor=actor)
        _notify_members(
            application,
            event="applications.declared_receivable",
            template="emails/applications/declared_receivable",
            key=f"applications.declared_receivable:{application.pk}",
            context={"reference": application.reference, "title": application.title},
        )
    return application


def grant_extension(*, application: Application, actor, until: datetime, reason: str) -> Application:
    """Let this file be submitted until `until`, whatever the call's deadline."""
    _require_officer(actor)
    reason = normalize_text(reason)
    if not reason:
        raise ApplicationError(_("Give the reason for the extension."))
    if until <= timezone.now():
        raise ApplicationError(_("The new deadline must be in the future."))
    with transaction.atomic():
        application = _lock(application)
        if application.state != ApplicationState.DRAFT:
            raise ApplicationError(_("Only an application not yet submitted can get an extension."))
        if application.extended_until == until:
            raise AlreadyDone(_("This extension was already granted."))
        application.extended_until = until
        application.save(update_fields=["extended_until", "updated_at"])
        record_transition(
            subject=application,
            transition="applications.application.extension_granted",
            source=application.state,
            target=application.state,
            actor=actor,
            reason=_("Until %(when)s: %(reason)s") % {"when": long_datetime(until), "reason": reason},
        )
    return application
