"""The oversight report (for parliament or an inspectorate): aggregate counts with small
numbers withheld, as a page and as a CSV download. Auditors and supervisors, for their
own programmes only; every view of it is in the audit trail."""

from __future__ import annotations

import csv
import io

from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_http_methods

from casemgmt import access
from casemgmt.exports import formula
from casemgmt.forms.oversight import OversightReportForm
from casemgmt.models import AuditAction, Programme
from casemgmt.selectors import oversight as selectors
from casemgmt.selectors.scope import refuse, refuse_page
from casemgmt.services import audit

WITHHELD = "."  # a withheld count, on the page and in the CSV


def spreadsheet_safe(value):
    """Numbers stay numbers; text goes through the exports' one formula rule
    (``exports.formula``), so the report and the exports neutralise the same cells."""
    if isinstance(value, int | float) and not isinstance(value, bool):
        return value
    return formula.neutralise("" if value is None else str(value))


def _report(request):
    """The report the request asks for, or (None, form) when the filters are invalid.
    A programme the user does not oversee is refused (404, recorded) like any other."""
    if not access.can_read_oversight_report(request.user):
        refuse_page(request)
    programmes = list(selectors.overseen_programmes(request.user))
    chosen = None
    if request.GET.get("programme"):
        by_id = {str(p.pk): p for p in programmes}
        chosen = by_id.get(request.GET["programme"])
        if chosen is None:
            refuse(Programme, request.GET["programme"][:40])
    form = OversightReportForm(request.GET or None, programmes=programmes)
    if form.is_bound and not form.is_valid():
        return None, form
    data = form.cleaned_data if form.is_bound else {}
    filters = selectors.ReportFilters(
        programme=chosen,
        opened_from=data.get("opened_from"),
        opened_to=data.get("opened_to"),
    )
    return selectors.oversight_report(request.user, filters, overseen=programmes), form


def _record(request, report, fmt: str) -> None:
    filters = report.filters
    audit.record(
        actor=request.user,
        action=AuditAction.READ_OVERSIGHT_REPORT,
        target=request.user,
        metadata={
            "format": fmt,
            "programmes": [p.pk for p in report.programmes],
            **({"opened_from": filters.opened_from.isoformat()} if filters.opened_from else {}),
            **({"opened_to": filters.opened_to.isoformat()} if filters.opened_to else {}),
        },
    )


@login_required
@require_http_methods(["GET", "HEAD"])
def oversight_report(request):
    """The report as a page."""
    report, form = _report(request)
    if report is not None:
        _record(request, report, "html")
    query = request.GET.urlencode()
    return render(
        request,
        "casemgmt/oversight/report.html",
        {
            "report": report,
            "form": form,
            "query": query,
            "definitions": selectors.DEFINITIONS,
            "withheld": WITHHELD,
        },
    )


@login_required
@require_http_methods(["GET", "HEAD"])
def oversight_report_csv(request):
    """The same report as one CSV file: each table under its title, then the definitions."""
    report, form = _report(request)
    if report is None:
        return HttpResponse(
            " ".join(str(e) for errors in form.errors.values() for e in errors),
            status=400,
            content_type="text/plain; charset=utf-8",
        )
    _record(request, report, "csv")
    response = HttpResponse(report_csv(report), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = (
        f'attachment; filename="oversight-report-{report.produced_on.isoformat()}.csv"'
    )
    return response


def _shown(value):
    return WITHHELD if value is None else value


def report_csv(report: selectors.OversightReport) -> str:
    from django.utils.translation import gettext as _

    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")

    def row(*cells):
        writer.writerow([spreadsheet_safe(c) for c in cells])

    row(_("Oversight report"))
    row(_("Programmes"), "; ".join(str(p.name) for p in report.programmes))
    row(_("Produced on"), report.produced_on.isoformat())
    if report.filters.opened_from:
        row(_("Opened from"), report.filters.opened_from.isoformat())
    if report.filters.opened_to:
        row(_("Opened to"), report.filters.opened_to.isoformat())
    row(_("Counts withheld below"), report.threshold)
    for table in report.tables:
        row()
        row(table.title)
        row(table.row_heading, *[label for _key, label in table.columns], _("Total"))
        for label, cells, total in table.grid:
            row(label, *[_shown(c) for c in cells], _shown(total))
    for table in report.survival:
        row()
        row(table.title)
        heading = [table.row_heading, _("Followed")]
        for years in report.years:
            heading += [
                _("No event at year %(years)s (%%)") % {"years": years},
                _("At risk at year %(years)s") % {"years": years},
            ]
        row(*heading)
        for line in table.rows:
            cells = [line.label, _shown(line.followed)]
            for percent, at_risk in line.percent_points:
                if at_risk is None:
                    cells += [WITHHELD, WITHHELD]
                else:
                    cells += ["" if percent is None else percent, at_risk]
            row(*cells)
    row()
    row(_("Definitions"))
    for term, text in selectors.DEFINITIONS:
        row(term, text)
    return out.getvalue()
