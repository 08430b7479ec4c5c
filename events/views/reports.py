"""The activity report page of a period (visits by outcome and by person, events by kind) and its Excel export."""

from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import render

from clusternet.core.permissions import require
from clusternet.core.types import AuthenticatedHttpRequest
from events.forms.reports import ReportPeriodForm, shortcuts
from events.permissions import can_see_activity_reports
from events.reports import activity_report_xlsx, event_report, visit_report

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _bad_period(request: AuthenticatedHttpRequest, form: ReportPeriodForm) -> HttpResponse:
    """The page with the form's message instead of figures, so the user can correct the period."""
    return render(request, "events/report_activity.html", {"form": form, **shortcuts()}, status=400)


@login_required
def activity_report(request: AuthenticatedHttpRequest) -> HttpResponse:
    require(can_see_activity_reports(request.user))
    form = ReportPeriodForm(request.GET)
    if not form.is_valid():
        return _bad_period(request, form)
    start, end = form.period()
    context = {
        # The dates the shortcut resolved to, shown in the date fields.
        "form": ReportPeriodForm(initial={"start": start, "end": end}),
        "visits": visit_report(start=start, end=end),
        "events": event_report(start=start, end=end),
        "export_query": f"start={start.isoformat()}&end={end.isoformat()}",
        **shortcuts(),
    }
    return render(request, "events/report_activity.html", context)


@login_required
def activity_report_export(request: AuthenticatedHttpRequest) -> HttpResponse:
    require(can_see_activity_reports(request.user))
    form = ReportPeriodForm(request.GET)
    if not form.is_valid():
        return _bad_period(request, form)
    start, end = form.period()
    content = activity_report_xlsx(visit_report(start=start, end=end), event_report(start=start, end=end))
    response = HttpResponse(content, content_type=XLSX)
    response["Content-Disposition"] = f'attachment; filename="activity-report-{start}_{end}.xlsx"'
    return response
