"""The demo seeds and needs, loaded through the services on the member and events demos."""

from io import StringIO

import pytest
from django.core.management import call_command
from django.urls import reverse

from events.demo import events_demo_load
from matching.demo.entries import entries_demo_present, load_entries
from matching.models import EntryStatus, Need, Seed, Visibility
from members.demo import MEMBER_FIRM_NAME
from members.models import Role, User

pytestmark = pytest.mark.django_db


@pytest.fixture
def demo():
    call_command("seed_demo", organizations=30, stdout=StringIO())
    events_demo_load()
    assert not entries_demo_present()
    return load_entries()


def test_the_demo_has_varied_entries_in_every_state(demo, client):
    assert (demo.seeds, demo.needs) == (Seed.objects.count(), Need.objects.count()) == (30, 20)
    assert entries_demo_present()
    seeds = Seed.objects.all()
    assert {EntryStatus.ACTIVE, EntryStatus.SUBMITTED, EntryStatus.QUESTION, EntryStatus.DECLINED} <= set(
        seeds.values_list("status", flat=True)
    )
    assert seeds.filter(visibility=Visibility.COORDINATORS).exists()
    assert seeds.filter(visibility=Visibility.NAMED, audience__isnull=False).exists()
    assert len(set(seeds.values_list("field", flat=True))) == 6
    assert Need.objects.filter(visit__isnull=False).count() == 3
    mine = Seed.objects.get(owner__name=MEMBER_FIRM_NAME, status=EntryStatus.QUESTION)
    client.force_login(User.objects.get(username="member"), backend="members.backends.UsernameOrEmailBackend")
    assert mine.screening_note in client.get(reverse("seed-detail", args=[mine.pk])).content.decode()
    client.force_login(
        User.objects.get(role=Role.COORDINATOR, username="coordinator"),
        backend="members.backends.UsernameOrEmailBackend",
    )
    assert client.get(reverse("screening-queue")).status_code == 200
