"""Registrations through the API: list and register, cancel, check in. Same services and scoping as the pages."""

from typing import Any

from django.conf import settings
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema
from rest_framework import serializers, status
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from clusternet.core.api import paginated_response
from clusternet.core.exceptions import ApplicationError
from clusternet.core.permissions import require
from clusternet.core.types import AuthenticatedRequest
from events.models import CheckIn, EventSession, Registration, RegistrationStatus
from events.permissions import can_manage_events, can_register_for_organization, can_run_event
from events.selectors import registrations as selectors
from events.selectors.events import event_get
from events.services import registrations as services
from members.models import Contact


class RegistrationOutputSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    event = serializers.IntegerField(source="event_id")
    status = serializers.ChoiceField(choices=RegistrationStatus.choices)
    name = serializers.CharField()
    name_kana = serializers.CharField()
    email = serializers.EmailField()
    organization = serializers.IntegerField(source="organization_id", allow_null=True)
    organization_name = serializers.CharField()
    contact = serializers.IntegerField(source="contact_id", allow_null=True)
    is_member = serializers.BooleanField()
    price = serializers.IntegerField()
    invoice = serializers.IntegerField(source="invoice_id", allow_null=True)
    confirmed_at = serializers.DateTimeField(allow_null=True)
    waitlisted_at = serializers.DateTimeField(allow_null=True)
    cancelled_at = serializers.DateTimeField(allow_null=True)


class CheckInOutputSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    registration = serializers.IntegerField(source="registration_id")
    session = serializers.IntegerField(source="session_id")
    method = serializers.ChoiceField(choices=CheckIn.Method.choices)
    checked_in_at = serializers.DateTimeField()
    created = serializers.BooleanField(help_text="False when the registration was already checked in.")


def _base_url(request: Request) -> str:
    return request.build_absolute_uri("/")


class RegistrationListApi(APIView):
    class RegistrationCreateInputSerializer(serializers.Serializer):
        contact = serializers.IntegerField(required=False, help_text="A contact of the register.")
        name = serializers.CharField(required=False, max_length=100, default="")
        name_kana = serializers.CharField(required=False, max_length=100, default="")
        email = serializers.EmailField(required=False, default="")
        organization_name = serializers.CharField(
            required=False, max_length=200, default="", help_text="Staff only: a typed-in person's organisation."
        )
        language = serializers.ChoiceField(choices=[code for code, _name in settings.LANGUAGES], required=False)

        def validate(self, data: dict[str, Any]) -> dict[str, Any]:
            if data.get("contact") is None and not (data["name"] or data["name_kana"] or data["email"]):
                raise serializers.ValidationError(_("Choose a person or type one in."))
            return data

    @extend_schema(responses=RegistrationOutputSerializer(many=True))
    def get(self, request: AuthenticatedRequest, event_id: int) -> Response:
        """Staff and the event's organisers: all registrations; member and bank users: their organisation's."""
        event = event_get(viewer=request.user, pk=event_id)
        require(can_run_event(request.user, event) or can_register_for_organization(request.user))
        registrations = selectors.registration_list(viewer=request.user, event=event).order_by("name_kana", "pk")
        return paginated_response(
            serializer_class=RegistrationOutputSerializer, queryset=registrations, request=request, view=self
        )

    @extend_schema(request=RegistrationCreateInputSerializer, responses={201: RegistrationOutputSerializer})
    def post(self, request: AuthenticatedRequest, event_id: int) -> Response:
        """Registers a person: member and bank users people of their organisation, staff anyone."""
        event = event_get(viewer=request.user, pk=event_id)
        require(can_manage_events(request.user) or can_register_for_organization(request.user))
        serializer = self.RegistrationCreateInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        if data.get("contact") is not None:
            contacts = Contact.objects.active()
            if not request.user.is_internal:
                contacts = contacts.filter(organization__users=request.user)
            contact = contacts.select_related("organization").filter(pk=data["contact"]).first()
            if contact is None:
                raise ApplicationError(_("Unknown contact."), extra={"field": "contact"})
            registrant = services.Registrant(contact=contact)
        else:
            registrant = services.Registrant(
                name=data["name"],
                name_kana=data["name_kana"],
                email=data["email"],
                organization_name=data["organization_name"] if request.user.is_internal else "",
            )
        registration = services.registration_create(
            actor=request.user,
            event=event,
            registrant=registrant,
            language=data.get("language") or request.user.language,
            base_url=_base_url(request),
        )
        return Response(RegistrationOutputSerializer(registration).data, status=status.HTTP_201_CREATED)


class RegistrationCancelApi(APIView):
    @extend_schema(request=None, responses=RegistrationOutputSerializer)
    def post(self, request: AuthenticatedRequest, event_id: int, registration_id: int) -> Response:
        """Staff and organisers cancel any registration (even after the deadline); member and bank users their
        organisation's, until the cancellation deadline."""
        event = event_get(viewer=request.user, pk=event_id)
        require(can_run_event(request.user, event) or can_register_for_organization(request.user))
        registration = selectors.registration_get(viewer=request.user, event=event, pk=registration_id)
        registration = services.registration_cancel(
            actor=request.user, registration=registration, base_url=_base_url(request)
        )
        return Response(RegistrationOutputSerializer(registration).data)


class RegistrationCheckInApi(APIView):
    class RegistrationCheckInInputSerializer(serializers.Serializer):
        session = serializers.IntegerField(
            required=False, help_text="Default: the session running today, else the next one."
        )

    @extend_schema(
        request=RegistrationCheckInInputSerializer,
        responses={201: CheckInOutputSerializer, 200: CheckInOutputSerializer},
    )
    def post(self, request: AuthenticatedRequest, event_id: int, registration_id: int) -> Response:
        """Staff and the event's organisers check a confirmed registration in; 200 when it already was."""
        event = event_get(viewer=request.user, pk=event_id)
        require(can_run_event(request.user, event))
        registration: Registration = selectors.registration_get(viewer=request.user, event=event, pk=registration_id)
        serializer = self.RegistrationCheckInInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        session = None
        if (session_id := serializer.validated_data.get("session")) is not None:
            session = get_object_or_404(EventSession, pk=session_id)
        check_in, created = services.registration_check_in(
            actor=request.user, registration=registration, session=session, method=CheckIn.Method.API
        )
        check_in.created = created  # type: ignore[attr-defined]
        return Response(
            CheckInOutputSerializer(check_in).data, status=status.HTTP_201_CREATED if created else status.HTTP_200_OK
        )
