"""Registration pages: registering (member users, staff, the public page), a registrant's own page reached by
its token, the registrations list, and the day of the event (reception list, QR check-in)."""

from typing import Any

import segno
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db.models import Q
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from clusternet.core.exceptions import ApplicationError
from clusternet.core.forms import add_service_error
from clusternet.core.permissions import require
from clusternet.core.types import AuthenticatedHttpRequest
from events.forms.registrations import CheckInForm, ContactSearchForm, PublicRegistrationForm, RegistrationForm
from events.models import CheckIn, Event, EventSession, Registration, RegistrationStatus
from events.permissions import can_manage_events, can_register_for_organization, can_run_event
from events.selectors import registrations as selectors
from events.selectors.events import event_get
from events.services import registrations as services
from events.services.events import registration_window_state
from members.models import Contact, User

PAGE_SIZE = 100
CONTACT_RESULTS = 20


def _base_url(request: HttpRequest) -> str:
    return request.build_absolute_uri("/")


def registration_context(user: User | AnonymousUser, event: Event) -> dict[str, Any]:
    """What the event page shows about registering: the button, the viewer's organisation's registrations,
    and for those who run the event the no-show count."""
    can_register = can_register_for_organization(user) or can_manage_events(user)
    context: dict[str, Any] = {
        "registration_closed_reason": registration_window_state(event, timezone.now()),
        "can_register": can_register,
    }
    if can_run_event(user, event):
        context["no_show_count"] = selectors.no_show_count(event=event)
    elif can_register_for_organization(user):
        context["own_registrations"] = list(
            selectors.registration_list(viewer=user, event=event).exclude(status=RegistrationStatus.CANCELLED)
        )
    return context


# -- registering -------------------------------------------------------------------------------------------


@login_required
def registration_create(request: AuthenticatedHttpRequest, event_id: int) -> HttpResponse:
    """Member users register themselves or a colleague; staff register anyone (a contact found by search, or a
    person typed in with their organisation's name)."""
    event = event_get(viewer=request.user, pk=event_id)
    staff = can_manage_events(request.user)
    require(staff or can_register_for_organization(request.user))
    initial: dict[str, Any] = {"language": request.user.language}
    if not staff:
        own = Contact.objects.active().filter(organization__users=request.user, email__iexact=request.user.email)
        initial["contact"] = own.values_list("pk", flat=True).first() if request.user.email else None
    form = RegistrationForm(request.POST or None, viewer=request.user, initial=initial)
    search = ContactSearchForm(request.GET or None)
    found: list[Contact] = []
    if staff and search.is_valid() and search.cleaned_data["q"]:
        q = search.cleaned_data["q"]
        found = list(
            Contact.objects.active()
            .filter(
                Q(name__icontains=q)
                | Q(name_kana__icontains=q)
                | Q(email__icontains=q)
                | Q(organization__name__icontains=q)
                | Q(organization__name_kana__icontains=q)
            )
            .select_related("organization")
            .order_by("name_kana", "pk")[:CONTACT_RESULTS]
        )
    if request.method == "POST" and form.is_valid():
        registrant = form.registrant()
        # A person registering themselves gets mails in their own language; others in the one chosen.
        language = form.cleaned_data["language"]
        try:
            registration = services.registration_create(
                actor=request.user, event=event, registrant=registrant, language=language, base_url=_base_url(request)
            )
        except (ApplicationError, ValidationError) as error:
            add_service_error(form, error)
        else:
            messages.success(request, _status_message(registration))
            if can_run_event(request.user, event):
                return redirect("registration-list", event_id=event.pk)
            return redirect("event-detail", event_id=event.pk)
    context = {"event": event, "form": form, "search": search, "found": found, "staff": staff}
    return render(request, "events/registration_form.html", context)


def _status_message(registration: Registration) -> str:
    if registration.status == RegistrationStatus.WAITLISTED:
        return _("%(name)s is on the waiting list. We will send a mail if a seat frees.") % {"name": registration.name}
    if registration.status == RegistrationStatus.PENDING:
        return _("Please confirm the registration with the link we sent to %(email)s.") % {"email": registration.email}
    return _("%(name)s is registered.") % {"name": registration.name}


