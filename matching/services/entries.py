"""Writes to seeds and needs: registering and editing them, withdrawing and resubmitting, and the coordinators'
screening in bulk.

Every change re-indexes the entry for the recommender once the transaction commits. A refused entry saves
nothing: the checks all run before the first write.
"""

import re
import unicodedata
from collections import defaultdict
from collections.abc import Iterable, Sequence
from functools import partial
from typing import Any, TypeVar

from django.core.mail import EmailMessage
from django.db import models, transaction
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext

from clusternet.core.exceptions import ApplicationError
from clusternet.core.services import apply_fields
from events.models import ExhibitionLead
from matching.models import EntryStatus, Need, NeedTiming, PatentStatus, Seed, Stage, TechField, Visibility
from matching.permissions import can_coordinate, can_edit_entry, can_use_matching
from matching.services.recommendations import entry_index_later
from members.models import ORGANIZATION_ROLES, Organization, User

EntryT = TypeVar("EntryT", Seed, Need)

ENTRY_FIELDS = ["title", "description", "field", "keywords", "stage", "visibility", "visit"]
SEED_FIELDS = [*ENTRY_FIELDS, "patent_status", "offers_license", "offers_joint_research", "offers_supply"]
NEED_FIELDS = [*ENTRY_FIELDS, "timing", "budget_min", "budget_max"]

KEYWORD_MAX_LENGTH = 40
KEYWORD_MAX_COUNT = 20
# Commas in both widths, the Japanese 読点 and the middle dot people type between keywords.
_KEYWORD_SEPARATORS = re.compile(r"[,，、;；・\n]+")

# Statuses in which the owner may still change an entry; declined and withdrawn ones are closed.
EDITABLE_STATUSES = {EntryStatus.DRAFT, EntryStatus.SUBMITTED, EntryStatus.QUESTION, EntryStatus.ACTIVE}


class ScreeningDecision(models.TextChoices):
    # Lazy: the labels are read per request, in the viewer's language, not once at import.
    ACCEPT = "accept", gettext_lazy("Accept")
    QUESTION = "question", gettext_lazy("Send back with a question")
    DECLINE = "decline", gettext_lazy("Decline")


def keywords_parse(value: str | Iterable[str] | None) -> list[str]:
    """Keywords as a clean list: a comma- or 読点-separated string or a list, stripped, width-folded, deduplicated."""
    if value is None:
        return []
    parts = _KEYWORD_SEPARATORS.split(value) if isinstance(value, str) else list(value)
    keywords: list[str] = []
    for part in parts:
        if not isinstance(part, str):
            raise ApplicationError(_("Keywords must be a list of words."), extra={"field": "keywords"})
        word = unicodedata.normalize("NFKC", part).strip()
        if word and word not in keywords:
            keywords.append(word)
    return keywords


def status_label(entry: Seed | Need) -> str:
    """The entry's status for people; "Withdrawn" alone already translates as a membership's withdrawal."""
    if entry.status == EntryStatus.WITHDRAWN:
        return pgettext("entry status", "Withdrawn")
    return entry.get_status_display()


def _kind_label(entry: Seed | Need) -> str:
    return _("seed") if isinstance(entry, Seed) else _("need")


def _audience_resolve(audience: Iterable[Organization | int]) -> list[Organization]:
    """The named organisations; an id that names no organisation is refused with the id in the message."""
    given = list(audience)
    ids = [item.pk if isinstance(item, Organization) else item for item in given]
    for value in ids:
        if not isinstance(value, int) or isinstance(value, bool):
            raise ApplicationError(
                _("Organisations that may see it are given by their ids."), extra={"field": "audience"}
            )
    found = {o.pk: o for o in Organization.objects.filter(pk__in=ids)}
    unknown = [str(pk) for pk in ids if pk not in found]
    if unknown:
        raise ApplicationError(
            _("There is no organisation with the id %(ids)s: check the organisations that may see it.")
            % {"ids": ", ".join(unknown)},
            extra={"field": "audience", "unknown": [int(pk) for pk in unknown]},
        )
    return list(dict.fromkeys(found[pk] for pk in ids))


