from django.contrib import admin

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
