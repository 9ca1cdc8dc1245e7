"""The ranking page of a call and the committee's recommendation page of a file.

Staff without one of the ranking roles get a 404, and so does a committee member asking for the
recommendation page of a file they are in conflict with. On the ranking page such a member sees only the
reference of the file.
"""

from collections.abc import Callable
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from functools import lru_cache
from html import escape

from django import forms
from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.template.defaultfilters import floatformat
from django.urls import path, reverse
from django.utils.formats import get_format
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import get_language, gettext_lazy
from django.utils.translation import gettext as _
from django.views import View

from accounts.models import Role
from applications.forms import MoneyField, ProseField
from applications.models import Application, ApplicationState
from applications.views.files import years_of
from common.money import format_money
from grants.models import Call
from reviews import committee
from reviews.aggregation import TWO_PLACES
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
    html: SafeString | str = ""  # the table row's HTML, built by RankingRowRenderer


@lru_cache(maxsize=8192)
def money_text(amount: Decimal, language: str) -> str:
    """Return format_money(amount, language), cached because it depends on nothing else and Babel is slow.

    Babel takes about 0.1 ms per amount (an estimate), and a ranking of 1 000 files shows a few thousand amounts.
    """
    return format_money(amount, language)


class FigureFormatter:
    """Format and escape the ranking's figures as the `floatformat:2` and `money` filters show them.

    Each distinct value is formatted once per page, because scores and amounts repeat across a call's files.
    """

    def __init__(self):
        self.decimals: dict[Decimal, str] = {}
        self.amounts: dict[Decimal, str] = {}
        self.decimal_separator = get_format("DECIMAL_SEPARATOR")
        self.language = get_language() or "fr"

    def two_places_html(self, value: Decimal) -> str:
        if value not in self.decimals:
            self.decimals[value] = escape(self.two_places(value))
        return self.decimals[value]

    def two_places(self, value: Decimal) -> str:
        rounded = value.quantize(TWO_PLACES, rounding=ROUND_HALF_UP)
        if abs(rounded) >= 1000:
            # floatformat may group the thousands (USE_THOUSAND_SEPARATOR), so it formats these rare values itself.
            return floatformat(value, 2)
        # floatformat drops the sign of a negative zero.
        text = "0.00" if rounded == 0 else f"{rounded:.2f}"
        return text.replace(".", self.decimal_separator)

    def money_html(self, value: Decimal) -> str:
        if value not in self.amounts:
            self.amounts[value] = escape(self.money(value))
        return self.amounts[value]

    def money(self, value: Decimal) -> str:
        return money_text(value, self.language)


def url_of_pk(name: str) -> Callable[[int], str]:
    """Reverse the URL `name`, which takes one pk, once, and return a function that builds it for any pk.

    At 1 000 rows, a reverse() per link costs about 30 ms (an estimate from a profile).
    """
    placeholder = "2147483647"
    before, after = reverse(name, args=[int(placeholder)]).split(placeholder, 1)
    return lambda pk: f"{before}{pk}{after}"


def link_html(label: str, url: str, reference: str) -> str:
    """Return a link whose translated label contains « %(reference)s », as {% blocktranslate %} renders it.

    The label keeps its HTML because it comes from the translation catalog. The URL and reference are escaped.
    """
    return f'<a href="{escape(url)}">{label % {"reference": escape(reference)}}</a>'


