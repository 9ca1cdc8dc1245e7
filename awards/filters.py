"""Filters of the staff list of nominations (django-filter)."""

import django_filters
from django import forms
from django.utils.translation import gettext_lazy as _

from awards.models import Category, Nomination, NominationState, PrizeEdition
from common.regions import AdministrativeRegion

# Drafts belong to their nominator until submitted, so the staff list never shows them.
LISTED_STATES = [(value, label) for value, label in NominationState.choices if value != NominationState.DRAFT]


class CategoryChoiceField(forms.ModelChoiceField):
    """Names each category with its edition's year, because every edition has an « Individu » category."""

    def label_from_instance(self, obj):
        return f"{obj.name} ({obj.edition.year})"


class CategoryFilter(django_filters.ModelChoiceFilter):
    field_class = CategoryChoiceField


def categories_for(request):
    return Category.objects.select_related("edition").order_by("-edition__year", "position", "code")


def editions_for(request):
    return PrizeEdition.objects.order_by("-year")


class StaffNominationFilter(django_filters.FilterSet):
    edition = django_filters.ModelChoiceFilter(label=_("Edition"), queryset=editions_for, empty_label=_("All"))
    category = CategoryFilter(label=_("Category"), queryset=categories_for, empty_label=_("All"))
    state = django_filters.MultipleChoiceFilter(
        label=_("State"), choices=LISTED_STATES, widget=forms.CheckboxSelectMultiple
    )
    region = django_filters.ChoiceFilter(label=_("Region"), choices=AdministrativeRegion.choices, empty_label=_("All"))

    class Meta:
        model = Nomination
        fields = ["edition", "category", "state", "region"]