def _validate(entry: Seed | Need, audience: list[Organization]) -> list[Organization]:
    """Checks an entry before anything is written; answers the audience to store (empty unless NAMED)."""
    entry.title = (entry.title or "").strip()
    entry.description = (entry.description or "").strip()
    if not entry.title:
        raise ApplicationError(_("Give the entry a title."), extra={"field": "title"})
    if not entry.description:
        message = (
            _("Describe the technology: what it does and what it is good for.")
            if isinstance(entry, Seed)
            else _("Describe the need: what problem should be solved, or which technology is wanted.")
        )
        raise ApplicationError(message, extra={"field": "description"})
    if entry.field not in TechField.values:
        raise ApplicationError(_("Choose the field of the entry."), extra={"field": "field"})
    if entry.stage not in Stage.values:
        raise ApplicationError(_("Choose the stage of the entry."), extra={"field": "stage"})
    if entry.visibility not in Visibility.values:
        raise ApplicationError(_("Choose who may see the entry."), extra={"field": "visibility"})
    entry.keywords = keywords_parse(entry.keywords)
    if len(entry.keywords) > KEYWORD_MAX_COUNT:
        raise ApplicationError(
            _("Give at most %(count)s keywords.") % {"count": KEYWORD_MAX_COUNT}, extra={"field": "keywords"}
        )
    if any(len(word) > KEYWORD_MAX_LENGTH for word in entry.keywords):
        raise ApplicationError(
            _("A keyword is at most %(count)s characters: separate keywords with commas.")
            % {"count": KEYWORD_MAX_LENGTH},
            extra={"field": "keywords"},
        )
    if isinstance(entry, Seed) and entry.patent_status not in PatentStatus.values:
        raise ApplicationError(_("Choose the patent status."), extra={"field": "patent_status"})
    if isinstance(entry, Need):
        if entry.timing not in NeedTiming.values:
            raise ApplicationError(_("Choose the desired timing."), extra={"field": "timing"})
        for name in ("budget_min", "budget_max"):
            value = getattr(entry, name)
            if value is not None and (not isinstance(value, int) or value < 0):
                raise ApplicationError(_("A budget is a whole number of yen, not negative."), extra={"field": name})
        if entry.budget_min is not None and entry.budget_max is not None and entry.budget_min > entry.budget_max:
            raise ApplicationError(
                _("The budget's lower end cannot be above its upper end."), extra={"field": "budget_max"}
            )
    if entry.visit is not None and entry.visit.organization_id != entry.owner_id:
        raise ApplicationError(
            _("The visit linked to an entry must be to the entry's organisation."), extra={"field": "visit"}
        )
    entry.full_clean(exclude=["owner", "visit", "lead", "screened_by", "registered_by", "keywords"])
    if entry.visibility != Visibility.NAMED:
        return []
    audience = [o for o in audience if o.pk != entry.owner_id]
    if not audience:
        raise ApplicationError(
            _("Name at least one organisation that may see it, or choose another visibility."),
            extra={"field": "audience"},
        )
    return audience


def _owner_for(actor: User, owner: Organization | None) -> Organization:
    if not can_use_matching(actor):
        raise ApplicationError(_("Your account cannot register seeds or needs."))
    if not can_coordinate(actor):
        # A firm registers for itself only, whatever the request said.
        if actor.organization is None:
            raise ApplicationError(_("Your account cannot register seeds or needs."))
        return actor.organization
    if owner is None:
        raise ApplicationError(_("Choose the organisation the entry belongs to."), extra={"field": "owner"})
    return owner


def _save(entry: Seed | Need, *, actor: User, audience: list[Organization] | None) -> None:
    entry._history_user = actor  # type: ignore[union-attr]
    entry.save()
    if audience is not None:
        entry.audience.set(audience)
    entry_index_later(entry)


def _create(
    model: type[EntryT],
    allowed: list[str],
    *,
    actor: User,
    owner: Organization | None,
    data: dict[str, Any],
    audience: Iterable[Organization | int],
    accept: bool,
    lead: ExhibitionLead | None = None,
) -> EntryT:
    entry = model(owner=_owner_for(actor, owner), registered_by=actor, status=EntryStatus.SUBMITTED)
    apply_fields(entry, data, allowed)
    internal = can_coordinate(actor)
    if entry.visit_id is not None and not internal:
        raise ApplicationError(_("Only coordinators link an entry to a visit."), extra={"field": "visit"})
    if accept:
        if not internal:
            raise ApplicationError(_("Only coordinators accept entries."), extra={"field": "accept"})
        # Registered at the coordinators' meeting: screened on the spot.
        entry.status, entry.screened_by, entry.screened_at = EntryStatus.ACTIVE, actor, timezone.now()
    if lead is not None and isinstance(entry, Need):
        entry.lead = lead
    names = _validate(entry, _audience_resolve(audience))
    _save(entry, actor=actor, audience=names)
    return entry


@transaction.atomic
def seed_create(
    *,
    actor: User,
    owner: Organization | None,
    data: dict[str, Any],
    audience: Iterable[Organization | int] = (),
    accept: bool = False,
) -> Seed:
    """Registers a seed, awaiting screening; a firm's user registers for their own organisation only, a
    coordinator for any (optionally from a visit) and may accept it at once."""
    return _create(Seed, SEED_FIELDS, actor=actor, owner=owner, data=data, audience=audience, accept=accept)


