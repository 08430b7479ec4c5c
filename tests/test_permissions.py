"""The access matrix: every named URL of the project, every role, the status each must get.

The URL list comes from the resolver, so a new endpoint fails this test until its expected access
is written down here.
"""

import datetime

import pytest
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from billing.models import InvoiceRun
from billing.services.statements import bank_statement_import
from events.models import OutcomeCategory, VisitPlan, VisitSource
from tests.events.factories import EventFactory, FollowUpFactory, RegistrationFactory
from tests.events.study_groups_helpers import study_group_and_exhibition_objects
from tests.factories import ContactFactory, FeeTierFactory, MembershipFactory, invoice_issued
from tests.matching.permission_objects import (
    cases_objects,
    entries_objects,
    outcomes_objects,
    recommendations_objects,
    scheduling_objects,
    sessions_objects,
)

pytestmark = pytest.mark.django_db

ROLES = ["anonymous", "administrator", "secretariat", "coordinator", "member", "bank", "evaluator"]
# URL names that belong to frameworks, not to us.
FRAMEWORK_URLS = {"set_language"}


def _row(anonymous, administrator, secretariat, coordinator, member, bank, evaluator):
    return dict(zip(ROLES, (anonymous, administrator, secretariat, coordinator, member, bank, evaluator), strict=True))


