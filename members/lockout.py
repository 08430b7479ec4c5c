"""What a locked-out login sees: JSON for the API, the page for the browser (django-axes calls this)."""

from typing import Any

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.utils.translation import gettext as _

LOCKED_STATUS = 429


def lockout_response(request: HttpRequest, original_response: HttpResponse | None, credentials: Any) -> HttpResponse:
    if request.path.startswith("/api/"):
        message = _("Too many failed logins. The account is locked for a while; please try again later.")
        return JsonResponse({"detail": message}, status=LOCKED_STATUS)
    return render(request, "registration/locked_out.html", status=LOCKED_STATUS)
