from django.contrib import admin, messages
from django.utils.translation import gettext_lazy as _

from grants import services
from grants.models import (
    Call,
    Clientele,
    Criterion,
    DocumentType,
    Envelope,
    ExpenseCategory,
    Program,
    ProgramRules,
    RequiredDocument,
    ScreeningQuestion,
)


class EnvelopeInline(admin.TabularInline):
    model = Envelope
    extra = 0


class CriterionInline(admin.StackedInline):
    model = Criterion
    extra = 0


class RequiredDocumentInline(admin.TabularInline):
    model = RequiredDocument
    extra = 0


class ScreeningQuestionInline(admin.TabularInline):
    model = ScreeningQuestion
    extra = 0


@admin.register(Call)
class CallAdmin(admin.ModelAdmin):
    list_display = ["code", "title_fr", "state", "opens_at", "closes_at"]
    list_filter = ["state", "program"]
    search_fields = ["code", "title_fr", "title_en"]
    # The state changes only through the services, which log each transition.
    readonly_fields = ["state"]
    filter_horizontal = ["clienteles", "expense_categories"]
    inlines = [EnvelopeInline, CriterionInline, RequiredDocumentInline, ScreeningQuestionInline]
    actions = ["publish_selected", "close_selected", "archive_selected"]

    def _apply(self, request, queryset, service, done_message):
        for call in queryset:
            try:
                service(call=call, actor=request.user, reason=_("Changed in the configuration site."))
            except services.CallTransitionError as error:
                self.message_user(
                    request, _("%(code)s: %(error)s") % {"code": call.code, "error": error}, messages.ERROR
                )
            else:
                self.message_user(request, done_message % {"code": call.code}, messages.SUCCESS)

    @admin.action(description=_("Publish the selected calls"), permissions=["change"])
    def publish_selected(self, request, queryset):
        self._apply(request, queryset, services.publish_call, _("%(code)s published."))

    @admin.action(description=_("Close the selected calls"), permissions=["change"])
    def close_selected(self, request, queryset):
        self._apply(request, queryset, services.close_call, _("%(code)s closed."))

    @admin.action(description=_("Archive the selected calls"), permissions=["change"])
    def archive_selected(self, request, queryset):
        self._apply(request, queryset, services.archive_call, _("%(code)s archived."))


@admin.register(ProgramRules)
class ProgramRulesAdmin(admin.ModelAdmin):
    list_display = ["program", "version", "label", "effective_from", "max_per_project_year", "max_total"]
    list_filter = ["program"]


@admin.register(Program)
class ProgramAdmin(admin.ModelAdmin):
    list_display = ["code", "name_fr"]


@admin.register(Clientele, ExpenseCategory, DocumentType)
class TaxonomyAdmin(admin.ModelAdmin):
    list_display = ["code", "name_fr", "name_en", "position"]
    ordering = ["position"]
