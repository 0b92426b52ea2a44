"""Admin site for people and the department tree; every save goes through `actions`."""

from __future__ import annotations

from typing import Any

from django.contrib import admin, messages
from django.contrib.admin.options import IncorrectLookupParameters
from django.contrib.auth.admin import UserAdmin
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse, HttpResponseBadRequest
from django.urls import URLPattern, path

from lumoflow.core.admin import ReadOnlyAdmin
from lumoflow.core.errors import LumoFlowError, PermissionDenied
from lumoflow.core.spreadsheet import csv_response

from . import actions, queries
from .auth import signed_in
from .models import ApiToken, Department, SignIn, User


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


@admin.register(SignIn)
class SignInAdmin(ReadOnlyAdmin):
    """The sign-in audit: administrators read, filter and export it; nobody changes it."""

    list_display = ("at", "login", "user", "address", "outcome", "user_agent")
    list_filter = ("outcome", "at")
    search_fields = ("login", "account", "address")
    date_hierarchy = "at"
    list_select_related = ("user",)
    change_list_template = "admin/people/signin/change_list.html"
    EXPORT_HEADER = ("at", "login", "person", "address", "outcome", "user_agent")

    def get_queryset(self, request: HttpRequest) -> QuerySet[SignIn]:
        return queries.list_sign_ins_for(request.user)

    def has_module_permission(self, request: HttpRequest) -> bool:
        return queries.is_administrator(request.user)

    def has_view_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return queries.is_administrator(request.user)

    def get_urls(self) -> list[URLPattern]:
        export = path(
            "export.csv",
            self.admin_site.admin_view(self.export_csv),
            name="people_signin_export",
        )
        return [export, *super().get_urls()]

    def export_csv(self, request: HttpRequest) -> HttpResponse:
        """The audit as CSV, with the filters and search of the list page (`?outcome__exact=…`)."""
        if not self.has_view_permission(request):
            raise PermissionDenied("Only administrators can export the sign-in audit.")
        try:
            rows = self.get_changelist_instance(request).get_queryset(request)
        except IncorrectLookupParameters:
            return HttpResponseBadRequest(
                "Unknown filter in the address.", content_type="text/plain"
            )
        return csv_response(
            "sign-ins.csv",
            self.EXPORT_HEADER,
            (
                (
                    s.at.isoformat(),
                    s.login,
                    s.user.username if s.user else "",
                    s.address or "",
                    s.outcome,
                    s.user_agent,
                )
                for s in rows.iterator(chunk_size=2000)
            ),
        )
