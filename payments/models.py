"""The funding agreement (convention d'aide financière), its installments (versements) and its reports.

Every amount is a Decimal. The installments of an agreement always add up to the agreement total, to the
cent: payments.schedule builds them that way and payments.services refuses any edit that would not.
"""

from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from django_fsm import RETURN_VALUE, ConcurrentTransitionMixin, FSMField, transition

from applications.models import Application
from common.fiscal import fiscal_year_of
from common.storage import random_upload_name
from grants.models import Clientele, ExpenseCategory

MONEY = {"max_digits": 12, "decimal_places": 2, "validators": [MinValueValidator(0)]}


class AgreementState(models.TextChoices):
    DRAFT = "draft", pgettext_lazy("agreement state", "Draft")
    SENT_FOR_SIGNATURE = "sent_for_signature", pgettext_lazy("agreement state", "Sent for signature")
    SIGNED_BY_ORGANIZATION = "signed_by_organization", pgettext_lazy("agreement state", "Signed by the organization")
    ACTIVE = "active", pgettext_lazy("agreement state", "Active")
    COMPLETED = "completed", pgettext_lazy("agreement state", "Completed")
    TERMINATED = "terminated", pgettext_lazy("agreement state", "Terminated")


class Agreement(ConcurrentTransitionMixin, models.Model):
    """The agreement of an approved application: amounts by project year, conditions and signatures."""

    application = models.OneToOneField(
        Application, on_delete=models.PROTECT, related_name="agreement", verbose_name=_("application")
    )
    state = FSMField(
        _("state"), default=AgreementState.DRAFT, choices=AgreementState.choices, protected=True, db_index=True
    )
    total = models.DecimalField(_("agreement total"), **MONEY)
    holdback_percent = models.DecimalField(_("holdback, in percent of the total"), max_digits=5, decimal_places=2)
    starts_on = models.DateField(_("project start"))
    ends_on = models.DateField(_("project end"))
    conditions = models.TextField(_("conditions"), max_length=10000, blank=True)

    sent_at = models.DateTimeField(_("sent for signature at"), null=True, blank=True)
    sent_document_sha256 = models.CharField(_("SHA-256 of the document sent"), max_length=64, blank=True)

    signer_name = models.CharField(_("signatory's name"), max_length=200, blank=True)
    signer_title = models.CharField(_("signatory's title"), max_length=200, blank=True)
    signed_at = models.DateTimeField(_("signed by the organization at"), null=True, blank=True)
    signed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    signed_document_sha256 = models.CharField(_("SHA-256 of the document signed"), max_length=64, blank=True)
    signed_file = models.FileField(upload_to=random_upload_name, max_length=255, blank=True)
    signed_filename = models.CharField(_("file name of the signed copy"), max_length=255, blank=True)

    countersigned_at = models.DateTimeField(_("countersigned at"), null=True, blank=True)
    countersigned_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    eligible_expenses = models.DecimalField(_("eligible actual expenses"), **MONEY, null=True, blank=True)
    final_payment = models.DecimalField(_("final payment"), **MONEY, null=True, blank=True)
    amount_to_recover = models.DecimalField(_("amount to recover"), **MONEY, null=True, blank=True)
    termination_reason = models.TextField(_("termination reason"), max_length=5000, blank=True)
    terminated_at = models.DateTimeField(_("terminated at"), null=True, blank=True)

    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("agreement")
        verbose_name_plural = _("agreements")
        ordering = ["-created_at", "pk"]
        # Created in SQL by migration 0002, and declared here so that the model shows every index it has.
        indexes = [models.Index(fields=["-created_at", "id"], name="agreement_list_order_idx")]

    def __str__(self):
        return self.reference

    @property
    def reference(self) -> str:
        return self.application.reference

    @property
    def is_signed_by_organization(self) -> bool:
        return self.signed_at is not None

    @transition(field=state, source=AgreementState.DRAFT, target=AgreementState.SENT_FOR_SIGNATURE)
    def send_for_signature(self):
        pass

    @transition(
        field=state,
        source=[AgreementState.SENT_FOR_SIGNATURE, AgreementState.SIGNED_BY_ORGANIZATION],
        target=AgreementState.DRAFT,
    )
    def revise(self):
        pass

    @transition(field=state, source=AgreementState.SENT_FOR_SIGNATURE, target=AgreementState.SIGNED_BY_ORGANIZATION)
    def sign(self):
        pass

    @transition(field=state, source=AgreementState.SIGNED_BY_ORGANIZATION, target=AgreementState.ACTIVE)
    def countersign(self):
        pass

    @transition(field=state, source=AgreementState.ACTIVE, target=AgreementState.COMPLETED)
    def complete(self):
        pass

    @transition(field=state, source=AgreementState.ACTIVE, target=AgreementState.TERMINATED)
    def terminate(self):
        pass


