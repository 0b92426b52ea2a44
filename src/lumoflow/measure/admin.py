"""Admin pages of measurement: the digests' outbox, read-only (administrators see each
delivery's attempts and last failure; sending is the worker's and `lumoflow send-digests`')."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from lumoflow.core.admin import ReadOnlyAdmin
from lumoflow.people.queries import is_administrator

from .models import DigestDelivery, DigestRun


class AdministratorsOnly(ReadOnlyAdmin):
    def has_module_permission(self, request: HttpRequest) -> bool:
        return is_administrator(request.user)

    def has_view_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return is_administrator(request.user)


@admin.register(DigestRun)
class DigestRunAdmin(AdministratorsOnly):
    list_display = ("digest", "period", "created_at", "queued_at", "planned_at")
    list_filter = ("digest",)
    ordering = ("-period", "digest")


@admin.register(DigestDelivery)
class DigestDeliveryAdmin(AdministratorsOnly):
    list_display = (
        "run",
        "user",
        "status",
        "attempts",
        "last_error",
        "next_attempt_at",
        "sent_at",
    )
    list_filter = ("status", "run__digest", "run__period")
    search_fields = ("user__username", "last_error")
    list_select_related = ("run", "user")
    ordering = ("-run__period", "user__username")
