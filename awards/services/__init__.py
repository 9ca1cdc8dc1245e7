"""Every write of the awards app, one function per use case; see each module for its side effects."""

from awards.services.base import AlreadyDone, AwardsError
from awards.services.consent import give_consent, refuse_consent, send_consent_request, withdraw_consent
from awards.services.editions import (
    add_default_categories,
    close_expired_nomination_windows,
    close_nominations,
    create_edition,
    open_nominations,
    rules_problems,
    start_shortlisting,
)
from awards.services.jury import close_round1, declare_conflict, record_cut_decision, save_round1_scores
from awards.services.nominations import (
    add_document,
    nomination_problems,
    remove_document,
    resubmit_nomination,
    save_nomination,
    start_nomination,
    submit_nomination,
    withdraw_nomination,
)
from awards.services.results import announce_results, remove_coup_de_coeur, set_coup_de_coeur, validate_results
from awards.services.screening import declare_eligible, declare_ineligible, request_completion
from awards.services.voting import close_vote, record_casting_vote, recount_category, submit_ballot

__all__ = [
    "AlreadyDone",
    "AwardsError",
    "add_default_categories",
    "add_document",
    "announce_results",
    "close_expired_nomination_windows",
    "close_nominations",
    "close_round1",
    "close_vote",
    "create_edition",
    "declare_conflict",
    "declare_eligible",
    "declare_ineligible",
    "give_consent",
    "nomination_problems",
    "open_nominations",
    "record_casting_vote",
    "record_cut_decision",
    "recount_category",
    "refuse_consent",
    "remove_coup_de_coeur",
    "remove_document",
    "request_completion",
    "resubmit_nomination",
    "rules_problems",
    "save_nomination",
    "save_round1_scores",
    "send_consent_request",
    "set_coup_de_coeur",
    "start_nomination",
    "start_shortlisting",
    "submit_ballot",
    "submit_nomination",
    "validate_results",
    "withdraw_consent",
    "withdraw_nomination",
]
