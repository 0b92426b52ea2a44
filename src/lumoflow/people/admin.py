"""Admin site for people and the department tree; every save goes through `actions`."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django import forms
from django.contrib import admin, messages
from django.contrib.auth.admin import UserAdmin
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse

from lumoflow.core.admin import AuditAdmin
from lumoflow.core.errors import LumoFlowError

from . import actions, queries
from .auth import signed_in
from .models import ApiToken, AuditEntry, Department, Grant, SignIn, User


class ActionsAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    def save_model(self, request: HttpRequest, obj: Any, form: Any, change: bool) -> None:
        actions.admin_save(signed_in(request), obj, created=not change)

    def delete_model(self, request: HttpRequest, obj: Any) -> None:
        actions.admin_delete(signed_in(request), obj)

    def delete_queryset(self, request: HttpRequest, queryset: Any) -> None:
        for obj in queryset:
            actions.admin_delete(signed_in(request), obj)


@admin.register(User)
class PersonAdmin(ActionsAdmin, UserAdmin):  # type: ignore[type-arg]  # generic in the stubs only
    list_display = (
        "username",
        "display_name",
        "email",
        "department",
        "manager",
        "is_active",
        "is_staff",
    )
    list_filter = ("is_active", "is_staff", "is_bot", "department")
    search_fields = ("username", "display_name", "email", "first_name", "last_name")
    autocomplete_fields = ("department", "manager")
    actions = ["deactivate", "export_personal_data", "erase_personal_data"]

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False  # people keep their history: deactivate them instead

    @admin.action(description="Deactivate selected people (they keep their history)")
    def deactivate(self, request: HttpRequest, queryset: Any) -> None:
        for person in queryset:
            try:
                actions.admin_delete(signed_in(request), person)
            except LumoFlowError as exc:  # the last owner of a workspace stays
                self.message_user(request, exc.detail, level=messages.ERROR)

    @admin.action(description="Export the personal data of the selected person (a zip)")
    def export_personal_data(self, request: HttpRequest, queryset: Any) -> HttpResponse | None:
        chosen = list(queryset[:2])
        if len(chosen) != 1:
            self.message_user(request, "Choose one person to export.", level=messages.ERROR)
            return None
        data = actions.export_person(signed_in(request), chosen[0].username)
        response = HttpResponse(data, content_type="application/zip")
        name = f"personal-data-{chosen[0].pk}.zip"
        response["Content-Disposition"] = f'attachment; filename="{name}"'
        return response

    @admin.action(description="Erase the selected people (they become Former employee N)")
    def erase_personal_data(self, request: HttpRequest, queryset: Any) -> None:
        erased = [actions.erase_person(signed_in(request), p.username).name for p in queryset]
        self.message_user(request, f"Erased: now {', '.join(erased)}.")

    fieldsets = (
        *UserAdmin.fieldsets,  # type: ignore[misc]  # set by UserAdmin; the stubs allow None
        (
            "Profile",
            {
                "fields": (
                    "display_name",
                    "title",
                    "department",
                    "manager",
                    "location",
                    "time_zone",
                    "is_bot",
                )
            },
        ),
    )


@admin.register(Department)
class DepartmentAdmin(ActionsAdmin):
    list_display = ("path", "name", "parent")
    search_fields = ("path",)
    autocomplete_fields = ("parent",)
    readonly_fields = ("path",)
    fields = ("name", "parent", "path")


@admin.register(ApiToken)
class ApiTokenAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    list_display = ("prefix", "user", "name", "created_at", "last_used_at", "revoked_at")
    readonly_fields = (
        "user",
        "name",
        "prefix",
        "digest",
        "created_at",
        "last_used_at",
        "revoked_at",
    )

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


class AdministratorsOnly(admin.ModelAdmin):  # type: ignore[type-arg]
    """Pages that only administrators see (the audits, the capabilities)."""

    def has_module_permission(self, request: HttpRequest) -> bool:
        return queries.is_administrator(request.user)

    def has_view_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return queries.is_administrator(request.user)


@admin.register(SignIn)
class SignInAdmin(AdministratorsOnly, AuditAdmin):
    """The sign-in audit: administrators read, filter and export it; nobody changes it."""

    list_display = ("at", "login", "user", "address", "outcome", "user_agent")
    list_filter = ("outcome", "at")
    search_fields = ("login", "account", "address")
    date_hierarchy = "at"
    list_select_related = ("user",)
    export_name = "sign-ins.csv"
    export_header = ("at", "login", "person", "address", "outcome", "user_agent")

    def export_row(self, obj: Any) -> Sequence[object]:
        s: SignIn = obj
        person = s.user.username if s.user else ""
        return (s.at.isoformat(), s.login, person, s.address or "", s.outcome, s.user_agent)

    def get_queryset(self, request: HttpRequest) -> QuerySet[SignIn]:
        return queries.list_sign_ins_for(request.user)


@admin.register(AuditEntry)
class AuditEntryAdmin(AdministratorsOnly, AuditAdmin):
    """The audit of views of individual-level figures: read, filtered and exported by
    administrators; written by the queries that show such figures; changed by nobody."""

    list_display = ("at", "viewer", "what", "scope", "via")
    list_filter = ("what", "via", "at")
    search_fields = ("viewer__username", "what", "scope")
    date_hierarchy = "at"
    list_select_related = ("viewer",)
    export_name = "audit-log.csv"
    export_header = ("at", "person", "what", "scope", "via")

    def export_row(self, obj: Any) -> Sequence[object]:
        e: AuditEntry = obj
        return (e.at.isoformat(), e.viewer.username, e.what, e.scope, e.via)

    def get_queryset(self, request: HttpRequest) -> QuerySet[AuditEntry]:
        return queries.list_audit_for(request.user)


class GrantForm(forms.ModelForm):  # type: ignore[type-arg]
    class Meta:
        model = Grant
        fields = ("user", "capability")


@admin.register(Grant)
class GrantAdmin(AdministratorsOnly):
    """Who holds `executive` and `people-analytics` beyond the administrators (who hold both):
    added and deleted here through the actions, never edited."""

    form = GrantForm
    list_display = ("user", "capability", "granted_by", "granted_at")
    list_filter = ("capability",)
    search_fields = ("user__username", "user__display_name")
    autocomplete_fields = ("user",)
    list_select_related = ("user", "granted_by")

    def get_queryset(self, request: HttpRequest) -> QuerySet[Grant]:
        return queries.list_grants_for(request.user)

    def has_add_permission(self, request: HttpRequest) -> bool:
        return queries.is_administrator(request.user)

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return queries.is_administrator(request.user)

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return obj is None and queries.is_administrator(request.user)

    def save_model(self, request: HttpRequest, obj: Any, form: Any, change: bool) -> None:
        grant = actions.grant_capability(signed_in(request), obj.user.username, obj.capability)
        obj.pk = grant.pk

    def delete_model(self, request: HttpRequest, obj: Any) -> None:
        actions.revoke_capability(signed_in(request), obj.user.username, obj.capability)

    def delete_queryset(self, request: HttpRequest, queryset: Any) -> None:
        for grant in queryset:
            self.delete_model(request, grant)
