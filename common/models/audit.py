from django.conf import settings
from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.utils.translation import gettext_lazy as _

# Human labels of the dotted transition codes, filled by each app through common.audit.describe_transitions.
TRANSITION_LABELS: dict[str, str] = {}


class TransitionLog(models.Model):
    """One state change of a business object: what changed, from which state to which, who did it and why."""

    content_type = models.ForeignKey(ContentType, on_delete=models.PROTECT, verbose_name=_("object type"))
    object_id = models.CharField(_("object id"), max_length=64)
    subject = GenericForeignKey("content_type", "object_id")
    transition = models.CharField(_("transition"), max_length=120, help_text=_("Dotted code, e.g. grants.call.closed."))
    source = models.CharField(_("source state"), max_length=40, blank=True)
    target = models.CharField(_("target state"), max_length=40, blank=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("actor"),
        help_text=_("Empty when the system acted on its own, for example a scheduled job."),
    )
    reason = models.TextField(_("reason"), blank=True)
    created_at = models.DateTimeField(_("time"), auto_now_add=True, db_index=True)

    class Meta:
        verbose_name = _("transition log entry")
        verbose_name_plural = _("transition log")
        ordering = ["created_at", "pk"]
        indexes = [models.Index(fields=["content_type", "object_id", "created_at"], name="transitionlog_subject_idx")]

    def __str__(self):
        return f"{self.transition} ({self.source} → {self.target})"

    @property
    def transition_label(self) -> str:
        return str(TRANSITION_LABELS.get(self.transition, self.transition))