@transaction.atomic
def need_create(
    *,
    actor: User,
    owner: Organization | None,
    data: dict[str, Any],
    audience: Iterable[Organization | int] = (),
    accept: bool = False,
) -> Need:
    """Registers a need; the same rules as `seed_create`."""
    return _create(Need, NEED_FIELDS, actor=actor, owner=owner, data=data, audience=audience, accept=accept)


@transaction.atomic
def need_from_lead(
    *,
    actor: User,
    lead: ExhibitionLead,
    data: dict[str, Any],
    owner: Organization | None = None,
    audience: Iterable[Organization | int] = (),
    accept: bool = False,
) -> Need:
    """Registers what a visitor at the booth asked for as a need of their organisation, keeping the lead.

    The organisation is the lead's contact's, once the lead is in the register; before that the coordinator
    chooses it (or first makes the lead a contact on the exhibition's page).
    """
    if not can_coordinate(actor):
        raise ApplicationError(_("Only coordinators register needs from exhibition leads."))
    if lead.contact is not None:
        owner = lead.contact.organization
    if owner is None:
        raise ApplicationError(
            _("This lead is not in the register yet: choose its organisation, or make the lead a contact first."),
            extra={"field": "owner"},
        )
    return _create(Need, NEED_FIELDS, actor=actor, owner=owner, data=data, audience=audience, accept=accept, lead=lead)


def _update(
    entry: EntryT,
    allowed: list[str],
    *,
    actor: User,
    data: dict[str, Any],
    audience: Iterable[Organization | int] | None,
) -> EntryT:
    if not can_edit_entry(actor, entry):
        raise ApplicationError(_("You cannot change this entry."))
    entry = type(entry).objects.select_for_update().get(pk=entry.pk)
    internal = can_coordinate(actor)
    if not internal and entry.status not in EDITABLE_STATUSES:
        raise ApplicationError(
            _("A declined or withdrawn entry cannot be changed; register it again if it is still current.")
        )
    data = dict(data)
    if "owner" in data:
        owner = data.pop("owner")
        if owner != entry.owner:
            if not internal:
                raise ApplicationError(_("An entry cannot be moved to another organisation."), extra={"field": "owner"})
            if owner is None:
                raise ApplicationError(_("Choose the organisation the entry belongs to."), extra={"field": "owner"})
            entry.owner = owner
    if "visit" in data and not internal and data["visit"] != entry.visit:
        raise ApplicationError(_("Only coordinators link an entry to a visit."), extra={"field": "visit"})
    apply_fields(entry, data, allowed)
    names = _audience_resolve(audience) if audience is not None else list(entry.audience.all())
    names = _validate(entry, names)
    if not internal and entry.status == EntryStatus.QUESTION:
        # The firm answered the coordinators' question by editing: back to the queue.
        entry.status = EntryStatus.SUBMITTED
    _save(entry, actor=actor, audience=names)
    return entry


@transaction.atomic
def seed_update(
    *, actor: User, seed: Seed, data: dict[str, Any], audience: Iterable[Organization | int] | None = None
) -> Seed:
    """Changes a seed (`audience` None keeps the named organisations). A firm's edit of an entry sent back with
    a question resubmits it."""
    return _update(seed, SEED_FIELDS, actor=actor, data=data, audience=audience)


@transaction.atomic
def need_update(
    *, actor: User, need: Need, data: dict[str, Any], audience: Iterable[Organization | int] | None = None
) -> Need:
    """Changes a need; the same rules as `seed_update`."""
    return _update(need, NEED_FIELDS, actor=actor, data=data, audience=audience)


def _set_status(entry: Seed | Need, *, actor: User, status: str) -> Seed | Need:
    entry.status = status
    entry._history_user = actor  # type: ignore[union-attr]
    entry.save(update_fields=["status", "updated_at"])
    entry_index_later(entry)
    return entry


@transaction.atomic
def entry_submit(*, actor: User, entry: Seed | Need) -> Seed | Need:
    """Puts a draft, an entry sent back with a question, or a withdrawn one (back) in the screening queue."""
    if not can_edit_entry(actor, entry):
        raise ApplicationError(_("You cannot change this entry."))
    entry = type(entry).objects.select_for_update().get(pk=entry.pk)
    if entry.status not in (EntryStatus.DRAFT, EntryStatus.QUESTION, EntryStatus.WITHDRAWN):
        raise ApplicationError(_("Only a draft, an entry sent back with a question or a withdrawn one is submitted."))
    return _set_status(entry, actor=actor, status=EntryStatus.SUBMITTED)


