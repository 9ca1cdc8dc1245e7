from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from common.storage import random_upload_name


class ExportFormat(models.TextChoices):
    CSV = "csv", "CSV"
    XLSX = "xlsx", "XLSX"


class ExportState(models.TextChoices):
    PENDING = "pending", _("Waiting to start")
    RUNNING = "running", _("In progress")
    DONE = "done", _("Ready")
    FAILED = "failed", _("Failed")


IN_PROGRESS = (ExportState.PENDING, ExportState.RUNNING)


class ExportJob(models.Model):
    """A large export of a staff list, built by a Celery task for one user, then downloaded by that user.

    The rows are read again in the task with the user's scope and the list's filters, kept in `parameters`
    as a sorted query string. One job per user, list, format and filters may be in progress at a time.
    """

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="export_jobs")
    export_name = models.CharField(_("list"), max_length=60)
    file_format = models.CharField(_("format"), max_length=8, choices=ExportFormat.choices)
    parameters = models.CharField(_("filters"), max_length=2000, blank=True)
    language = models.CharField(_("language"), max_length=8, default="fr")
    state = models.CharField(_("state"), max_length=20, choices=ExportState.choices, default=ExportState.PENDING)
    total = models.PositiveIntegerField(_("rows"), default=0)
    processed = models.PositiveIntegerField(_("rows written"), default=0)
    file = models.FileField(_("file"), upload_to=random_upload_name, max_length=255, blank=True)
    filename = models.CharField(_("file name"), max_length=255, blank=True)
    created_at = models.DateTimeField(_("requested at"), auto_now_add=True)
    started_at = models.DateTimeField(_("started at"), null=True, blank=True)
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)

    class Meta:
        verbose_name = _("export")
        verbose_name_plural = _("exports")
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["user", "export_name", "file_format", "parameters"],
                condition=models.Q(state__in=IN_PROGRESS),
                name="export_job_one_in_progress",
            )
        ]

    def __str__(self):
        return f"{self.export_name}.{self.file_format} ({self.get_state_display()})"

    @property
    def percent(self) -> int:
        if self.state == ExportState.DONE:
            return 100
        return min(100, self.processed * 100 // self.total) if self.total else 0

    @property
    def in_progress(self) -> bool:
        return self.state in IN_PROGRESS
