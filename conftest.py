"""Fixtures shared by the whole suite: one user per role and API clients signed in as them."""

import importlib

import pytest
from celery.contrib.testing.worker import start_worker
from django.utils import translation
from rest_framework.test import APIClient

from clusternet.celery import app
from members.models import OrganizationKind, Role
from tests.factories import MembershipFactory, OrganizationFactory, UserFactory

# The default outcome categories come from a data migration. Tests that commit for real (transaction=True)
# leave the database flushed behind them, migration data included, so the defaults are put back before each
# test (serialized rollback would instead clash with the content types the flush recreates).
_outcome_defaults = importlib.import_module("events.migrations.0002_default_outcome_categories")


@pytest.fixture(autouse=True)
def outcome_categories(request):
    if "django_db" not in request.keywords:
        return
    from django.apps import apps

    request.getfixturevalue("db")
    _outcome_defaults.create_defaults(apps, None)


@pytest.fixture
def member_org():
    return MembershipFactory(organization__name="株式会社多摩精密", organization__name_kana="タマセイミツ").organization


@pytest.fixture
def bank_org():
    return MembershipFactory(
        organization__kind=OrganizationKind.FINANCIAL_INSTITUTION,
        organization__name="多摩信用金庫",
        organization__name_kana="タマシンヨウキンコ",
    ).organization


@pytest.fixture
def users(member_org, bank_org):
    """One user per role; the member user belongs to `member_org`, the bank user to `bank_org`."""
    return {
        Role.ADMINISTRATOR: UserFactory(role=Role.ADMINISTRATOR, username="admin"),
        Role.SECRETARIAT: UserFactory(role=Role.SECRETARIAT, username="staff"),
        Role.COORDINATOR: UserFactory(role=Role.COORDINATOR, username="coordinator"),
        Role.MEMBER: UserFactory(role=Role.MEMBER, username="member", organization=member_org),
        Role.BANK: UserFactory(role=Role.BANK, username="bank", organization=bank_org),
        Role.EVALUATOR: UserFactory(role=Role.EVALUATOR, username="evaluator"),
    }


@pytest.fixture
def api_client_for(users):
    """api_client_for("member") -> an APIClient signed in as that role's user (None: anonymous)."""

    def make(role: str | None) -> APIClient:
        client = APIClient()
        if role is not None:
            client.force_authenticate(users[role])
        return client

    return make


@pytest.fixture
def client_for(users, client):
    def make(role: str | None):
        if role is not None:
            client.force_login(users[role], backend="members.backends.UsernameOrEmailBackend")
        return client

    return make


@pytest.fixture
def other_org():
    return OrganizationFactory(name="相模原電機株式会社", name_kana="サガミハラデンキ")


@pytest.fixture
def celery_worker():
    """A real Celery worker on Redis for the duration of a test (the rest of the suite runs tasks eagerly)."""
    app.conf.task_always_eager = False
    try:
        with start_worker(app, pool="solo", concurrency=1, perform_ping_check=False, shutdown_timeout=10):
            yield
    finally:
        app.conf.task_always_eager = True


@pytest.fixture
def english():
    """Messages checked against their English msgids, whatever the locale files translate them to; the pages'
    tests check what Japanese users read."""
    with translation.override("en"):
        yield


@pytest.fixture
def english_users(users):
    """Every role's user reads the pages in English."""
    for user in users.values():
        user.language = "en"
        user.save(update_fields=["language"])