class RankingRowRenderer:
    """Build the HTML of the ranking table's rows, in the columns of templates/reviews/ranking.html.

    The rows are built in Python because, at 1 000 files, the template tags of their cells took most of the
    page's time. Every value put in a row goes through escape() from the standard library, which Django's own
    escape filter uses. The labels are translated once, with the msgids of the page's template.
    """

    def __init__(self, fiscal_year_count: int):
        self.formatter = FigureFormatter()
        self.dash = '<span class="muted">—</span>'
        # Each label is translated before it goes into an f-string: xgettext does not read calls inside one.
        not_computable = escape(_("Not computable: see the note below the table."))
        disagree = escape(_("(reviewers disagree)"))
        departs = escape(_("(departs from the ranking)"))
        conflict = escape(_("Conflict of interest"))
        self.not_computable = (
            f'<span class="muted" aria-hidden="true">—</span><span class="qc-sr-only">{not_computable}</span>'
        )
        self.disagree = f" <strong>{disagree}</strong>"
        self.departs = f' <span class="muted">{departs}</span>'
        self.masked = f'<td colspan="{9 + fiscal_year_count}"><em>{conflict}</em></td>'
        self.yes = escape(_("Yes"))
        self.no = escape(_("No"))
        self.below_line = escape(_("No, below the funding line"))
        self.decide_label = _('Decide<span class="qc-sr-only"> on %(reference)s</span>')
        self.recommend_label = _('Record the recommendation<span class="qc-sr-only"> on %(reference)s</span>')
        self.recommended_label = _("Year %(year)s: %(amount)s")
        self.decisions: dict[str, str] = {}  # decision → its escaped label
        self.decide_url = url_of_pk("reviews:decide")
        self.recommend_url = url_of_pk("reviews:recommend")

    def figure(self, value: Decimal | None, missing: str) -> str:
        return missing if value is None else self.formatter.two_places_html(value)

    def amount(self, value: Decimal | None) -> str:
        return self.dash if value is None else self.formatter.money_html(value)

    def render(self, row: RankingRow) -> SafeString:
        item = row.file
        application = item.application
        head = f'<tr><td class="number">{item.rank}</td><th scope="row">{escape(application.reference)}</th>'
        if row.conflicted:
            # A masked row shows the rank and the reference only.
            return mark_safe(f"{head}{self.masked}</tr>")  # noqa: S308 - every value above is escaped
        statistics = item.statistics
        spread = self.figure(statistics.spread, self.dash)
        if statistics.spread is not None and statistics.disagreement:
            spread += self.disagree
        cells = [
            head,
            f"<td>{escape(application.title)}</td>",
            f"<td>{escape(application.organization.name)}</td>",
            f'<td class="number">{self.figure(item.score, self.dash)}</td>',
            f'<td class="number">{self.figure(statistics.median, self.dash)}</td>',
            f'<td class="number">{spread}</td>',
            f'<td class="number">{self.figure(item.normalised, self.not_computable)}</td>',
            f"<td>{self.yes if item.passes else self.no}</td>",
            f"<td>{self.yes if item.within_envelope else self.below_line}</td>",
            *[f'<td class="number">{self.amount(amount)}</td>' for amount in row.amounts],
            f"<td>{self.recommendation(row)}</td></tr>",
        ]
        return mark_safe("".join(cells))  # noqa: S308 - every value above is escaped

    def recommendation(self, row: RankingRow) -> str:
        item = row.file
        pk = item.application.pk
        reference = item.application.reference
        recommendation = item.recommendation
        if recommendation:
            if recommendation.decision not in self.decisions:
                self.decisions[recommendation.decision] = escape(recommendation.get_decision_display())
            parts = [self.decisions[recommendation.decision]]
            if recommendation.departs_from_ranking:
                parts.append(self.departs)
            for recommended in recommendation.amounts:
                text = self.recommended_label % {
                    "year": recommended.project_year,
                    "amount": self.formatter.money(recommended.amount),
                }
                parts.append(f'<br><span class="muted">{escape(text)}</span>')
            if row.can_decide:
                parts.append("<br>" + link_html(self.decide_label, self.decide_url(pk), reference))
            return "".join(parts)
        if row.can_recommend:
            return link_html(self.recommend_label, self.recommend_url(pk), reference)
        return self.dash


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
        renderer = RankingRowRenderer(len(ranking.fiscal_years))
        rows = []
        for item in ranking.files:
            is_conflicted = item.application.organization_id in conflicted
            state = item.application.state
            row = RankingRow(
                file=item,
                conflicted=is_conflicted,
                amounts=[item.amounts_by_fiscal_year.get(label) for label in ranking.fiscal_years],
                can_recommend=is_member and not is_conflicted and state == ApplicationState.EVALUATED,
                can_decide=is_decision_maker
                and state in (ApplicationState.RECOMMENDED, ApplicationState.NOT_RECOMMENDED),
            )
            row.html = renderer.render(row)
            rows.append(row)
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
