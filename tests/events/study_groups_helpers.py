"""Objects the permission matrix needs for the study group and exhibition URLs."""

from events.models import EventKind, ExhibitionLead, Exhibitor, StudyGroupMember, StudyGroupRole
from tests.events.factories import EventFactory, StudyGroupFactory
from tests.factories import ContactFactory, OrganizationFactory


def study_group_and_exhibition_objects() -> dict[str, int]:
    """A group without a fee and one person on its roster, a meeting of it (nobody organising it), and an
    exhibition with one firm at its booth and one lead not yet a contact."""
    group = StudyGroupFactory()
    seat = StudyGroupMember.objects.create(study_group=group, contact=ContactFactory(), role=StudyGroupRole.CHAIR)
    meeting = EventFactory(kind=EventKind.STUDY_GROUP, study_group=group, is_public=False)
    exhibition = EventFactory(kind=EventKind.EXHIBITION)
    exhibitor = Exhibitor.objects.create(event=exhibition, organization=OrganizationFactory())
    lead = ExhibitionLead.objects.create(event=exhibition, name="来場 一郎", organization_name="来場", interest="防水")
    return {
        "study_group_id": group.pk,
        "seat_id": seat.pk,
        "study_meeting_id": meeting.pk,
        "exhibition_id": exhibition.pk,
        "exhibitor_id": exhibitor.pk,
        "lead_id": lead.pk,
    }
