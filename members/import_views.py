"""Staff pages of the member-list import: upload, preview, confirm or cancel.

The uploaded file is parsed once and kept in the cache under a random token tied to the uploader, for an
hour. The preview plans the rows against the register on every view (so it shows what Confirm will do
now); nothing is written until Confirm, and Cancel forgets the upload.
"""

import secrets
from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.cache import cache
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from clusternet.core.exceptions import ApplicationError
from clusternet.core.permissions import require
from members.imports import (
    COLUMNS,
    COLUMNS_BY_KEY,
    ImportRow,
    ParsedFile,
    RowPlan,
    import_counts,
    import_file_parse,
    import_rows_check,
    import_template_csv,
    organization_import_apply,
)
from members.models import User
from members.permissions import can_manage_register

CACHE_PREFIX = "members:import:"
CACHE_TIMEOUT = 60 * 60
MAX_UPLOAD_BYTES = 20 * 1024 * 1024
PREVIEW_PAGE_SIZE = 1000
SHOW_FILTERS = {
    "all": lambda row: True,
    "errors": lambda row: row.plan == RowPlan.ERROR,
    "changes": lambda row: row.plan in (RowPlan.CREATE, RowPlan.UPDATE),
}


class ImportUploadForm(forms.Form):
    file = forms.FileField(
        label=gettext_lazy("Member list"),
        help_text=gettext_lazy("CSV (UTF-8 or Shift_JIS) or Excel (.xlsx), with a header row."),
        widget=forms.ClearableFileInput(attrs={"accept": ".csv,.txt,.tsv,.xlsx,.xlsm"}),
    )

    def clean_file(self) -> Any:
        upload = self.cleaned_data["file"]
        if upload.size > MAX_UPLOAD_BYTES:
            raise forms.ValidationError(
                _("The file is larger than %(size)d MB.") % {"size": MAX_UPLOAD_BYTES // (1024 * 1024)}
            )
        return upload


def _cache_key(token: str) -> str:
    return f"{CACHE_PREFIX}{token}"


def _load(request: HttpRequest, token: str) -> ParsedFile | None:
    """The upload behind a token, if it is still there and belongs to this user."""
    entry = cache.get(_cache_key(token))
    if not entry or entry.get("user_id") != request.user.pk:
        return None
    parsed = entry.get("parsed")
    return parsed if isinstance(parsed, ParsedFile) else None


def _expired(request: HttpRequest) -> HttpResponse:
    # Another user's token reads the same as an expired one: it reveals nothing about that upload.
    messages.error(request, _("This import preview has expired or does not exist; please upload the file again."))
    return redirect("organization-import")


@login_required
def organization_import(request: HttpRequest) -> HttpResponse:
    require(can_manage_register(request.user))
    form = ImportUploadForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            parsed = import_file_parse(upload, filename=upload.name)
        except ApplicationError as error:
            form.add_error("file", error.message)
        else:
            token = secrets.token_urlsafe(24)
            cache.set(_cache_key(token), {"user_id": request.user.pk, "parsed": parsed}, CACHE_TIMEOUT)
            return redirect("organization-import-preview", token)
    context = {"form": form, "columns": COLUMNS}
    return render(request, "members/import_upload.html", context)


def _error_list(row: ImportRow, parsed: ParsedFile) -> list[tuple[str, str]]:
    result: list[tuple[str, str]] = []
    for key, messages_ in row.errors.items():
        header = parsed.headers.get(key) or (str(COLUMNS_BY_KEY[key].label) if key in COLUMNS_BY_KEY else "")
        result.extend((header, message) for message in messages_)
    return result


def _change_list(row: ImportRow, parsed: ParsedFile) -> list[tuple[str, str, str]]:
    return [(parsed.headers.get(key, key), old, new) for key, old, new in row.changes]


@login_required
def organization_import_preview(request: HttpRequest, token: str) -> HttpResponse:
    require(can_manage_register(request.user))
    parsed = _load(request, token)
    if parsed is None:
        return _expired(request)
    rows = import_rows_check(parsed)
    show = request.GET.get("show", "all")
    if show not in SHOW_FILTERS:
        show = "all"
    shown = [row for row in rows if SHOW_FILTERS[show](row)]
    page = Paginator(shown, PREVIEW_PAGE_SIZE).get_page(request.GET.get("page"))
    entries = [{"row": row, "errors": _error_list(row, parsed), "changes": _change_list(row, parsed)} for row in page]
    context = {
        "token": token,
        "parsed": parsed,
        "counts": import_counts(rows),
        "page": page,
        "entries": entries,
        "show": show,
        "can_confirm": not any(row.plan == RowPlan.ERROR for row in rows),
    }
    return render(request, "members/import_preview.html", context)


@login_required
@require_POST
def organization_import_confirm(request: HttpRequest, token: str) -> HttpResponse:
    require(can_manage_register(request.user))
    parsed = _load(request, token)
    if parsed is None:
        return _expired(request)
    # A double click or a second tab must not apply the same upload twice at once.
    lock_key = _cache_key(token) + ":applying"
    if not cache.add(lock_key, 1, 10 * 60):
        messages.error(request, _("This import is already being applied."))
        return redirect("organization-import-preview", token)
    try:
        rows = import_rows_check(parsed)
        actor = request.user if isinstance(request.user, User) else None
        result = organization_import_apply(actor=actor, rows=rows, source=parsed.filename)
    except ApplicationError as error:
        messages.error(request, error.message)
        return redirect("organization-import-preview", token)
    finally:
        cache.delete(lock_key)
    cache.delete(_cache_key(token))
    messages.success(
        request,
        _(
            "Import finished: %(created)d organisations created, %(updated)d updated, %(unchanged)d unchanged; "
            "%(memberships)d memberships and %(contacts)d contacts added."
        )
        % {
            "created": result.created,
            "updated": result.updated,
            "unchanged": result.unchanged,
            "memberships": result.memberships_created,
            "contacts": result.contacts_created,
        },
    )
    return redirect("organization-list")


@login_required
@require_POST
def organization_import_cancel(request: HttpRequest, token: str) -> HttpResponse:
    require(can_manage_register(request.user))
    if _load(request, token) is not None:
        cache.delete(_cache_key(token))
    messages.info(request, _("The import was cancelled; nothing was written."))
    return redirect("organization-import")


@login_required
def organization_import_template(request: HttpRequest) -> HttpResponse:
    require(can_manage_register(request.user))
    response = HttpResponse(import_template_csv(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="member-list-template.csv"'
    return response
