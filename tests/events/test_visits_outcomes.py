"""Outcome categories: staff add, rename, reorder and retire them; retired ones stay on old visits."""

import pytest
from django.urls import reverse

from events.models import OutcomeCategory
from tests.events.factories import VisitFactory
from tests.events.visits_helpers import outcome

pytestmark = pytest.mark.django_db


def _names():
    return list(OutcomeCategory.objects.order_by("position", "pk").values_list("name", flat=True))


def test_staff_add_a_category_last_and_rename_it_in_both_languages(client_for):
    client = client_for("secretariat")
    assert (
        client.post(
            reverse("outcome-category-list"), {"name": "販路開拓", "name_en": "", "is_active": "on"}
        ).status_code
        == 302
    )
    assert _names()[-1] == "販路開拓"
    category = OutcomeCategory.objects.get(name="販路開拓")
    url = reverse("outcome-category-edit", args=[category.pk])
    data = {"name": "販路開拓支援", "name_en": "Sales channels", "position": category.position, "is_active": "on"}
    assert client.post(url, data).status_code == 302
    category.refresh_from_db()
    assert (category.name, category.name_en) == ("販路開拓支援", "Sales channels")


def test_a_duplicate_name_is_refused(client_for):
    response = client_for("secretariat").post(reverse("outcome-category-list"), {"name": "産学連携", "is_active": "on"})
    assert "同じ名称の区分がすでにあります。" in response.content.decode()
    assert _names().count("産学連携") == 1


def test_moving_a_category_up_swaps_it_with_the_one_above(client_for):
    before = _names()
    client_for("secretariat").post(reverse("outcome-category-move", args=[outcome(before[2]).pk]), {"direction": "up"})
    assert _names() == [before[0], before[2], before[1], *before[3:]]


def test_a_retired_category_stays_on_old_visits_and_is_not_offered(client_for, member_org):
    media = outcome("メディア紹介")
    visit = VisitFactory(organization=member_org)
    visit.outcomes.add(media)
    client = client_for("secretariat")
    data = {"name": media.name, "name_en": media.name_en, "position": media.position}
    client.post(reverse("outcome-category-edit", args=[media.pk]), data)

    assert list(visit.outcomes.all()) == [media]
    assert "メディア紹介" not in client.get(reverse("visit-create")).content.decode()
    assert "メディア紹介" in client.get(reverse("visit-detail", args=[visit.pk])).content.decode()


def test_coordinators_cannot_change_categories(client_for):
    assert client_for("coordinator").get(reverse("outcome-category-list")).status_code == 403
