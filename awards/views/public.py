"""The public prize pages, open without an account: the prize, the results of each announced edition, and the
page where a nominee gives, refuses or withdraws consent through the e-mailed link.

Results come only from awards.selectors.public_results, which returns nothing before an edition is announced.
The templates show each nominee's `public_name`, which is empty for a nominee who has not consented.
"""

import logging

from django.contrib import messages
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import path
from django.utils import timezone
from django.utils.decorators import method_decorator
from django.utils.translation import gettext as _
from django.views import View
from django.views.decorators.cache import never_cache

from awards import selectors, services
from awards.forms_nomination import ConsentForm
from awards.models import MAX_DOCUMENTS, ConsentStatus, EditionState, NominationState, PrizeEdition

logger = logging.getLogger(__name__)

# Editions the public may know about: every state after the draft.
PUBLIC_STATES = [state for state in EditionState.values if state != EditionState.DRAFT]


class PrizeView(View):
    """The prize: the current edition's categories and nomination window, and the results of announced editions."""

    def get(self, request):
        editions = list(PrizeEdition.objects.filter(state__in=PUBLIC_STATES).select_related("program"))
        announced = [edition for edition in editions if edition.state == EditionState.ANNOUNCED]
        latest = announced[0] if announced else None
        # The current edition is the newest one, until its results are announced.
        current = editions[0] if editions and editions[0].state != EditionState.ANNOUNCED else None
        shown = current or latest
        context = {
            "current": current,
            "accepting": current is not None and current.is_accepting_nominations(),
            "opens_later": current is not None
            and current.state == EditionState.NOMINATIONS_OPEN
            and timezone.now() < current.nominations_open_at,
            "max_documents": MAX_DOCUMENTS,
            "categories": list(shown.categories.order_by("position", "code")) if shown else [],
            "program": shown.program if shown else None,
            "latest": latest,
            "latest_results": selectors.public_results(latest) if latest else None,
            "announced": announced,
        }
        return render(request, "awards/public/prize.html", context)


class EditionResultsView(View):
    """The laureates and finalists of one edition, once its results are announced; 404 before."""

    def get(self, request, pk):
        edition = get_object_or_404(PrizeEdition, pk=pk, state=EditionState.ANNOUNCED)
        context = {"edition": edition, "results": selectors.public_results(edition)}
        return render(request, "awards/public/edition_results.html", context)


@method_decorator(never_cache, name="dispatch")
class ConsentView(View):
    """The page where the nominee gives, refuses or withdraws consent through the e-mailed link.

    GET only shows the page, and each POST calls one service. An unknown or replaced token gets a page that
    says so, with status 404.
    """

    template_name = "awards/public/consent.html"

    def dispatch(self, request, *args, **kwargs):
        self.nomination = selectors.nomination_for_consent_token(kwargs["token"])
        if self.nomination is None:
            return render(request, "awards/public/consent_invalid.html", status=404)
        return super().dispatch(request, *args, **kwargs)

    def get(self, request, token):
        return self.render(ConsentForm())

    def post(self, request, token):
        form = ConsentForm(request.POST)
        if not form.is_valid():
            return self.render(form)
        action = form.cleaned_data["action"]
        try:
            self.record(action, token, form.cleaned_data["reason"])
        except services.AlreadyDone as error:
            messages.info(request, str(error))
            return redirect("awards:consent", token=token)
        except services.AwardsError as error:
            form.add_error(None, str(error))
            return self.render(form)
        return redirect("awards:consent", token=token)

    def record(self, action: str, token: str, reason: str) -> None:
        if action == "give":
            services.give_consent(token=token)
            messages.success(self.request, _("Thank you: your consent is recorded. The nominator is informed."))
        elif action == "refuse":
            services.refuse_consent(token=token)
            messages.success(
                self.request,
                _("Your refusal is recorded. The nomination will not be examined, and the nominator is informed."),
            )
        else:
            services.withdraw_consent(token=token, reason=reason)
            messages.success(
                self.request, _("Your consent is withdrawn, and with it the nomination. The nominator is informed.")
            )

    def render(self, form):
        nomination = self.nomination
        status = nomination.consent_status
        open_for_answer = nomination.state in NominationState.before_screening_decision()
        context = {
            "nomination": nomination,
            "form": form,
            "status": status,
            "can_give": open_for_answer and status in (ConsentStatus.PENDING, ConsentStatus.REFUSED),
            "can_refuse": open_for_answer and status == ConsentStatus.PENDING,
            "can_withdraw": status == ConsentStatus.GIVEN,
        }
        return render(self.request, self.template_name, context)


urlpatterns = [
    path("", PrizeView.as_view(), name="prize"),
    path("editions/<int:pk>/", EditionResultsView.as_view(), name="edition_results"),
    path("consentement/<str:token>/", ConsentView.as_view(), name="consent"),
]
