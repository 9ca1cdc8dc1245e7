from django.conf import settings
from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.utils.translation import gettext_lazy as _

from common.storage import random_upload_name


class Document(models.Model):
    """A generated PDF attached to a business object, kept in every version with its SHA-256."""

    content_type = models.ForeignKey(ContentType, on_delete=models.PROTECT)
    object_id = models.CharField(max_length=64)
    owner = GenericForeignKey("content_type", "object_id")
    kind = models.CharField(_("kind"), max_length=60)
    version = models.PositiveIntegerField(_("version"))
    language = models.CharField(_("language"), max_length=8, default="fr")
    file = models.FileField(_("file"), upload_to=random_upload_name, max_length=255)
    filename = models.CharField(_("file name"), max_length=255)
    sha256 = models.CharField(_("SHA-256"), max_length=64)
    size = models.PositiveIntegerField(_("size in bytes"))
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        verbose_name = _("document")
        verbose_name_plural = _("documents")
        ordering = ["kind", "-version"]
        constraints = [
            models.UniqueConstraint(
                fields=["content_type", "object_id", "kind", "version"], name="document_unique_version"
            )
        ]

    def __str__(self):
        return f"{self.filename} (v{self.version})"