def public_registration(request: HttpRequest, event_id: int) -> HttpResponse:
    """Anyone registers for a published event open to non-members; a mail with a confirmation link follows."""
    event = event_get(viewer=AnonymousUser(), pk=event_id)
    closed = registration_window_state(event, timezone.now())
    form = PublicRegistrationForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            registration = services.registration_create(
                actor=None,
                event=event,
                registrant=form.registrant(),
                language=translation.get_language() or "ja",
                base_url=_base_url(request),
            )
        except (ApplicationError, ValidationError) as error:
            add_service_error(form, error)
        else:
            return render(request, "events/public_thanks.html", {"event": event, "registration": registration})
    context = {"event": event, "form": form, "closed": closed, "sessions": event.sessions.all()}
    return render(request, "events/public_registration.html", context)


# -- a registrant's own page -------------------------------------------------------------------------------


def _by_token(registration_token: str) -> Registration:
    try:
        return services.registration_for_token(registration_token)
    except ApplicationError:
        raise Http404 from None


def registration_page(request: HttpRequest, registration_token: str) -> HttpResponse:
    """The registrant's page (linked from every mail): event, sessions, status, cancel, and the QR code that
    reception scans to check them in."""
    registration = _by_token(registration_token)
    event = registration.event
    checkin_url = request.build_absolute_uri(reverse("checkin-qr", kwargs={"registration_token": registration.token}))
    qr = None
    if registration.status == RegistrationStatus.CONFIRMED:
        qr = segno.make(checkin_url, error="m").svg_inline(scale=5, title=_("Check-in code"))
    actor = request.user if request.user.is_authenticated else None
    context = {
        "registration": registration,
        "event": event,
        "sessions": event.sessions.all(),
        "qr": qr,
        "can_cancel": services.can_cancel_now(registration, actor),
    }
    return render(request, "events/registration_page.html", context)


def registration_confirm(request: HttpRequest, registration_token: str) -> HttpResponse:
    """The link in the confirmation mail: a button, so that a mail scanner following links confirms nothing."""
    registration = _by_token(registration_token)
    if request.method == "POST":
        try:
            registration = services.registration_confirm_email(token=registration.token, base_url=_base_url(request))
        except ApplicationError as error:
            messages.error(request, error.message)
        else:
            messages.success(request, _status_message(registration))
            return redirect("registration-page", registration_token=registration.token)
    context = {"registration": registration, "event": registration.event}
    return render(request, "events/registration_confirm.html", context)


@require_POST
def registration_self_cancel(request: HttpRequest, registration_token: str) -> HttpResponse:
    registration = _by_token(registration_token)
    actor = request.user if request.user.is_authenticated else None
    try:
        services.registration_cancel(actor=actor, registration=registration, base_url=_base_url(request))
    except ApplicationError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("The registration is cancelled."))
    return redirect("registration-page", registration_token=registration.token)


@login_required
def my_registrations(request: AuthenticatedHttpRequest) -> HttpResponse:
    """A member or bank user's organisation's upcoming registrations; htmx loads it into the portal."""
    require(can_register_for_organization(request.user))
    registrations = selectors.organization_registrations(viewer=request.user)
    if request.htmx:
        return render(request, "events/registration_portal_block.html", {"registrations": registrations[:10]})
    page = Paginator(registrations, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "events/registration_mine.html", {"page": page, "query": ""})


# -- staff and organisers ----------------------------------------------------------------------------------


@login_required
def registration_list(request: AuthenticatedHttpRequest, event_id: int) -> HttpResponse:
    event = event_get(viewer=request.user, pk=event_id)
    require(can_run_event(request.user, event))
    registrations = selectors.registration_list(viewer=request.user, event=event).order_by(
        "status", "waitlisted_at", "name_kana", "pk"
    )
    status = request.GET.get("status", "")
    if status in RegistrationStatus.values:
        registrations = registrations.filter(status=status)
    page = Paginator(registrations, PAGE_SIZE).get_page(request.GET.get("page"))
    waiting = {r.pk: position for position, r in enumerate(selectors.waiting_list(event=event), start=1)}
    rows = [(registration, waiting.get(registration.pk)) for registration in page]
    context = {
        "event": event,
        "page": page,
        "rows": rows,
        "status": status,
        "statuses": RegistrationStatus.choices,
        "query": f"status={status}" if status else "",
        "now": timezone.now(),
    }
    return render(request, "events/registration_list.html", context)


def _next_or(request: HttpRequest, fallback: str) -> str:
    target = request.POST.get("next", "")
    if target and url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}):
        return target
    return fallback