@transaction.atomic
def entry_withdraw(*, actor: User, entry: Seed | Need) -> Seed | Need:
    """Takes an entry out of matching and out of the queue, at the owner's or a coordinator's wish."""
    if not can_edit_entry(actor, entry):
        raise ApplicationError(_("You cannot change this entry."))
    entry = type(entry).objects.select_for_update().get(pk=entry.pk)
    if entry.status in (EntryStatus.WITHDRAWN, EntryStatus.DECLINED):
        raise ApplicationError(_("This entry is already out of matching."))
    return _set_status(entry, actor=actor, status=EntryStatus.WITHDRAWN)


Decision = tuple[Seed | Need, str, str]

_DECISION_STATUS = {
    ScreeningDecision.ACCEPT: EntryStatus.ACTIVE,
    ScreeningDecision.QUESTION: EntryStatus.QUESTION,
    ScreeningDecision.DECLINE: EntryStatus.DECLINED,
}


@transaction.atomic
def entries_screen(*, actor: User, decisions: Sequence[Decision]) -> list[Seed | Need]:
    """The coordinators' meeting decides on submitted entries in one go: accept (active for matching), send
    back with a question, or decline with a reason. All decisions are saved, or none.

    After the commit each owner organisation's users get one mail listing what was decided on their entries.
    """
    if not can_coordinate(actor):
        raise ApplicationError(_("Only coordinators screen entries."))
    if not decisions:
        raise ApplicationError(_("Choose a decision for at least one entry."))
    seen: set[tuple[str, int]] = set()
    locked: list[tuple[Seed | Need, str, str]] = []
    for index, (entry, decision, note) in enumerate(decisions):
        key = (type(entry).__name__, entry.pk)
        extra = {"entry": index, "field": "note"}
        if key in seen:
            raise ApplicationError(_("“%(title)s” is decided twice.") % {"title": entry.title}, extra=extra)
        seen.add(key)
        current = type(entry).objects.select_for_update(of=("self",)).select_related("owner").get(pk=entry.pk)
        if current.status != EntryStatus.SUBMITTED:
            raise ApplicationError(
                _("“%(title)s” is no longer awaiting screening (%(status)s).")
                % {"title": current.title, "status": status_label(current)},
                extra=extra,
            )
        if decision not in ScreeningDecision.values:
            raise ApplicationError(_("Unknown decision: %(decision)s") % {"decision": decision}, extra=extra)
        note = (note or "").strip()
        if decision == ScreeningDecision.QUESTION and not note:
            raise ApplicationError(
                _("Write the question to the owner of “%(title)s”.") % {"title": current.title}, extra=extra
            )
        if decision == ScreeningDecision.DECLINE and not note:
            raise ApplicationError(
                _("Give the reason for declining “%(title)s”.") % {"title": current.title}, extra=extra
            )
        locked.append((current, decision, note))
    now = timezone.now()
    screened: list[Seed | Need] = []
    for entry, decision, note in locked:
        entry.status = _DECISION_STATUS[ScreeningDecision(decision)]
        entry.screening_note = note
        entry.screened_at, entry.screened_by = now, actor
        entry._history_user = actor  # type: ignore[union-attr]
        entry.save(update_fields=["status", "screening_note", "screened_at", "screened_by", "updated_at"])
        entry_index_later(entry)
        screened.append(entry)
    by_owner: dict[int, list[tuple[str, int]]] = defaultdict(list)
    for entry in screened:
        by_owner[entry.owner_id].append(("seed" if isinstance(entry, Seed) else "need", entry.pk))
    for owner_id, keys in by_owner.items():
        # robust: a mail server that is down must not turn a saved screening into an error page.
        transaction.on_commit(partial(screening_results_send, owner_id, keys), robust=True)
    return screened


def screening_results_send(owner_id: int, keys: Sequence[tuple[str, int]]) -> int:
    """Mails the owner's active users what the coordinators decided, each in their language; answers how many
    mails went out."""
    seeds = {s.pk: s for s in Seed.objects.filter(pk__in=[pk for kind, pk in keys if kind == "seed"])}
    needs = {n.pk: n for n in Need.objects.filter(pk__in=[pk for kind, pk in keys if kind == "need"])}
    found: dict[str, dict[int, Seed | Need]] = {"seed": dict(seeds), "need": dict(needs)}
    entries = [found[kind][pk] for kind, pk in keys if pk in found[kind]]
    recipients = User.objects.filter(organization_id=owner_id, role__in=ORGANIZATION_ROLES, is_active=True).exclude(
        email=""
    )
    sent = 0
    for user in recipients:
        with translation.override(user.language or "ja"):
            rows = [
                {"kind": _kind_label(e), "title": e.title, "status": status_label(e), "note": e.screening_note}
                for e in entries
            ]
            context = {"user": user, "rows": rows}
            subject = render_to_string("matching/screening_mail_subject.txt", context).strip()
            body = render_to_string("matching/screening_mail.txt", context)
        EmailMessage(subject, body, to=[user.email]).send()
        sent += 1
    return sent
