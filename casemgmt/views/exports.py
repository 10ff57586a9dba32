"""The exports page and its downloads (docs/auditor.md, "Exports"): thin views over
``casemgmt/exports/``. A programme the user may not export is "not found" and the
refusal recorded; an identified export asks to step up first; a second export while
one runs is refused with a message."""

from __future__ import annotations

import dataclasses
import json

from django.contrib.auth.decorators import login_required
from django.db import connection
from django.http import HttpResponse, StreamingHttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_GET

from casemgmt.auth.step_up import ask_to_step_up, stepped_up
from casemgmt.exports import audit_export, limits, query, recording, streaming
from casemgmt.exports.definitions import EXPORTS
from casemgmt.forms.exports import ExportForm
from casemgmt.models import AuditSeal, Programme
from casemgmt.selectors.scope import refuse, refuse_page


def _exporters_only(request) -> None:
    if not query.can_export(request.user):
        refuse_page(request)


def _refuse_foreign_programme(request) -> None:
    """A programme the user does not export is "not found", recorded like any refusal."""
    asked = request.GET.get("programme", "")
    if (
        asked
        and not query.export_programmes(request.user)
        .filter(pk=int(asked) if asked.isascii() and asked.isdigit() and len(asked) < 18 else 0)
        .exists()
    ):
        refuse(Programme, asked)
    if request.GET.get("identified") and not query.may_identify(request.user):
        refuse_page(request)


def _page(request, form, *, status=200, busy=None):
    exports = [
        (e, query.columns_for(e, request.user, identified=False))
        for e in EXPORTS.values()
        if query.available(request.user, e)
    ]
    return render(
        request,
        "casemgmt/exports.html",
        {"form": form, "exports": exports, "busy": busy},
        status=status,
    )


@login_required
@require_GET
def export_list(request):
    """The exports the user may download, with their filters and columns."""
    _exporters_only(request)
    return _page(request, ExportForm(user=request.user, initial={"export": "cases"}))


def _form_or_page(request):
    _exporters_only(request)
    _refuse_foreign_programme(request)
    form = ExportForm(request.GET, user=request.user)
    if not form.is_valid():
        return None, _page(request, form, status=400)
    return form, None


def _sealed_upto(filters: query.Filters) -> query.Filters:
    if filters.upto is not None:
        return filters
    last = AuditSeal.objects.order_by("-position").values_list("position", flat=True).first()
    return dataclasses.replace(filters, upto=last or 0)


@login_required
@require_GET
def export_download(request):
    """Stream one export as CSV."""
    form, page = _form_or_page(request)
    if page is not None:
        return page
    if form.wants_identified and not stepped_up(request):
        return ask_to_step_up(request)
    export, user = form.chosen_export, request.user
    filters = form.filters()
    if export.key == "audit_trail":
        filters = _sealed_upto(filters)
    try:
        slot = limits.acquire(user)
    except limits.ExportBusy as busy:
        recording.export_refused_busy(actor=user, export=export.key, mine=busy.mine)
        return _page(request, form, status=429, busy=busy.message)
    try:
        built = query.build(export, user, filters, identified=form.wants_identified)
        started = recording.export_started(
            actor=user,
            export=export.key,
            details={
                "filters": filters.as_record(),
                "identified": form.wants_identified,
                "columns": built.header,
            },
        )
    except BaseException:
        slot.release()
        raise
    counter = streaming.RowCounter()

    def on_end(*, rows: int, completed: bool) -> None:
        try:
            recording.export_finished(
                actor=user, export=export.key, started=started, rows=rows, completed=completed
            )
        finally:
            slot.release()

    bom = form.cleaned_data["bom"]
    stream = recording.ExportStream(
        lambda: streaming.csv_chunks(built, counter, bom=bom), counter, on_end=on_end
    )
    response = StreamingHttpResponse(stream, content_type="text/csv; charset=utf-8")
    name = f"{export.key}-{timezone.localdate().isoformat()}.csv"
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


def _fetched(cursor, size: int = 2000):
    while rows := cursor.fetchmany(size):
        yield from rows


@login_required
@require_GET
def export_checkpoint(request):
    """The signed checkpoint of the audit trail export with the same filters and position."""
    form, page = _form_or_page(request)
    if page is not None:
        return page
    if form.wants_identified and not stepped_up(request):
        return ask_to_step_up(request)
    export, user = EXPORTS["audit_trail"], request.user
    if not query.available(user, export):
        refuse_page(request)
    filters = _sealed_upto(form.filters())
    columns = (export.column("position"), export.column("hash"))
    built = query.build(export, user, filters, identified=False, columns=columns)
    # A walk of the whole trail, like an export: it takes an export's slot.
    try:
        slot = limits.acquire(user)
    except limits.ExportBusy as busy:
        recording.export_refused_busy(actor=user, export="audit_trail_checkpoint", mine=busy.mine)
        return _page(request, form, status=429, busy=busy.message)
    try:
        started = recording.export_started(
            actor=user,
            export="audit_trail_checkpoint",
            details={"filters": filters.as_record(), "identified": False, "columns": built.header},
        )
        # Rows in chunks from a server-side cursor: memory stays flat however long the trail.
        with connection.chunked_cursor() as cursor:
            cursor.execute(built.sql, built.params)
            data = audit_export.checkpoint(
                rows=_fetched(cursor), filters=filters.as_record(), upto=filters.upto
            )
        recording.export_finished(
            actor=user,
            export="audit_trail_checkpoint",
            started=started,
            rows=data["rows"],
            completed=True,
        )
    finally:
        slot.release()
    response = HttpResponse(
        json.dumps(data, indent=2, sort_keys=True) + "\n", content_type="application/json"
    )
    name = f"audit_trail-{filters.upto}.checkpoint.json"
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response
