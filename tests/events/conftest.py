"""Fixtures of the events tests."""

import importlib

import pytest

# The default outcome categories come from a data migration. Tests that commit for real (transaction=True)
# leave the database flushed behind them, migration data included, so the defaults are put back here.
_defaults = importlib.import_module("events.migrations.0002_default_outcome_categories")


@pytest.fixture(autouse=True)
def outcome_categories(db):
    from django.apps import apps

    _defaults.create_defaults(apps, None)
