"""The reference for the caseload: Django's stock admin changelist over the same cases.

Case records are closed in the project's admin (``casemgmt/admin/records.py``), so the
reference is a plain ``ModelAdmin`` on a private ``AdminSite``, mounted only by the
benchmarks' own URLconf (``casemgmt.benchmarks.urls``), never by the project's. It lists
the caseload's columns with the admin's defaults (100 rows a page, OFFSET pages, a full
count), over the cases the measured user may see: the same rows the caseload scopes.
"""

from __future__ import annotations

from django.contrib import admin
from django.test import RequestFactory
from django.utils.translation import gettext_lazy as _

from casemgmt.admin.read_only import ReadOnlyAdmin
from casemgmt.models import Case

CHANGELIST_PATH = "/bench-admin/casemgmt/case/"


class ReferenceAdminSite(admin.AdminSite):
    """Open to any active user: the reference is measured as the caseload's own user."""

    def has_permission(self, request):
        return request.user.is_active


class CaseListAdmin(ReadOnlyAdmin):
    """A read-only list with the caseload's columns, filters and searches."""

    list_display = (
        "reference",
        "person_name",
        "stage_name",
        "status",
        "lead_agency_name",
        "next_review_due",
    )
    list_select_related = ("person", "current_stage", "lead_agency")
    list_filter = ("status", "programme", "current_stage", "facility")
    search_fields = ("reference", "person__full_name")
    ordering = ("-opened_on",)
    actions = None

    def get_queryset(self, request):
        return super().get_queryset(request).visible_to(request.user)

    @admin.display(description=_("person"), ordering="person__full_name")
    def person_name(self, case):
        return case.person.full_name

    @admin.display(description=_("stage"), ordering="current_stage__order")
    def stage_name(self, case):
        return case.current_stage.name

    @admin.display(description=_("lead agency"), ordering="lead_agency__name")
    def lead_agency_name(self, case):
        return case.lead_agency.short_name or case.lead_agency.name

    def has_module_permission(self, request):
        return True

    def has_view_permission(self, request, obj=None):
        return True


site = ReferenceAdminSite(name="bench_admin")
site.register(Case, CaseListAdmin)


def sort_param(column: str) -> str:
    """The admin's ``o`` parameter that sorts by ``column`` (an index into list_display)."""
    return str(CaseListAdmin.list_display.index(column))


def changelist_rows(user, params: dict[str, str]) -> int:
    """The changelist's queries without its template: the count, the full count, the
    filters' choices and one page of rows, as ``changelist_view`` runs them."""
    request = RequestFactory().get(CHANGELIST_PATH, params)
    request.user = user
    changelist = site.get_model_admin(Case).get_changelist_instance(request)
    return len(list(changelist.result_list))