class AgreementYear(models.Model):
    """The amount granted for one project year, with its dates."""

    agreement = models.ForeignKey(Agreement, on_delete=models.CASCADE, related_name="years")
    number = models.PositiveSmallIntegerField(_("project year"))
    starts_on = models.DateField(_("start"))
    ends_on = models.DateField(_("end"))
    amount = models.DecimalField(_("amount granted"), **MONEY)

    class Meta:
        verbose_name = _("project year of the agreement")
        verbose_name_plural = _("project years of the agreement")
        ordering = ["agreement", "number"]
        constraints = [models.UniqueConstraint(fields=["agreement", "number"], name="agreementyear_unique_number")]

    def __str__(self):
        return f"{self.number}: {self.amount}"


class ReportKind(models.TextChoices):
    PROGRESS = "progress", _("Progress report")
    FINAL = "final", _("Final report")


class ReportState(models.TextChoices):
    EXPECTED = "expected", pgettext_lazy("report state", "Expected")
    SUBMITTED = "submitted", pgettext_lazy("report state", "Submitted")
    REVISION_REQUESTED = "revision_requested", pgettext_lazy("report state", "Revision requested")
    ACCEPTED = "accepted", pgettext_lazy("report state", "Accepted")


class Report(ConcurrentTransitionMixin, models.Model):
    """A progress report on one project year, or the final report. « Overdue » is computed, never stored."""

    agreement = models.ForeignKey(Agreement, on_delete=models.CASCADE, related_name="reports")
    kind = models.CharField(_("kind"), max_length=10, choices=ReportKind.choices)
    # The project year a progress report covers; 0 for the final report, so that the pair stays unique.
    number = models.PositiveSmallIntegerField(_("number"))
    state = FSMField(
        _("state"), default=ReportState.EXPECTED, choices=ReportState.choices, protected=True, db_index=True
    )
    due_on = models.DateField(_("due date"), db_index=True)

    activities = models.TextField(_("activities carried out"), max_length=10000, blank=True)
    indicators = models.TextField(_("indicators"), max_length=5000, blank=True)
    difficulties = models.TextField(_("difficulties encountered"), max_length=5000, blank=True)
    results = models.TextField(_("results against the objectives"), max_length=10000, blank=True)

    submitted_at = models.DateTimeField(_("submitted at"), null=True, blank=True)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    reviewed_at = models.DateTimeField(_("reviewed at"), null=True, blank=True)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    revision_comments = models.TextField(_("revision requested"), max_length=5000, blank=True)

    class Meta:
        verbose_name = _("report")
        verbose_name_plural = _("reports")
        ordering = ["agreement", "due_on", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["agreement", "kind", "number"], name="report_unique_number"),
        ]

    def __str__(self):
        return f"{self.agreement_id}: {self.kind} {self.number}"

    @property
    def is_final(self) -> bool:
        return self.kind == ReportKind.FINAL

    def is_overdue(self, today=None) -> bool:
        """Return whether the report is still owed after its due date, compared with the local date."""
        today = today or timezone.localdate()
        return self.state in (ReportState.EXPECTED, ReportState.REVISION_REQUESTED) and self.due_on < today

    @transition(
        field=state, source=[ReportState.EXPECTED, ReportState.REVISION_REQUESTED], target=ReportState.SUBMITTED
    )
    def submit(self):
        pass

    @transition(field=state, source=ReportState.SUBMITTED, target=ReportState.REVISION_REQUESTED)
    def request_revision(self):
        pass

    @transition(field=state, source=ReportState.SUBMITTED, target=ReportState.ACCEPTED)
    def accept(self):
        pass


