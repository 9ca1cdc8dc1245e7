from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AwardsConfig(AppConfig):
    name = "awards"
    verbose_name = _("Prize « Ensemble contre l'intimidation »")

    def ready(self):
        from common.audit import describe_transitions, keep_internal

        describe_transitions(
            {
                "awards.edition.created": _("Prize edition created"),
                "awards.edition.nominations_opened": _("Nominations opened; the rules are frozen"),
                "awards.edition.nominations_closed": _("Nominations closed"),
                "awards.edition.shortlisting_started": _("Round 1 (shortlisting) started"),
                "awards.edition.final_vote_opened": _("Round 1 closed; final vote opened"),
                "awards.edition.vote_closed": _("Final vote closed and counted"),
                "awards.edition.results_validated": _("Results validated"),
                "awards.edition.coup_de_coeur_chosen": _("Coup de cœur chosen"),
                "awards.edition.coup_de_coeur_removed": _("Coup de cœur removed"),
                "awards.edition.announced": _("Results announced"),
                "awards.category.cut_decided": _("Jury decision recorded for a tie at the finalist cut"),
                "awards.category.recounted": _("Final vote counted again"),
                "awards.category.casting_vote": _("Jury president's casting vote recorded"),
                "awards.nomination.created": _("Nomination started"),
                "awards.nomination.submitted": _("Nomination submitted"),
                "awards.nomination.completion_requested": _("Completion requested"),
                "awards.nomination.resubmitted": _("Nomination completed and submitted again"),
                "awards.nomination.declared_eligible": _("Nomination declared eligible"),
                "awards.nomination.declared_ineligible": _("Nomination declared ineligible"),
                "awards.nomination.retained": _("Selected as a finalist"),
                "awards.nomination.not_retained": _("Not selected as a finalist"),
                "awards.nomination.awarded": _("Named laureate"),
                "awards.nomination.withdrawn": _("Nomination withdrawn"),
                "awards.nomination.consent_requested": _("Consent requested from the nominee"),
                "awards.nomination.consent_given": _("Nominee's consent given"),
                "awards.nomination.consent_refused": _("Nominee's consent refused"),
                "awards.nomination.consent_withdrawn": _("Nominee's consent withdrawn"),
                "awards.nomination.consent_reset": _("Nominee changed; consent must be asked again"),
                "awards.ballot.submitted": _("Ballot submitted"),
                "awards.ballot.abstained": _("Abstention submitted"),
            }
        )
        # The nominator sees these steps on the timeline, but not who on the staff or the jury took them.
        keep_internal(
            {
                "awards.nomination.declared_eligible",
                "awards.nomination.declared_ineligible",
                "awards.nomination.completion_requested",
                "awards.nomination.retained",
                "awards.nomination.not_retained",
                "awards.nomination.awarded",
            }
        )