# name: (method, expected status per role). `other` is an active, listed member organisation that is
# not the member's or the bank user's own.
EXPECTED = {
    # pages
    "healthz": ("get", _row(200, 200, 200, 200, 200, 200, 200)),
    "home": ("get", _row(302, 302, 302, 302, 302, 302, 302)),
    "login": ("get", _row(200, 200, 200, 200, 200, 200, 200)),
    "logout": ("post", _row(302, 302, 302, 302, 302, 302, 302)),
    "language-set": ("post", _row(302, 302, 302, 302, 302, 302, 302)),
    "join": ("get", _row(200, 200, 200, 200, 200, 200, 200)),
    "join-thanks": ("get", _row(200, 200, 200, 200, 200, 200, 200)),
    "portal": ("get", _row(302, 302, 302, 302, 200, 200, 302)),
    "directory": ("get", _row(302, 200, 200, 200, 200, 200, 200)),
    "organization-list": ("get", _row(302, 200, 200, 200, 403, 403, 403)),
    "organization-export": ("get", _row(302, 200, 200, 403, 403, 403, 403)),
    "organization-create": ("get", _row(302, 200, 200, 403, 403, 403, 403)),
    "organization-detail": ("get", _row(302, 200, 200, 200, 200, 200, 200)),
    "organization-edit": ("get", _row(302, 200, 200, 403, 403, 403, 403)),
    "membership-apply": ("post", _row(302, 302, 302, 403, 403, 403, 403)),
    "contact-create": ("get", _row(302, 200, 200, 403, 404, 404, 404)),
    "contact-edit": ("get", _row(302, 200, 200, 403, 404, 404, 404)),
    "contact-export": ("get", _row(302, 200, 200, 200, 404, 404, 404)),
    "contact-erase": ("post", _row(302, 302, 302, 403, 403, 403, 403)),
    "membership-transition": ("post", _row(302, 302, 302, 403, 403, 403, 403)),
    "membership-fee-override": ("post", _row(302, 302, 302, 403, 403, 403, 403)),
    "organization-import": ("get", _row(302, 200, 200, 403, 403, 403, 403)),
    "organization-import-template": ("get", _row(302, 200, 200, 403, 403, 403, 403)),
    # An unknown upload token sends staff back to the upload page.
    "organization-import-preview": ("get", _row(302, 302, 302, 403, 403, 403, 403)),
    "organization-import-confirm": ("post", _row(302, 302, 302, 403, 403, 403, 403)),
    "organization-import-cancel": ("post", _row(302, 302, 302, 403, 403, 403, 403)),
    "application-queue": ("get", _row(302, 200, 200, 403, 403, 403, 403)),
    "fee-tier-list": ("get", _row(302, 200, 200, 200, 403, 403, 403)),
    "fee-tier-create": ("get", _row(302, 200, 403, 403, 403, 403, 403)),
    "fee-tier-edit": ("get", _row(302, 200, 403, 403, 403, 403, 403)),
    "association-settings": ("get", _row(302, 200, 403, 403, 403, 403, 403)),
    # billing pages: invoices and runs (member and bank users see their own organisation's invoices only)
    "invoice-list": ("get", _row(302, 200, 200, 403, 200, 200, 403)),
    "invoice-create": ("get", _row(302, 200, 200, 403, 403, 403, 403)),
    "invoice-detail": ("get", _row(302, 200, 200, 404, 404, 404, 404)),
    "invoice-issue": ("post", _row(302, 302, 302, 403, 403, 403, 403)),
    "invoice-void": ("post", _row(302, 302, 302, 403, 403, 403, 403)),
    "invoice-credit": ("post", _row(302, 302, 302, 403, 403, 403, 403)),
    "invoice-correct": ("post", _row(302, 302, 302, 403, 403, 403, 403)),
    "invoice-run-list": ("get", _row(302, 200, 200, 403, 403, 403, 403)),
    # Without a fiscal year the preview sends staff back to the run page with a message.
    "invoice-run-preview": ("get", _row(302, 302, 302, 403, 403, 403, 403)),
    "invoice-run-create": ("post", _row(302, 302, 302, 403, 403, 403, 403)),
    "invoice-run-detail": ("get", _row(302, 200, 200, 403, 403, 403, 403)),
    # billing pages: documents (the `other` organisation's invoice has nothing paid, hence no receipt: 404; it
    # has no billing contact with an email, so a resend is refused with a message on the invoice page)
    "invoice-pdf": ("get", _row(302, 200, 200, 403, 404, 404, 403)),
    "invoice-receipt": ("get", _row(302, 404, 404, 403, 404, 404, 403)),
    "invoice-resend": ("post", _row(302, 302, 302, 403, 403, 403, 403)),
    "invoice-run-zip": ("get", _row(302, 200, 200, 403, 403, 403, 403)),
    # billing pages: payments and statements
    "payment-list": ("get", _row(302, 200, 200, 403, 403, 403, 403)),
    "payment-create": ("get", _row(302, 200, 200, 403, 403, 403, 403)),
    "payment-detail": ("get", _row(302, 200, 200, 403, 403, 403, 403)),
    # An empty allocation is refused with a message on the payment page.
    "payment-allocate": ("post", _row(302, 302, 302, 403, 403, 403, 403)),
    "payment-accept-short": ("post", _row(302, 302, 302, 403, 403, 403, 403)),
    "bank-statement-upload": ("get", _row(302, 200, 200, 403, 403, 403, 403)),
    "bank-statement-detail": ("get", _row(302, 200, 200, 403, 403, 403, 403)),
    "reconciliation-queue": ("get", _row(302, 200, 200, 403, 403, 403, 403)),
    "deposit-match": ("get", _row(302, 200, 200, 403, 403, 403, 403)),
    "deposit-ignore": ("post", _row(302, 302, 302, 403, 403, 403, 403)),
    # billing pages: reminders, reports and settings
    "payment-reminder-list": ("get", _row(302, 200, 200, 403, 403, 403, 403)),
    "billing-report": ("get", _row(302, 200, 200, 403, 403, 403, 403)),
    "billing-report-export": ("get", _row(302, 200, 200, 403, 403, 403, 403)),
    "billing-settings": ("get", _row(302, 200, 403, 403, 403, 403, 403)),
    "billing-audit": ("get", _row(302, 200, 200, 403, 403, 403, 403)),
    # events (the `event` is a published seminar open to non-members, with one session)
    "event-list": ("get", _row(302, 200, 200, 200, 200, 200, 200)),
    "event-create": ("get", _row(302, 200, 200, 403, 403, 403, 403)),
    "event-detail": ("get", _row(302, 200, 200, 200, 200, 200, 200)),
    "event-edit": ("get", _row(302, 200, 200, 403, 403, 403, 403)),
    # Publishing a published event is refused with a message on the event page.
    "event-publish": ("post", _row(302, 302, 302, 403, 403, 403, 403)),
    "session-create": ("get", _row(302, 200, 200, 403, 403, 403, 403)),
    "session-edit": ("get", _row(302, 200, 200, 403, 403, 403, 403)),
    # Removing the only session is refused with a message on the event page.
    "session-delete": ("post", _row(302, 302, 302, 403, 403, 403, 403)),
    # registrations (the `registration` is a confirmed free seat at the `event` of no organisation: member and
    # bank users do not see it; cancelling and checking in succeed and redirect; the public pages need no login;
    # the QR check-in page tells only those who run the event whose code it is)
    "registration-create": ("get", _row(302, 200, 200, 403, 200, 200, 403)),
    "public-registration": ("get", _row(200, 200, 200, 200, 200, 200, 200)),
    "registration-list": ("get", _row(302, 200, 200, 403, 403, 403, 403)),
    "registration-cancel": ("post", _row(302, 302, 302, 403, 404, 404, 403)),
    "reception-list": ("get", _row(302, 200, 200, 403, 403, 403, 403)),
    "reception-check-in": ("post", _row(302, 302, 302, 403, 403, 403, 403)),
    "my-registrations": ("get", _row(302, 403, 403, 403, 200, 200, 403)),
    "registration-page": ("get", _row(200, 200, 200, 200, 200, 200, 200)),
    "registration-confirm": ("get", _row(200, 200, 200, 200, 200, 200, 200)),
    "registration-self-cancel": ("post", _row(302, 302, 302, 302, 302, 302, 302)),
    "checkin-qr": ("get", _row(302, 200, 200, 404, 404, 404, 404)),
    # events: the activity report (staff and coordinators)
    "activity-report": ("get", _row(302, 200, 200, 200, 403, 403, 403)),
    "activity-report-export": ("get", _row(302, 200, 200, 200, 403, 403, 403)),
    # reminders, surveys and calendars: the reminder list and settings are staff's; the survey page is the
    # registration's (a seat at the `event`, which has not started: a message, not a form); survey results for
    # those who run the event; calendar files for anyone who may see the event (it is published and public).
    "reminder-list": ("get", _row(302, 200, 200, 403, 403, 403, 403)),
    "event-settings": ("get", _row(302, 200, 200, 403, 403, 403, 403)),
    "survey": ("get", _row(200, 200, 200, 200, 200, 200, 200)),
    "survey-results": ("get", _row(302, 200, 200, 403, 403, 403, 403)),
    "event-ics": ("get", _row(200, 200, 200, 200, 200, 200, 200)),
    "event-feed": ("get", _row(200, 200, 200, 200, 200, 200, 200)),
    # study groups (staff manage, coordinators read; the group has no fee, so invoicing it is refused with a
    # message) and exhibitions (staff and the event's organisers; nobody organises these)
    "study-group-list": ("get", _row(302, 200, 200, 200, 403, 403, 403)),
    "study-group-create": ("get", _row(302, 200, 200, 403, 403, 403, 403)),
    "study-group-detail": ("get", _row(302, 200, 200, 200, 403, 403, 403)),
    "study-group-edit": ("get", _row(302, 200, 200, 403, 403, 403, 403)),
    "study-group-member-add": ("get", _row(302, 200, 200, 403, 403, 403, 403)),
    "study-group-member-leave": ("post", _row(302, 302, 302, 403, 403, 403, 403)),
    "study-group-meeting-create": ("get", _row(302, 200, 200, 403, 403, 403, 403)),
    "study-group-invoice": ("post", _row(302, 302, 302, 403, 403, 403, 403)),
    "study-group-attendance": ("get", _row(302, 200, 200, 403, 403, 403, 403)),
    "exhibition-exhibitors": ("get", _row(302, 200, 200, 403, 403, 403, 403)),
    "exhibition-exhibitor-remove": ("post", _row(302, 302, 302, 403, 403, 403, 403)),
    "exhibition-leads": ("get", _row(302, 200, 200, 403, 403, 403, 403)),
    "exhibition-lead-contact": ("get", _row(302, 200, 200, 403, 403, 403, 403)),
    # API
    "api-schema": ("get", _row(200, 200, 200, 200, 200, 200, 200)),
    "api-docs": ("get", _row(200, 200, 200, 200, 200, 200, 200)),
    "api-token": ("post", _row(400, 400, 400, 400, 400, 400, 400)),
    "api-me": ("get", _row(401, 200, 200, 200, 200, 200, 200)),
    "api-organization-list": ("get", _row(401, 200, 200, 200, 200, 200, 200)),
    "api-organization-detail": ("get", _row(401, 200, 200, 200, 200, 200, 200)),
    "api-contact-list": ("get", _row(401, 200, 200, 200, 404, 404, 404)),
    "api-contact-detail": ("get", _row(401, 200, 200, 200, 404, 404, 404)),
    "api-contact-export": ("get", _row(401, 200, 200, 200, 404, 404, 404)),
    "api-contact-erase": ("post", _row(401, 204, 204, 403, 403, 403, 403)),
    "api-membership-list": ("get", _row(401, 200, 200, 200, 200, 200, 200)),
    "api-membership-detail": ("get", _row(401, 200, 200, 200, 404, 404, 404)),
    # Approving an active membership is refused by the life cycle (400) once access is granted.
    "api-membership-transition": ("post", _row(401, 400, 400, 403, 403, 403, 403)),
    "api-membership-fee-override": ("post", _row(401, 400, 400, 403, 403, 403, 403)),
    "api-fee-tier-list": ("get", _row(401, 200, 200, 200, 403, 403, 403)),
    "api-fee-tier-detail": ("get", _row(401, 200, 200, 200, 403, 403, 403)),
    "api-association-settings": ("get", _row(401, 200, 200, 200, 403, 403, 403)),
    # billing API: invoices and runs
    "api-invoice-list": ("get", _row(401, 200, 200, 200, 200, 200, 200)),
    "api-invoice-detail": ("get", _row(401, 200, 200, 404, 404, 404, 404)),
    "api-credit-note-create": ("post", _row(401, 400, 400, 404, 404, 404, 404)),
    "api-invoice-run-list": ("get", _row(401, 200, 200, 403, 403, 403, 403)),
    "api-invoice-run-preview": ("get", _row(401, 400, 400, 403, 403, 403, 403)),
    "api-invoice-run-detail": ("get", _row(401, 200, 200, 403, 403, 403, 403)),
    # billing API: documents (no receipt while nothing is paid; no resend without a billing contact email)
    "api-invoice-pdf": ("get", _row(401, 200, 200, 403, 404, 404, 403)),
    "api-invoice-receipt": ("get", _row(401, 404, 404, 403, 404, 404, 403)),
    "api-invoice-resend": ("post", _row(401, 400, 400, 403, 403, 403, 403)),
    "api-invoice-run-zip": ("get", _row(401, 200, 200, 403, 403, 403, 403)),
    # billing API: payments and statements
    "api-payment-list": ("get", _row(401, 200, 200, 403, 403, 403, 403)),
    "api-payment-detail": ("get", _row(401, 200, 200, 403, 403, 403, 403)),
    # Empty bodies are refused (400) once access is granted.
    "api-payment-allocations": ("post", _row(401, 400, 400, 403, 403, 403, 403)),
    "api-bank-statement-list": ("get", _row(401, 200, 200, 403, 403, 403, 403)),
    "api-bank-statement-detail": ("get", _row(401, 200, 200, 403, 403, 403, 403)),
    "api-deposit-list": ("get", _row(401, 200, 200, 403, 403, 403, 403)),
    "api-deposit-match": ("post", _row(401, 400, 400, 403, 403, 403, 403)),
    "api-deposit-ignore": ("post", _row(401, 400, 400, 403, 403, 403, 403)),
    # billing API: reminders, reports and settings
    "api-billing-report": ("get", _row(401, 200, 200, 403, 403, 403, 403)),
    "api-billing-settings": ("get", _row(401, 200, 200, 403, 403, 403, 403)),
    # visits, plans and follow-ups: staff and coordinators only. The `visit` was recorded by nobody, so only
    # staff edit it; the `follow_up` is owned by another coordinator. Empty posts get a message and a redirect.
    "visit-list": ("get", _row(302, 200, 200, 200, 403, 403, 403)),
    "visit-create": ("get", _row(302, 200, 200, 200, 403, 403, 403)),
    "coordinator-work": ("get", _row(302, 200, 200, 200, 403, 403, 403)),
    "visit-detail": ("get", _row(302, 200, 200, 200, 403, 403, 403)),
    "visit-edit": ("get", _row(302, 200, 200, 403, 403, 403, 403)),
    "follow-up-create": ("get", _row(302, 200, 200, 200, 403, 403, 403)),
    "follow-up-list": ("get", _row(302, 200, 200, 200, 403, 403, 403)),
    "follow-up-status": ("post", _row(302, 302, 302, 403, 403, 403, 403)),
    "visit-plan-list": ("get", _row(302, 200, 200, 200, 403, 403, 403)),
    "visit-plan-create": ("get", _row(302, 200, 200, 200, 403, 403, 403)),
    "visit-plan-decide": ("post", _row(302, 302, 302, 403, 403, 403, 403)),
    "outcome-category-list": ("get", _row(302, 200, 200, 403, 403, 403, 403)),
    "outcome-category-edit": ("get", _row(302, 200, 200, 403, 403, 403, 403)),
    "outcome-category-move": ("post", _row(302, 302, 302, 403, 403, 403, 403)),
    # visits API
    "api-visit-list": ("get", _row(401, 200, 200, 200, 403, 403, 403)),
    "api-visit-detail": ("get", _row(401, 200, 200, 200, 403, 403, 403)),
    "api-follow-up-list": ("get", _row(401, 200, 200, 200, 403, 403, 403)),
    "api-follow-up-detail": ("get", _row(401, 200, 200, 200, 403, 403, 403)),
    # events API
    "api-event-list": ("get", _row(401, 200, 200, 200, 200, 200, 200)),
    "api-event-detail": ("get", _row(401, 200, 200, 200, 200, 200, 200)),
    # registrations API (the same `registration`)
    "api-registration-list": ("get", _row(401, 200, 200, 403, 200, 200, 403)),
    "api-registration-cancel": ("post", _row(401, 200, 200, 403, 404, 404, 403)),
    "api-registration-check-in": ("post", _row(401, 201, 201, 403, 403, 403, 403)),
    # matching: seeds & needs (the `seed_id` and `need_id` are active entries of `other` visible to all members:
    # member and bank users read them but may not edit or withdraw them; evaluators have no part in matching;
    # the lead is not a contact yet, so its form asks for the organisation)
    "seed-list": ("get", _row(302, 200, 200, 200, 200, 200, 403)),
    "seed-create": ("get", _row(302, 200, 200, 200, 200, 200, 403)),
    "seed-detail": ("get", _row(302, 200, 200, 200, 200, 200, 403)),
    "seed-edit": ("get", _row(302, 200, 200, 200, 403, 403, 403)),
    "seed-withdraw": ("post", _row(302, 302, 302, 302, 403, 403, 403)),
    "need-list": ("get", _row(302, 200, 200, 200, 200, 200, 403)),
    "need-create": ("get", _row(302, 200, 200, 200, 200, 200, 403)),
    "need-from-lead": ("get", _row(302, 200, 200, 200, 403, 403, 403)),
    "need-detail": ("get", _row(302, 200, 200, 200, 200, 200, 403)),
    "need-edit": ("get", _row(302, 200, 200, 200, 403, 403, 403)),
    "need-withdraw": ("post", _row(302, 302, 302, 302, 403, 403, 403)),
    "my-entries": ("get", _row(302, 200, 200, 200, 200, 200, 403)),
    "screening-queue": ("get", _row(302, 200, 200, 200, 403, 403, 403)),
    "api-seed-list": ("get", _row(401, 200, 200, 200, 200, 200, 403)),
    "api-seed-detail": ("get", _row(401, 200, 200, 200, 200, 200, 403)),
    "api-need-list": ("get", _row(401, 200, 200, 200, 200, 200, 403)),
    "api-need-detail": ("get", _row(401, 200, 200, 200, 200, 200, 403)),
    # matching: cases (staff and coordinators only; an empty move is refused with the form's message, 400)
    "case-list": ("get", _row(302, 200, 200, 200, 403, 403, 403)),
    "case-create": ("get", _row(302, 200, 200, 200, 403, 403, 403)),
    "case-detail": ("get", _row(302, 200, 200, 200, 403, 403, 403)),
    "case-edit": ("get", _row(302, 200, 200, 200, 403, 403, 403)),
    "case-move": ("post", _row(302, 400, 400, 400, 403, 403, 403)),
    "case-funnel": ("get", _row(302, 200, 200, 200, 403, 403, 403)),
    "case-funnel-export": ("get", _row(302, 200, 200, 200, 403, 403, 403)),
    "pipeline": ("get", _row(302, 200, 200, 200, 403, 403, 403)),
    "api-case-list": ("get", _row(401, 200, 200, 200, 403, 403, 403)),
    "api-case-detail": ("get", _row(401, 200, 200, 200, 403, 403, 403)),
    "api-case-move": ("post", _row(401, 400, 400, 400, 403, 403, 403)),
    "api-case-funnel": ("get", _row(401, 200, 200, 200, 403, 403, 403)),
    # matching: recommendations (member and bank users ask only about their own organisation's entries: the
    # `other` organisation's answer 404; feedback and the synonym dictionary are the coordinators'; an empty
    # feedback is refused, 400)
    "need-recommendations": ("get", _row(302, 200, 200, 200, 404, 404, 403)),
    "seed-recommendations": ("get", _row(302, 200, 200, 200, 404, 404, 403)),
    "recommendation-feedback": ("post", _row(302, 400, 400, 400, 403, 403, 403)),
    "synonym-list": ("get", _row(302, 200, 200, 200, 403, 403, 403)),
    "synonym-edit": ("get", _row(302, 200, 200, 200, 403, 403, 403)),
    "synonym-delete": ("post", _row(302, 302, 302, 302, 403, 403, 403)),
    "api-need-recommendations": ("get", _row(401, 200, 200, 200, 404, 404, 403)),
    "api-seed-recommendations": ("get", _row(401, 200, 200, 200, 404, 404, 403)),
    "api-recommendation-feedback": ("post", _row(401, 400, 400, 400, 403, 403, 403)),
    # matching: sessions (the member user's organisation participates in the session, the bank user's does
    # not: 404; the matrix's coordinator is not one of the session's, so sees it without running it; the
    # `request_id` was made to the member's organisation, which may answer but not withdraw it)
    "session-list": ("get", _row(302, 200, 200, 200, 200, 200, 403)),
    "matching-session-create": ("get", _row(302, 200, 200, 403, 403, 403, 403)),
    "session-detail": ("get", _row(302, 200, 200, 200, 200, 404, 403)),
    "matching-session-edit": ("get", _row(302, 200, 200, 403, 403, 404, 403)),
    "session-slots": ("get", _row(302, 200, 200, 403, 403, 404, 403)),
    "session-status": ("post", _row(302, 302, 302, 403, 403, 404, 403)),
    "participant-add": ("get", _row(302, 200, 200, 403, 403, 404, 403)),
    "participant-edit": ("get", _row(302, 200, 200, 403, 200, 404, 403)),
    "participant-remove": ("post", _row(302, 302, 302, 403, 403, 404, 403)),
    "session-coordinator-add": ("get", _row(302, 200, 200, 403, 403, 404, 403)),
    "session-coordinator-edit": ("get", _row(302, 200, 200, 403, 403, 404, 403)),
    "request-list": ("get", _row(302, 200, 200, 200, 403, 404, 403)),
    "request-create": ("get", _row(302, 200, 200, 403, 200, 404, 403)),
    "meeting-add": ("get", _row(302, 200, 200, 403, 403, 404, 403)),
    "request-answer": ("post", _row(302, 302, 302, 403, 302, 404, 403)),
    "request-withdraw": ("post", _row(302, 302, 302, 403, 403, 404, 403)),
    "request-mark-coordinator": ("post", _row(302, 302, 302, 403, 403, 404, 403)),
    "api-matching-session-list": ("get", _row(401, 200, 200, 200, 200, 200, 403)),
    "api-matching-session-detail": ("get", _row(401, 200, 200, 200, 200, 404, 403)),
    "api-meeting-request-list": ("get", _row(401, 200, 200, 200, 200, 404, 403)),
    # An empty answer is refused (400) once access is granted.
    "api-meeting-request-answer": ("post", _row(401, 400, 400, 403, 400, 404, 403)),
    # matching: timetables & outcomes (the sessions' session, with a meeting of the member's organisation;
    # `target_id` is that organisation's participant timetable: its own for the member user; the bank user's
    # organisation does not take part: 404; the matrix's coordinator does not run the session: 403; empty
    # rating and outcome posts answer 400)
    "session-publish": ("post", _row(302, 302, 302, 403, 403, 404, 403)),
    "timetable-index": ("get", _row(302, 200, 200, 403, 403, 404, 403)),
    "timetable-index-pdf": ("get", _row(302, 200, 200, 403, 403, 404, 403)),
    "timetable": ("get", _row(302, 200, 200, 403, 200, 404, 403)),
    "timetable-pdf": ("get", _row(302, 200, 200, 403, 200, 404, 403)),
    "meeting-rate": ("get", _row(302, 200, 200, 403, 200, 404, 403)),
    "meeting-outcome": ("get", _row(302, 200, 200, 403, 403, 404, 403)),
    "session-report": ("get", _row(302, 200, 200, 403, 403, 404, 403)),
    "session-report-export": ("get", _row(302, 200, 200, 403, 403, 404, 403)),
    "api-session-publish": ("post", _row(401, 200, 200, 403, 403, 404, 403)),
    "api-session-report": ("get", _row(401, 200, 200, 403, 403, 404, 403)),
    "api-meeting-rating": ("post", _row(401, 400, 400, 403, 400, 404, 403)),
    "api-meeting-outcome": ("post", _row(401, 400, 400, 403, 400, 404, 403)),
    # matching: scheduling (the sessions' session, run by staff and its own coordinators only: the matrix's
    # coordinator does not run it, 403; empty posts are refused with a message on the schedule page, 302; an
    # empty run request starts an optimisation with the defaults, 201; a no-show before publication is refused)
    "schedule-detail": ("get", _row(302, 200, 200, 403, 403, 403, 403)),
    "schedule-runs": ("get", _row(302, 200, 200, 403, 403, 403, 403)),
    "schedule-meeting-move": ("post", _row(302, 302, 302, 403, 403, 403, 403)),
    "schedule-meeting-lock": ("post", _row(302, 302, 302, 403, 403, 403, 403)),
    "schedule-no-show": ("post", _row(302, 302, 302, 403, 403, 403, 403)),
    "api-schedule": ("get", _row(401, 200, 200, 403, 403, 403, 403)),
    "api-schedule-run-create": ("post", _row(401, 201, 201, 403, 403, 403, 403)),
    "api-schedule-run-detail": ("get", _row(401, 200, 200, 403, 403, 403, 403)),
}


