"""Signals of the decision services, so that a later step (payments) acts on a decision that reviews never imports."""

from django.dispatch import Signal

# Sent inside the approval's transaction with `application` and `actor`, once the file is approved.
application_approved = Signal()
