"""The ranking page of a call and the committee's recommendation page of a file.

Staff without one of the ranking roles get a 404, and so does a committee member asking for the
recommendation page of a file they are in conflict with. On the ranking page such a member sees only the
reference of the file.
"""

from dataclasses import dataclass
from decimal import Decimal

from django import forms
from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import path
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views import View

from accounts.models import Role
from applications.forms import MoneyField, ProseField
from applications.models import Application, ApplicationState
from applications.views.files import years_of
from grants.models import Call
from reviews import committee
from reviews.models import CommitteeDecision
from reviews.ranking import RANKED_STATES, RankedFile, rank_call
from reviews.services import AlreadyDone, ReviewError


@dataclass
class RankingRow:
    file: RankedFile
    conflicted: bool
    amounts: list[Decimal | None]  # one cell per fiscal year of the ranking
    can_recommend: bool
    can_decide: bool = False


class RankingAccessMixin(LoginRequiredMixin):
    def dispatch(self, request, *args, **kwargs):
        if not request.user.is_authenticated:
            return self.handle_no_permission()
        if not committee.can_see_ranking(request.user):
            raise Http404
        return super().dispatch(request, *args, **kwargs)


class RankingView(RankingAccessMixin, View):
    def get(self, request, code):
        call = get_object_or_404(Call, code=code)
        ranking = rank_call(call)
        is_member = request.user.has_role(Role.COMMITTEE_MEMBER)
        is_decision_maker = request.user.has_role(Role.DECISION_MAKER)
        conflicted = committee.conflicted_organization_ids(request.user) if is_member else set()
        rows = [
            RankingRow(
                file=item,
                conflicted=item.application.organization_id in conflicted,
                amounts=[item.amounts_by_fiscal_year.get(label) for label in ranking.fiscal_years],
                can_recommend=is_member
                and item.application.organization_id not in conflicted
                and item.application.state == ApplicationState.EVALUATED,
                can_decide=is_decision_maker
                and item.application.state in (ApplicationState.RECOMMENDED, ApplicationState.NOT_RECOMMENDED),
            )
            for item in ranking.files
        ]
        context = {
            "call": call,
            "ranking": ranking,
            "rows": rows,
            "is_decision_maker": is_decision_maker,
            # The sums committed include the amounts of the files a member is in conflict with, which the
            # member could work out by subtraction: such a member sees the envelopes only.
            "hide_commitments": any(row.conflicted for row in rows),
        }
        return render(request, "reviews/ranking.html", context)


class RecommendationForm(forms.Form):
    decision = forms.ChoiceField(
        label=gettext_lazy("Committee recommendation"), choices=CommitteeDecision.choices, widget=forms.RadioSelect
    )
    rationale = ProseField(
        label=gettext_lazy("Rationale"),
        required=False,
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text=gettext_lazy("Required when the recommendation departs from the ranking."),
    )

    def __init__(self, *args, years, requested: dict[int, Decimal], **kwargs):
        super().__init__(*args, **kwargs)
        self.year_numbers = sorted({year.number for year in years} | set(requested))
        for number in self.year_numbers:
            self.fields[f"amount_{number}"] = MoneyField(
                label=_("Amount recommended, year %(number)d") % {"number": number},
                initial=requested.get(number, Decimal(0)),
            )

    def amount_fields(self):
        return [self[f"amount_{number}"] for number in self.year_numbers]

    def amounts(self) -> dict[int, Decimal]:
        return {
            number: self.cleaned_data[f"amount_{number}"]
            for number in self.year_numbers
            if self.cleaned_data.get(f"amount_{number}") is not None
        }


class RecommendView(RankingAccessMixin, View):
    """GET needs a ranked file; POST reaches the service, which raises AlreadyDone on a second click."""

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated and not request.user.has_role(Role.COMMITTEE_MEMBER):
            raise Http404
        return super().dispatch(request, *args, **kwargs)

    def load(self, request, pk) -> Application:
        application = get_object_or_404(
            Application.objects.select_related("call", "organization").prefetch_related("requested_amounts"),
            pk=pk,
            state__in=RANKED_STATES,
        )
        if application.organization_id in committee.conflicted_organization_ids(request.user):
            raise Http404
        return application

    def form(self, application, data=None) -> RecommendationForm:
        requested = {row.project_year: row.amount for row in application.requested_amounts.all()}
        return RecommendationForm(data, years=years_of(application), requested=requested)

    def page(self, request, application, form, status=200):
        ranked = rank_call(application.call).file_of(application.pk)
        context = {"application": application, "form": form, "ranked": ranked}
        return render(request, "reviews/recommend.html", context, status=status)

    def get(self, request, pk):
        application = self.load(request, pk)
        if application.state != ApplicationState.EVALUATED:
            messages.info(request, _("The committee's recommendation on this file is already recorded."))
            return redirect("reviews:ranking", code=application.call.code)
        return self.page(request, application, self.form(application))

    def post(self, request, pk):
        application = self.load(request, pk)
        form = self.form(application, request.POST)
        if not form.is_valid():
            return self.page(request, application, form)
        try:
            committee.record_recommendation(
                application=application,
                actor=request.user,
                decision=form.cleaned_data["decision"],
                amounts=form.amounts(),
                rationale=form.cleaned_data["rationale"],
            )
        except AlreadyDone as error:
            messages.info(request, str(error))
            return redirect("reviews:ranking", code=application.call.code)
        except ReviewError as error:
            form.add_error(None, str(error))
            return self.page(request, application, form)
        messages.success(request, _("The committee's recommendation is recorded."))
        return redirect("reviews:ranking", code=application.call.code)


urlpatterns = [
    path("appels/<slug:code>/classement/", RankingView.as_view(), name="ranking"),
    path("dossiers/<int:pk>/recommandation/", RecommendView.as_view(), name="recommend"),
]
