"""Admin site for people and the department tree; every save goes through `actions`."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.contrib.auth.admin import UserAdmin
from django.http import HttpRequest

from . import actions
from .auth import signed_in
from .models import ApiToken, Department, User


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
    actions = ["deactivate"]

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False  # people keep their history: deactivate them instead

    @admin.action(description="Deactivate selected people (they keep their history)")
    def deactivate(self, request: HttpRequest, queryset: Any) -> None:
        for person in queryset:
            actions.admin_delete(signed_in(request), person)

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
