"""Study group pages: the list and a group (roster, meetings, attendance matrix, fee) for staff and
coordinators; the roster, meetings and the fee are managed by staff, attendance also by a meeting's organisers.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from billing.fiscal import fiscal_year_of, today
from clusternet.core.exceptions import ApplicationError
from clusternet.core.forms import add_service_error
from clusternet.core.permissions import require
from clusternet.core.types import AuthenticatedHttpRequest
from events.forms.study_groups import (
    AttendanceForm,
    FeeInvoiceForm,
    LeaveForm,
    MeetingForm,
    RosterEntryForm,
    StudyGroupForm,
)
from events.models import StudyGroup
from events.permissions import can_manage_events, can_run_event
from events.selectors.events import event_get
from events.selectors.study_groups import (
    can_see_study_groups,
    meeting_present_seats,
    meeting_roster,
    study_group_attendance,
    study_group_get,
    study_group_list,
)
from events.services import study_groups as services
from members.selectors import organization_chosen, organizations_matching


@login_required
def group_list(request: AuthenticatedHttpRequest) -> HttpResponse:
    require(can_see_study_groups(request.user))
    context = {"groups": study_group_list(viewer=request.user), "staff": can_manage_events(request.user)}
    return render(request, "events/study_group_list.html", context)


@login_required
def group_detail(request: AuthenticatedHttpRequest, study_group_id: int) -> HttpResponse:
    require(can_see_study_groups(request.user))
    group = study_group_get(viewer=request.user, pk=study_group_id)
    staff = can_manage_events(request.user)
    context = {
        "group": group,
        "matrix": study_group_attendance(group=group),
        "staff": staff,
        "leave_form": LeaveForm(),
        "fee_form": FeeInvoiceForm(initial={"fiscal_year": fiscal_year_of(today())}),
    }
    return render(request, "events/study_group_detail.html", context)


def _group_form_page(request: AuthenticatedHttpRequest, group: StudyGroup | None) -> HttpResponse:
    require(can_manage_events(request.user))
    form = StudyGroupForm(request.POST or None, instance=group)
    if request.method == "POST" and form.is_valid():
        data = {name: form.cleaned_data[name] for name in StudyGroupForm.Meta.fields}
        try:
            if group is None:
                group = services.study_group_create(actor=request.user, data=data)
            else:
                group = services.study_group_update(actor=request.user, group=group, data=data)
        except (ApplicationError, ValidationError) as error:
            add_service_error(form, error)
        else:
            messages.success(request, _("Study group saved."))
            return redirect("study-group-detail", study_group_id=group.pk)
    return render(request, "events/study_group_form.html", {"form": form, "group": group})


@login_required
def group_create(request: AuthenticatedHttpRequest) -> HttpResponse:
    return _group_form_page(request, None)


@login_required
def group_edit(request: AuthenticatedHttpRequest, study_group_id: int) -> HttpResponse:
    require(can_manage_events(request.user))
    return _group_form_page(request, study_group_get(viewer=request.user, pk=study_group_id))


@login_required
def member_add(request: AuthenticatedHttpRequest, study_group_id: int) -> HttpResponse:
    """Search an organisation (?q=), choose it (?organization=), then one of its contacts and a role.

    With htmx the search answers the organisation choices and the choice the contact fields; without
    JavaScript each step reloads the page with what was chosen.
    """
    require(can_manage_events(request.user))
    group = study_group_get(viewer=request.user, pk=study_group_id)
    source = request.POST if request.method == "POST" else request.GET
    organization = organization_chosen(source.get("organization"))
    query = request.GET.get("q", "").strip()
    organizations = organizations_matching(query)
    form = RosterEntryForm(request.POST if request.method == "POST" else None, organization=organization)
    context = {"group": group, "form": form, "organization": organization, "organizations": organizations,
               "query": query, "choose_url": reverse("study-group-member-add", args=[group.pk])}  # fmt: skip
    if request.method == "GET" and request.htmx:
        partial = "choices" if "q" in request.GET else "contacts"
        return render(request, f"events/study_group_roster_{partial}.html", context)
    if request.method == "POST" and form.is_valid():
        try:
            seat = services.study_group_member_add(
                actor=request.user, group=group, contact=form.cleaned_data["contact"], role=form.cleaned_data["role"]
            )
        except ApplicationError as error:
            add_service_error(form, error)
        else:
            messages.success(request, _("%(name)s is on the roster.") % {"name": seat.contact.name})
            return redirect("study-group-detail", study_group_id=group.pk)
    return render(request, "events/study_group_roster_form.html", context)


@login_required
@require_POST
def member_leave(request: AuthenticatedHttpRequest, study_group_id: int, seat_id: int) -> HttpResponse:
    require(can_manage_events(request.user))
    group = study_group_get(viewer=request.user, pk=study_group_id)
    seat = get_object_or_404(group.roster.select_related("contact"), pk=seat_id)
    form = LeaveForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Give the date as YYYY-MM-DD."))
    else:
        try:
            services.study_group_member_leave(actor=request.user, seat=seat, left_on=form.cleaned_data["left_on"])
        except ApplicationError as error:
            messages.error(request, error.message)
        else:
            messages.success(request, _("%(name)s has left the study group.") % {"name": seat.contact.name})
    return redirect("study-group-detail", study_group_id=group.pk)


@login_required
def meeting_create(request: AuthenticatedHttpRequest, study_group_id: int) -> HttpResponse:
    require(can_manage_events(request.user))
    group = study_group_get(viewer=request.user, pk=study_group_id)
    form = MeetingForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            meeting = services.study_group_meeting_create(
                actor=request.user, group=group, title=form.cleaned_data["title"], session=form.session(),
                is_public=form.cleaned_data["is_public"],
            )  # fmt: skip
        except (ApplicationError, ValidationError) as error:
            add_service_error(form, error)
        else:
            messages.success(request, _("Meeting added."))
            return redirect("event-detail", event_id=meeting.pk)
    return render(request, "events/study_group_meeting_form.html", {"group": group, "form": form})


@login_required
def attendance(request: AuthenticatedHttpRequest, study_meeting_id: int) -> HttpResponse:
    """The meeting's roster as checkboxes; saving makes the check-ins match the ticks."""
    meeting = event_get(viewer=request.user, pk=study_meeting_id)
    require(can_run_event(request.user, meeting))
    try:
        roster = meeting_roster(meeting)
    except ApplicationError as error:
        messages.error(request, error.message)
        return redirect("event-detail", event_id=meeting.pk)
    # Nobody ticked is still a submission: everyone absent.
    form = AttendanceForm(request.POST if request.method == "POST" else None, roster=roster)
    if request.method == "POST" and form.is_valid():
        try:
            present = services.study_group_attendance_record(
                actor=request.user, meeting=meeting, present=form.cleaned_data["present"]
            )
        except ApplicationError as error:
            add_service_error(form, error)
        else:
            messages.success(
                request,
                ngettext(
                    "Attendance saved: %(count)d person present.",
                    "Attendance saved: %(count)d people present.",
                    len(present),
                )
                % {"count": len(present)},
            )
            return redirect("study-group-detail", study_group_id=meeting.study_group_id)
    if form.is_bound:
        present_ids = {int(v) for v in request.POST.getlist("present") if v.isdigit()}
    else:
        present_ids = meeting_present_seats(meeting, roster)
    context = {"meeting": meeting, "group": meeting.study_group, "roster": roster, "form": form,
               "present_ids": present_ids}  # fmt: skip
    return render(request, "events/study_group_attendance.html", context)


@login_required
@require_POST
def fee_invoice(request: AuthenticatedHttpRequest, study_group_id: int) -> HttpResponse:
    require(can_manage_events(request.user))
    group = study_group_get(viewer=request.user, pk=study_group_id)
    form = FeeInvoiceForm(request.POST)
    try:
        if not form.is_valid():
            raise ApplicationError(_("Give a fiscal year such as 2026."))
        result = services.study_group_fee_invoice(
            actor=request.user, group=group, fiscal_year=form.cleaned_data["fiscal_year"]
        )
    except ApplicationError as error:
        messages.error(request, error.message)
    else:
        text = ngettext(
            "Participation fee invoiced to %(count)d organisation.",
            "Participation fee invoiced to %(count)d organisations.",
            len(result.invoiced),
        ) % {"count": len(result.invoiced)}
        if result.already_invoiced:
            text += " " + ngettext(
                "%(count)d organisation had been invoiced already.",
                "%(count)d organisations had been invoiced already.",
                len(result.already_invoiced),
            ) % {"count": len(result.already_invoiced)}
        messages.success(request, text)
    return redirect("study-group-detail", study_group_id=group.pk)
