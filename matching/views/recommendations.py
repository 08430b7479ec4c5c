"""Pages of the recommender: the seeds recommended for a need and the needs for a seed, with the reasons
(matched words highlighted) and the coordinators' feedback buttons; the coordinators' synonym dictionary."""

import re
from collections.abc import Iterable

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from clusternet.core.exceptions import ApplicationError
from clusternet.core.forms import add_service_error
from clusternet.core.permissions import require
from clusternet.core.types import AuthenticatedHttpRequest
from matching.forms.recommendations import RecommendationFeedbackForm, SynonymGroupForm
from matching.models import Need, RecommendationFeedback, Seed, SynonymGroup
from matching.permissions import can_coordinate
from matching.recommender.synonym_data import GROUPS
from matching.selectors import recommendations as selectors
from matching.selectors.visibility import needs_visible_to, seeds_visible_to
from matching.services import recommendations as services

PAGE_LIMIT = 20


def highlight(text: str, words: Iterable[str]) -> SafeString:
    """The text, escaped, with each of the words marked."""
    wanted = sorted({word for word in words if word}, key=len, reverse=True)
    if not wanted:
        return escape(text)
    pattern = re.compile("|".join(re.escape(word) for word in wanted))
    parts, last = [], 0
    for match in pattern.finditer(text):
        parts += [escape(text[last : match.start()]), f"<mark>{escape(match.group())}</mark>"]
        last = match.end()
    parts.append(escape(text[last:]))
    return mark_safe("".join(parts))  # noqa: S308 - every piece above is escaped


def _items(found: list[selectors.Recommendation], verdicts: dict[int, bool]) -> list[dict]:
    items = []
    for item in found:
        words = [reason.match_word for reason in item.reasons if reason.kind in ("word", "synonym")]
        items.append({
            "entry": item.entry, "score": item.score, "reasons": item.reasons,
            "title": highlight(item.entry.title, words), "description": highlight(item.entry.description, words),
            "verdict": verdicts.get(item.entry.pk),
        })  # fmt: skip
    return items


def _query_highlight(entry: Seed | Need, found: list[selectors.Recommendation]) -> SafeString:
    words = [reason.query_word for item in found for reason in item.reasons if reason.kind in ("word", "synonym")]
    return highlight(entry.description, words)


@login_required
def need_recommendations(request: AuthenticatedHttpRequest, need_id: int) -> HttpResponse:
    need = selectors.recommendable_need(viewer=request.user, need_id=need_id)
    found = selectors.need_recommendations(viewer=request.user, need=need, limit=PAGE_LIMIT)
    verdicts: dict[int, bool] = {}
    if can_coordinate(request.user):
        verdicts = dict(
            RecommendationFeedback.objects.filter(need=need, user=request.user).values_list("seed_id", "useful")
        )
    context = {
        "entry": need, "kind": "need", "items": _items(found, verdicts), "can_coordinate": can_coordinate(request.user),
        "query_description": _query_highlight(need, found),
    }  # fmt: skip
    return render(request, "matching/recommendations_list.html", context)


@login_required
def seed_recommendations(request: AuthenticatedHttpRequest, seed_id: int) -> HttpResponse:
    seed = selectors.recommendable_seed(viewer=request.user, seed_id=seed_id)
    found = selectors.seed_recommendations(viewer=request.user, seed=seed, limit=PAGE_LIMIT)
    verdicts: dict[int, bool] = {}
    if can_coordinate(request.user):
        verdicts = dict(
            RecommendationFeedback.objects.filter(seed=seed, user=request.user).values_list("need_id", "useful")
        )
    context = {
        "entry": seed, "kind": "seed", "items": _items(found, verdicts), "can_coordinate": can_coordinate(request.user),
        "query_description": _query_highlight(seed, found),
    }  # fmt: skip
    return render(request, "matching/recommendations_list.html", context)


@login_required
@require_POST
def recommendation_feedback(request: AuthenticatedHttpRequest, need_id: int, seed_id: int) -> HttpResponse:
    """A coordinator's useful / not useful on a pair: htmx swaps the buttons, a plain post goes back."""
    require(can_coordinate(request.user))
    need = needs_visible_to(request.user).filter(pk=need_id).first()
    seed = seeds_visible_to(request.user).filter(pk=seed_id).first()
    if need is None or seed is None:
        raise Http404
    form = RecommendationFeedbackForm(request.POST)
    if not form.is_valid():
        return HttpResponse(_("Choose useful or not useful."), status=400)
    services.recommendation_feedback(actor=request.user, need=need, seed=seed, useful=form.cleaned_data["useful"])
    back = request.POST.get("back") == "seed"
    if request.htmx:
        context = {"need": need, "seed": seed, "verdict": form.cleaned_data["useful"], "back": request.POST.get("back")}
        return render(request, "matching/recommendations_feedback.html", context)
    messages.success(request, _("Thank you: the feedback is recorded."))
    if back:
        return redirect("seed-recommendations", seed_id=seed.pk)
    return redirect("need-recommendations", need_id=need.pk)


@login_required
def synonym_list(request: AuthenticatedHttpRequest) -> HttpResponse:
    """The coordinators' synonym groups (editable) and the built-in ones; POST adds a group."""
    require(can_coordinate(request.user))
    form = SynonymGroupForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.synonym_group_create(actor=request.user, **form.cleaned_data)
        except ApplicationError as error:
            add_service_error(form, error)
        else:
            messages.success(request, _("The synonym group is added; the entries using its words are re-indexed."))
            return redirect("synonym-list")
    context = {"groups": SynonymGroup.objects.all(), "builtin": GROUPS, "form": form}
    return render(request, "matching/synonym_list.html", context)


@login_required
def synonym_edit(request: AuthenticatedHttpRequest, synonym_group_id: int) -> HttpResponse:
    require(can_coordinate(request.user))
    group = get_object_or_404(SynonymGroup, pk=synonym_group_id)
    initial = {"terms": "\n".join(group.terms), "note": group.note}
    form = SynonymGroupForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.synonym_group_update(actor=request.user, group=group, **form.cleaned_data)
        except ApplicationError as error:
            add_service_error(form, error)
        else:
            messages.success(request, _("The synonym group is saved; the entries using its words are re-indexed."))
            return redirect("synonym-list")
    return render(request, "matching/synonym_form.html", {"group": group, "form": form})


@login_required
@require_POST
def synonym_delete(request: AuthenticatedHttpRequest, synonym_group_id: int) -> HttpResponse:
    require(can_coordinate(request.user))
    group = get_object_or_404(SynonymGroup, pk=synonym_group_id)
    services.synonym_group_delete(actor=request.user, group=group)
    messages.success(request, _("The synonym group is deleted."))
    return redirect(reverse("synonym-list"))