@login_required
@require_POST
def registration_cancel(request: AuthenticatedHttpRequest, event_id: int, registration_id: int) -> HttpResponse:
    """Staff and organisers cancel from the list; member users their organisation's from the event page."""
    event = event_get(viewer=request.user, pk=event_id)
    require(can_run_event(request.user, event) or can_register_for_organization(request.user))
    registration = selectors.registration_get(viewer=request.user, event=event, pk=registration_id)
    try:
        services.registration_cancel(actor=request.user, registration=registration, base_url=_base_url(request))
    except ApplicationError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("The registration of %(name)s is cancelled.") % {"name": registration.name})
    fallback = reverse("registration-list" if can_run_event(request.user, event) else "event-detail", args=[event.pk])
    return redirect(_next_or(request, fallback))


def _reception_session(request: HttpRequest, event: Event) -> EventSession:
    session_id = request.POST.get("session") or request.GET.get("session")
    if session_id:
        try:
            return get_object_or_404(event.sessions, pk=int(session_id))
        except ValueError:
            raise Http404 from None
    session = services.session_for_check_in(event)
    return session or event.sessions.order_by("-starts_at", "-pk").first()  # type: ignore[return-value]


@login_required
def reception_list(request: AuthenticatedHttpRequest, event_id: int) -> HttpResponse:
    """The printable list of one session's confirmed registrants by kana, with a check-in button per row, and
    once the session is over those who did not come."""
    event = event_get(viewer=request.user, pk=event_id)
    require(can_run_event(request.user, event))
    session = _reception_session(request, event)
    # Annotated with `checked_in`, which the type checker cannot see on the model.
    registrations: list[Any] = list(selectors.reception_list(event=event, session=session))
    context = {
        "event": event,
        "session": session,
        "sessions": event.sessions.all(),
        "registrations": registrations,
        "checked_in_count": sum(1 for r in registrations if r.checked_in),
        "no_shows": [r for r in registrations if not r.checked_in] if session.ends_at <= timezone.now() else None,
    }
    return render(request, "events/reception_list.html", context)


@login_required
@require_POST
def reception_check_in(request: AuthenticatedHttpRequest, event_id: int, registration_id: int) -> HttpResponse:
    event = event_get(viewer=request.user, pk=event_id)
    require(can_run_event(request.user, event))
    session = _reception_session(request, event)
    registration = selectors.registration_get(viewer=request.user, event=event, pk=registration_id)
    error = notice = None
    try:
        _check_in, created = services.registration_check_in(
            actor=request.user, registration=registration, session=session, method=CheckIn.Method.LIST
        )
    except ApplicationError as refusal:
        error = refusal.message
    else:
        notice = None if created else _("%(name)s was already checked in.") % {"name": registration.name}
    if request.htmx:
        rows: list[Any] = list(selectors.reception_list(event=event, session=session))
        row = next((r for r in rows if r.pk == registration.pk), None)
        context = {
            "event": event, "session": session, "registration": row, "error": error, "notice": notice,
            "oob": True, "total": len(rows), "checked_in_count": sum(1 for r in rows if r.checked_in),
        }  # fmt: skip
        return render(request, "events/reception_row.html", context)
    if error:
        messages.error(request, error)
    elif notice:
        messages.info(request, notice)
    else:
        messages.success(request, _("%(name)s checked in.") % {"name": registration.name})
    return redirect(f"{reverse('reception-list', args=[event.pk])}?session={session.pk}#registration-{registration.pk}")


@login_required
def checkin_qr(request: AuthenticatedHttpRequest, registration_token: str) -> HttpResponse:
    """What reception's phone opens from a registrant's QR code: who it is, and a button to check them in."""
    registration = _by_token(registration_token)
    event = registration.event
    if not can_run_event(request.user, event):
        # The code is a link anyone can scan: only those running the event learn whose it is.
        raise Http404
    form = CheckInForm(request.POST if request.method == "POST" else None, event=event)
    session = services.session_for_check_in(event)
    if request.method == "POST" and form.is_valid():
        try:
            _check_in, created = services.registration_check_in(
                actor=request.user,
                registration=registration,
                session=form.cleaned_data["session"],
                method=CheckIn.Method.QR,
            )
        except ApplicationError as error:
            messages.error(request, error.message)
        else:
            if created:
                messages.success(request, _("%(name)s checked in.") % {"name": registration.name})
            else:
                messages.info(request, _("%(name)s was already checked in.") % {"name": registration.name})
            return redirect("checkin-qr", registration_token=registration.token)
    checked_in = (
        CheckIn.objects.filter(registration=registration, session=session).exists() if session is not None else False
    )
    context = {
        "registration": registration,
        "event": event,
        "session": session,
        "checked_in": checked_in,
        "form": form,
    }
    return render(request, "events/reception_checkin.html", context)
