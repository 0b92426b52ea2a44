"""What the admin sites of the apps share."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django.contrib import admin
from django.contrib.admin.options import IncorrectLookupParameters
from django.http import HttpRequest, HttpResponse, HttpResponseBadRequest
from django.urls import URLPattern, path

from .errors import PermissionDenied
from .spreadsheet import csv_response


class ReadOnlyAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    """An admin page that shows records and changes none: changes go through the product."""

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


class AuditAdmin(ReadOnlyAdmin):
    """A read-only audit that administrators also export as CSV (`export.csv`, linked from the
    list page), with the list page's filters and search.

    Subclasses name the file (`export_name`), its header (`export_header`) and a record's row
    (`export_row`); the list's rows come from `get_queryset` (a permission-aware query)."""

    change_list_template = "admin/audit_change_list.html"
    export_name = "audit.csv"
    export_header: Sequence[str] = ()

    def export_row(self, obj: Any) -> Sequence[object]:
        raise NotImplementedError

    def _export_url_name(self) -> str:
        return f"{self.opts.app_label}_{self.opts.model_name}_export"

    def get_urls(self) -> list[URLPattern]:
        export = path(
            "export.csv", self.admin_site.admin_view(self.export_csv), name=self._export_url_name()
        )
        return [export, *super().get_urls()]

    def changelist_view(self, request: HttpRequest, extra_context: Any = None) -> HttpResponse:
        context = {**(extra_context or {}), "export_url": f"admin:{self._export_url_name()}"}
        return super().changelist_view(request, context)

    def export_csv(self, request: HttpRequest) -> HttpResponse:
        """The audit as CSV, with the filters and search of the list page (`?outcome__exact=…`)."""
        if not self.has_view_permission(request):
            raise PermissionDenied(f"Only administrators can export the {self.opts.verbose_name}.")
        try:
            rows = self.get_changelist_instance(request).get_queryset(request)
        except IncorrectLookupParameters:
            return HttpResponseBadRequest(
                "Unknown filter in the address.", content_type="text/plain"
            )
        return csv_response(
            self.export_name,
            self.export_header,
            (self.export_row(obj) for obj in rows.iterator(chunk_size=2000)),
        )
