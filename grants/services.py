"""Every write on calls for projects."""

import logging

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django_fsm import can_proceed

from common.audit import record_transition
from grants.models import Call

logger = logging.getLogger(__name__)


class CallTransitionError(Exception):
    """The call is not in a state that allows the requested change; the message is for the user."""


def _run_transition(*, call: Call, method: str, code: str, actor, reason: str) -> Call:
    with transaction.atomic():
        call = Call.objects.select_for_update().get(pk=call.pk)
        transition = getattr(call, method)
        if not can_proceed(transition):
            raise CallTransitionError(
                _("This call is %(state)s; this change is not possible now.") % {"state": call.get_state_display()}
            )
        source = call.state
        transition()
        call.save(update_fields=["state"])
        record_transition(subject=call, transition=code, source=source, target=call.state, actor=actor, reason=reason)
    return call


def publish_call(*, call: Call, actor, reason: str = "") -> Call:
    """Publish a draft call; it accepts applications from its opening instant until its deadline."""
    if not call.criteria.exists():
        raise CallTransitionError(_("Add the rubric criteria before publishing the call."))
    if not call.envelopes.exists():
        raise CallTransitionError(_("Add the envelope of at least one fiscal year before publishing the call."))
    return _run_transition(call=call, method="publish", code="grants.call.published", actor=actor, reason=reason)


def close_call(*, call: Call, actor, reason: str = "") -> Call:
    return _run_transition(call=call, method="close", code="grants.call.closed", actor=actor, reason=reason)


def archive_call(*, call: Call, actor, reason: str = "") -> Call:
    return _run_transition(call=call, method="archive", code="grants.call.archived", actor=actor, reason=reason)


def close_expired_calls(*, now=None) -> list[Call]:
    """Close every published call whose deadline has passed, once each; return the calls this run closed.

    Each call is locked and re-checked, so two runs at the same time close a call only once.
    """
    now = now or timezone.now()
    closed = []
    for call_id in Call.objects.expired(now).values_list("pk", flat=True):
        with transaction.atomic():
            call = Call.objects.select_for_update(skip_locked=True).filter(pk=call_id).first()
            if call is None or not call.has_expired(now):
                continue
            source = call.state
            call.close()
            call.save(update_fields=["state"])
            record_transition(
                subject=call,
                transition="grants.call.closed",
                source=source,
                target=call.state,
                actor=None,
                reason=_("Deadline passed: closed automatically."),
            )
        logger.info("Call %s (%s) closed: its deadline %s has passed.", call.pk, call.code, call.closes_at.isoformat())
        closed.append(call)
    return closed