class ReportReach(models.Model):
    """People reached by the project, for one clientele."""

    report = models.ForeignKey(Report, on_delete=models.CASCADE, related_name="reach")
    clientele = models.ForeignKey(Clientele, on_delete=models.PROTECT, related_name="+")
    people = models.PositiveIntegerField(_("people reached"))

    class Meta:
        ordering = ["report", "clientele__position"]
        constraints = [models.UniqueConstraint(fields=["report", "clientele"], name="reportreach_unique_clientele")]

    def __str__(self):
        return f"{self.clientele_id}: {self.people}"


class ReportExpense(models.Model):
    """Expenses of one category: to date for a progress report (year 0), by project year for the final report."""

    report = models.ForeignKey(Report, on_delete=models.CASCADE, related_name="expenses")
    category = models.ForeignKey(ExpenseCategory, on_delete=models.PROTECT, related_name="+")
    project_year = models.PositiveSmallIntegerField(_("project year"), default=0)
    amount = models.DecimalField(_("amount"), **MONEY)

    class Meta:
        ordering = ["report", "project_year", "category__position"]
        constraints = [
            models.UniqueConstraint(fields=["report", "category", "project_year"], name="reportexpense_unique_cell")
        ]

    def __str__(self):
        return f"{self.category_id} ({self.project_year}): {self.amount}"


class ReportRevenue(models.Model):
    """A revenue other than the program actually received, declared in the final report."""

    report = models.ForeignKey(Report, on_delete=models.CASCADE, related_name="revenues")
    source = models.CharField(_("source"), max_length=200)
    amount = models.DecimalField(_("amount"), **MONEY)

    class Meta:
        ordering = ["report", "pk"]

    def __str__(self):
        return f"{self.source}: {self.amount}"


class ReportAttachment(models.Model):
    """A document attached to a report, stored privately under a random name."""

    report = models.ForeignKey(Report, on_delete=models.CASCADE, related_name="attachments")
    file = models.FileField(upload_to=random_upload_name, max_length=255)
    filename = models.CharField(_("file name"), max_length=255)
    content_type = models.CharField(max_length=120)
    size = models.PositiveIntegerField(_("size in bytes"))
    sha256 = models.CharField(max_length=64)
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    uploaded_at = models.DateTimeField(_("uploaded at"), auto_now_add=True)

    class Meta:
        ordering = ["report", "uploaded_at", "pk"]

    def __str__(self):
        return self.filename


class InstallmentKind(models.TextChoices):
    PROJECT_YEAR = "project_year", _("Project year")
    HOLDBACK = "holdback", _("Holdback")
    UNUSED = "unused", _("Unused holdback")


class InstallmentState(models.TextChoices):
    SCHEDULED = "scheduled", pgettext_lazy("installment state", "Scheduled")
    DUE = "due", pgettext_lazy("installment state", "Due")
    APPROVED = "approved", pgettext_lazy("installment state", "Approved for payment")
    PAID = "paid", pgettext_lazy("installment state", "Paid")
    WITHHELD = "withheld", pgettext_lazy("installment state", "Withheld")
    CANCELLED = "cancelled", pgettext_lazy("installment state", "Cancelled")

    @classmethod
    def pending(cls):
        """States of an installment that may still be paid."""
        return [cls.SCHEDULED, cls.DUE, cls.APPROVED, cls.WITHHELD]