def _url_names(patterns, prefix=""):
    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            if pattern.namespace == "admin":  # Django's own admin guards itself
                continue
            yield from _url_names(pattern.url_patterns)
        elif isinstance(pattern, URLPattern) and pattern.name and pattern.name not in FRAMEWORK_URLS:
            yield pattern.name


def test_every_url_has_its_access_written_down():
    assert sorted(set(_url_names(get_resolver().url_patterns))) == sorted(EXPECTED)


@pytest.fixture
def objects():
    membership = MembershipFactory(organization__name="相模原電機株式会社", organization__name_kana="サガミハラデンキ")
    other = membership.organization
    contact = ContactFactory(organization=other)
    tier = FeeTierFactory()
    invoice = invoice_issued(other, 70000)
    run = InvoiceRun.objects.create(fiscal_year=2026, as_of=datetime.date(2026, 11, 20), with_pdfs=False)
    statement = bank_statement_import(actor=None, filename="a.csv", content="2026/05/20,1000,ﾌﾒｲ\n".encode())
    deposit = statement.lines.get()
    event = EventFactory()
    follow_up = FollowUpFactory(owner__role="coordinator")
    plan = VisitPlan.objects.create(organization=other, reason="新聞記事", source=VisitSource.NEWSPAPER)
    return {
        "organization_id": other.pk,
        "contact_id": contact.pk,
        "membership_id": membership.pk,
        "tier_id": tier.pk,
        "fmt": "csv",
        "action": "approve",
        "token": "x",
        "invoice_id": invoice.pk,
        "run_id": run.pk,
        "statement_id": statement.pk,
        "line_id": deposit.pk,
        "payment_id": deposit.payment_id,
        "fiscal_year": 2026,
        "event_id": event.pk,
        "registration_token": RegistrationFactory(event=event).token,
        "registration_id": RegistrationFactory(event=event).pk,
        "visit_id": follow_up.visit_id,
        "follow_up_id": follow_up.pk,
        "plan_id": plan.pk,
        "outcome_category_id": OutcomeCategory.objects.first().pk,
        "session_id": event.sessions.get().pk,
        **study_group_and_exhibition_objects(),
        **entries_objects(other),
        **cases_objects(other),
        **recommendations_objects(),
        **sessions_objects(),
        **outcomes_objects(),  # after sessions_objects: its meeting is in that session
        **scheduling_objects(),  # after sessions_objects: its run is of that session
    }


def _kwargs_for(name, objects):
    from django.urls import get_resolver

    possibilities = get_resolver().reverse_dict.getlist(name)
    params = possibilities[0][0][0][1] if possibilities else []
    return {param: objects[param] for param in params}


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_access(name, role, users, objects, client, api_client_for):
    method, expected = EXPECTED[name]
    url = reverse(name, kwargs=_kwargs_for(name, objects))
    if name.startswith("api-"):
        http = api_client_for(None if role == "anonymous" else role)
    else:
        http = client
        if role != "anonymous":
            http.force_login(users[role], backend="members.backends.UsernameOrEmailBackend")
    response = getattr(http, method)(url)
    assert response.status_code == expected[role], f"{role} {method.upper()} {url}"
