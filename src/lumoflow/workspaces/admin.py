"""Read-only admin views of workspaces: changes go through the product's pages and API."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from lumoflow.core.admin import ReadOnlyAdmin

from .models import Membership, Objective, Workspace


class MembershipInline(admin.TabularInline):  # type: ignore[type-arg]
    model = Membership
    fields = ("user", "role", "status", "joined_at")
    readonly_fields = fields
    extra = 0
    can_delete = False

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(Workspace)
class WorkspaceAdmin(ReadOnlyAdmin):
    list_display = ("name", "visibility", "created_at", "archived_at")
    list_filter = ("visibility",)
    search_fields = ("name", "purpose")
    inlines = [MembershipInline]


@admin.register(Objective)
class ObjectiveAdmin(ReadOnlyAdmin):
    list_display = ("title", "workspace", "owner", "start", "end")
    search_fields = ("title",)