class Installment(ConcurrentTransitionMixin, models.Model):
    """One payment of the agreement, released when its gate holds: activation, a progress report or the final report.

    Installment 1 becomes due at activation, so it has no gate report. Installment N + 1 waits for the progress
    report on year N, and the holdback waits for the final report: `gate_report` points to that report.
    """

    agreement = models.ForeignKey(Agreement, on_delete=models.CASCADE, related_name="installments")
    number = models.PositiveSmallIntegerField(_("number"))
    kind = models.CharField(_("kind"), max_length=20, choices=InstallmentKind.choices)
    project_year = models.PositiveSmallIntegerField(_("project year"), null=True, blank=True)
    gate_report = models.ForeignKey(
        Report, on_delete=models.PROTECT, null=True, blank=True, related_name="gated_installments"
    )
    amount = models.DecimalField(_("amount"), **MONEY)
    due_on = models.DateField(_("planned date"), db_index=True)
    # The fiscal year of `due_on`, kept for the envelope sums; save() sets it.
    fiscal_year = models.CharField(_("fiscal year"), max_length=9, db_index=True, editable=False)
    state = FSMField(
        _("state"), default=InstallmentState.SCHEDULED, choices=InstallmentState.choices, protected=True, db_index=True
    )
    became_due_at = models.DateTimeField(_("became due at"), null=True, blank=True)
    approved_at = models.DateTimeField(_("approved at"), null=True, blank=True)
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    paid_on = models.DateField(_("payment date"), null=True, blank=True)
    payment_reference = models.CharField(_("payment reference"), max_length=60, blank=True)
    paid_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    withheld_reason = models.TextField(_("reason withheld"), max_length=5000, blank=True)

    class Meta:
        verbose_name = _("installment")
        verbose_name_plural = _("installments")
        ordering = ["agreement", "number"]
        # The sum paid per agreement, and the fiscal-year filter of the agreements list.
        indexes = [
            models.Index(fields=["agreement", "state"], name="installment_agr_state_idx"),
            models.Index(fields=["agreement", "fiscal_year"], name="installment_agr_year_idx"),
        ]
        constraints = [
            models.UniqueConstraint(fields=["agreement", "number"], name="installment_unique_number"),
            models.CheckConstraint(condition=models.Q(amount__gte=0), name="installment_amount_not_negative"),
            # Separation of duties, also in the database: who approves never records the payment.
            models.CheckConstraint(
                condition=~models.Q(approved_by=models.F("paid_by"))
                | models.Q(approved_by__isnull=True)
                | models.Q(paid_by__isnull=True),
                name="installment_two_finance_users",
            ),
        ]

    def __str__(self):
        return f"{self.agreement_id} #{self.number}: {self.amount}"

    def save(self, *args, **kwargs):
        self.fiscal_year = fiscal_year_of(self.due_on).label
        update_fields = kwargs.get("update_fields")
        if update_fields is not None and "due_on" in update_fields:
            kwargs["update_fields"] = {*update_fields, "fiscal_year"}
        super().save(*args, **kwargs)

    @transition(field=state, source=InstallmentState.SCHEDULED, target=InstallmentState.DUE)
    def make_due(self):
        pass

    @transition(field=state, source=InstallmentState.DUE, target=InstallmentState.APPROVED)
    def approve(self):
        pass

    @transition(field=state, source=InstallmentState.APPROVED, target=InstallmentState.PAID)
    def pay(self):
        pass

    @transition(
        field=state, source=[InstallmentState.SCHEDULED, InstallmentState.DUE], target=InstallmentState.WITHHELD
    )
    def withhold(self):
        pass

    @transition(
        field=state,
        source=InstallmentState.WITHHELD,
        target=RETURN_VALUE(InstallmentState.DUE, InstallmentState.SCHEDULED),
    )
    def release(self, gate_open: bool):
        """Return to « due » when its gate holds, otherwise to « scheduled » until it does."""
        return InstallmentState.DUE if gate_open else InstallmentState.SCHEDULED

    @transition(
        field=state,
        source=[InstallmentState.SCHEDULED, InstallmentState.DUE, InstallmentState.WITHHELD, InstallmentState.APPROVED],
        target=InstallmentState.CANCELLED,
    )
    def cancel(self):
        pass
