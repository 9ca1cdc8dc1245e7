"""Configuration of prize editions in the admin site. Once nominations open, the rules are shown read-only.

The models refuse the same changes (RulesFrozen), so a form that slips through still changes nothing.
"""

from django.contrib import admin, messages
from django.utils.translation import gettext_lazy as _

from awards import services
from awards.models import (
    EDITION_RULE_FIELDS,
    Category,
    JuryMembership,
    Nomination,
    PrizeCriterion,
    PrizeEdition,
    Result,
)
from common.audit import record_transition

EDITION_RULE_FORM_FIELDS = [name.removesuffix("_id") for name in EDITION_RULE_FIELDS]


class FrozenInlineMixin:
    """An inline of an edition's rules that allows no change once the edition's rules are frozen."""

    def _frozen(self, obj) -> bool:
        edition = obj if isinstance(obj, PrizeEdition) else getattr(obj, "edition", None)
        return edition is not None and edition.rules_are_frozen

    def has_add_permission(self, request, obj=None):
        return not self._frozen(obj) and super().has_add_permission(request, obj)

    def has_change_permission(self, request, obj=None):
        return not self._frozen(obj) and super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        return not self._frozen(obj) and super().has_delete_permission(request, obj)


class CategoryInline(FrozenInlineMixin, admin.TabularInline):
    model = Category
    extra = 0
    fields = ["position", "code", "name_fr", "name_en", "finalists_count", "requires_nominee_consent"]
    show_change_link = True


class JuryMembershipInline(FrozenInlineMixin, admin.TabularInline):
    model = JuryMembership
    extra = 0
    fields = ["juror", "is_president"]
    autocomplete_fields = ["juror"]


@admin.register(PrizeEdition)
class PrizeEditionAdmin(admin.ModelAdmin):
    list_display = ["year", "title_fr", "state", "nominations_open_at", "nominations_close_at"]
    list_filter = ["state", "program"]
    search_fields = ["title_fr", "title_en"]
    inlines = [CategoryInline, JuryMembershipInline]
    actions = ["open_nominations_selected", "close_nominations_selected", "start_shortlisting_selected"]
    fieldsets = [
        (None, {"fields": ["program", "year", "title_fr", "title_en", "state"]}),
        (_("Nominations"), {"fields": ["nominations_open_at", "nominations_close_at"]}),
        (
            _("Jury"),
            {
                "fields": [
                    "round1_due_on",
                    "final_vote_due_on",
                    "quorum_numerator",
                    "quorum_denominator",
                    "tie_break_ladder",
                ]
            },
        ),
        (
            _("Progress"),
            {"fields": ["rules_frozen_at", "vote_closed_at", "results_validated_at", "announced_at"]},
        ),
    ]

    def get_readonly_fields(self, request, obj=None):
        # The state changes only through the services, which log each transition.
        readonly = ["state", "rules_frozen_at", "vote_closed_at", "results_validated_at", "announced_at"]
        if obj is not None and obj.rules_are_frozen:
            readonly += EDITION_RULE_FORM_FIELDS
        return readonly

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        edition = form.instance
        if not change:
            if not edition.categories.exists():
                services.add_default_categories(edition=edition)
            record_transition(
                subject=edition,
                transition="awards.edition.created",
                source="",
                target=edition.state,
                actor=request.user,
            )

    def _apply(self, request, queryset, service, done_message):
        for edition in queryset:
            try:
                service(edition=edition, actor=request.user)
            except services.AwardsError as error:
                self.message_user(
                    request, _("%(year)s: %(error)s") % {"year": edition.year, "error": error}, messages.ERROR
                )
            else:
                self.message_user(request, done_message % {"year": edition.year}, messages.SUCCESS)

    @admin.action(
        description=_("Open nominations of the selected editions (freezes their rules)"), permissions=["change"]
    )
    def open_nominations_selected(self, request, queryset):
        self._apply(request, queryset, services.open_nominations, _("%(year)s: nominations open."))

    @admin.action(description=_("Close nominations of the selected editions"), permissions=["change"])
    def close_nominations_selected(self, request, queryset):
        self._apply(request, queryset, services.close_nominations, _("%(year)s: nominations closed."))

    @admin.action(description=_("Start round 1 of the selected editions"), permissions=["change"])
    def start_shortlisting_selected(self, request, queryset):
        self._apply(request, queryset, services.start_shortlisting, _("%(year)s: round 1 started."))


class PrizeCriterionInline(FrozenInlineMixin, admin.TabularInline):
    model = PrizeCriterion
    extra = 0
    fields = ["position", "name_fr", "name_en", "weight", "maximum"]

    def _frozen(self, obj) -> bool:
        return obj is not None and obj.edition.rules_are_frozen


@admin.register(Category)
class CategoryAdmin(admin.ModelAdmin):
    list_display = ["name_fr", "edition", "finalists_count", "requires_nominee_consent", "position"]
    list_filter = ["edition"]
    list_select_related = ["edition"]
    inlines = [PrizeCriterionInline]

    def get_readonly_fields(self, request, obj=None):
        if obj is not None and obj.edition.rules_are_frozen:
            return [field.name for field in Category._meta.fields if field.name != "id"]
        return []

    def has_delete_permission(self, request, obj=None):
        return not (obj is not None and obj.edition.rules_are_frozen) and super().has_delete_permission(request, obj)


@admin.register(Nomination)
class NominationAdmin(admin.ModelAdmin):
    """Read-only view for program managers; every change goes through the services."""

    list_display = ["nominee_name", "category", "edition", "state", "submitted_at"]
    list_filter = ["state", "edition", "category__code"]
    search_fields = ["nominee_name", "nominee_email", "nominator__email"]
    list_select_related = ["category", "edition"]
    exclude = ["consent_token_hash"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Result)
class ResultAdmin(admin.ModelAdmin):
    """Read-only view of each count; the counts are made by the services."""

    list_display = ["category", "outcome", "laureate", "computed_at", "validated_at", "superseded_at"]
    list_filter = ["outcome", "category__edition"]
    list_select_related = ["category", "laureate"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
