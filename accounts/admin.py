from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.utils.translation import gettext_lazy as _

from accounts.models import Invitation, Membership, Organization, User


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    ordering = ["last_name", "first_name"]
    list_display = ["email", "first_name", "last_name", "preferred_language", "email_verified_at", "is_active"]
    list_filter = ["groups", "is_active", "preferred_language"]
    search_fields = ["email", "first_name", "last_name"]
    fieldsets = [
        (None, {"fields": ["email", "password"]}),
        (_("Identity"), {"fields": ["first_name", "last_name", "preferred_language", "email_verified_at"]}),
        (_("Roles and access"), {"fields": ["is_active", "is_staff", "is_superuser", "groups"]}),
        (_("Dates"), {"fields": ["last_login", "date_joined"]}),
    ]
    add_fieldsets = [
        (None, {"classes": ["wide"], "fields": ["email", "first_name", "last_name", "password1", "password2"]})
    ]
    filter_horizontal = ["groups"]


class MembershipInline(admin.TabularInline):
    model = Membership
    extra = 0
    autocomplete_fields = ["user"]


@admin.register(Organization)
class OrganizationAdmin(admin.ModelAdmin):
    list_display = ["name", "neq", "legal_form", "region", "city"]
    list_filter = ["region", "legal_form"]
    search_fields = ["name", "neq", "city"]
    inlines = [MembershipInline]
    exclude = ["letters_patent", "letters_patent_name"]


@admin.register(Invitation)
class InvitationAdmin(admin.ModelAdmin):
    list_display = ["email", "organization", "created_at", "accepted_at"]
    search_fields = ["email", "organization__name"]
    readonly_fields = ["created_at", "emailed_at", "accepted_at", "accepted_by"]
