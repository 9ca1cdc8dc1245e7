"""Receivers of the signals of earlier steps: an approved file gets its draft agreement."""

from django.dispatch import receiver

from reviews.signals import application_approved


@receiver(application_approved, dispatch_uid="payments.create_agreement_on_approval")
def create_agreement_on_approval(sender, *, application, actor, **kwargs):
    from payments.services import create_agreement

    create_agreement(application=application, actor=actor)
