"""A ticket's conversation: replies, internal notes, and customer messages relayed by platforms."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import mixins, status
from rest_framework.exceptions import ValidationError
from rest_framework.request import Request
from rest_framework.response import Response

from .. import services
from ..models import Channel, Message, MessageKind, Ticket
from ..serializers import MessageInputSerializer, MessageSerializer
from .base import ApiViewSet, service_errors
from .tickets import scoped_tickets

TICKET_PARAMETER = OpenApiParameter("ticket_pk", int, OpenApiParameter.PATH, description="The ticket's id.")


@extend_schema_view(
    list=extend_schema(
        summary="List a ticket's messages",
        description="Newest first. Staff see internal notes too.",
        parameters=[TICKET_PARAMETER],
    ),
)
@extend_schema(tags=["messages"])
class MessageViewSet(mixins.ListModelMixin, ApiViewSet):
    serializer_class = MessageSerializer
    queryset = Message.objects.none()

    def get_ticket(self) -> Ticket:
        """The ticket of the URL, if the caller may see it; otherwise 404, as if it did not exist."""
        if not hasattr(self, "_ticket"):
            self._ticket = get_object_or_404(scoped_tickets(self.request.user), pk=self.kwargs["ticket_pk"])
        return self._ticket

    def get_queryset(self) -> QuerySet[Message]:
        if getattr(self, "swagger_fake_view", False):  # schema generation: no user
            return Message.objects.none()
        return Message.objects.filter(ticket=self.get_ticket()).select_related("author").prefetch_related("attachments")

    @extend_schema(
        summary="Add a reply, an internal note or a customer's message",
        description="Send JSON, or multipart/form-data to attach files (field `attachments`, repeated). "
        "A reply is emailed to the customer. A customer message on a closed ticket opens a linked "
        "follow-up ticket: the answer's `ticket` is then the new ticket's id.",
        parameters=[TICKET_PARAMETER],
        request={
            "application/json": MessageInputSerializer,
            "multipart/form-data": MessageInputSerializer,
        },
        responses={201: MessageSerializer},
    )
    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        ticket = self.get_ticket()
        data = self.body(MessageInputSerializer)
        kind, body, files = data["kind"], data["body"], data["attachments"]
        if data["set_pending"] and kind != MessageKind.REPLY:
            raise ValidationError({"set_pending": [_("Only a reply can wait on the customer.")]})
        with service_errors():
            if kind == MessageKind.REPLY:
                message = services.message_add_reply(
                    ticket=ticket, author=request.user, body=body, attachments=files, set_pending=data["set_pending"]
                )
            elif kind == MessageKind.NOTE:
                message = services.message_add_note(ticket=ticket, author=request.user, body=body, attachments=files)
            else:
                message = services.message_receive_from_customer(
                    ticket=ticket, body=body, channel=Channel.API, author=request.user, attachments=files
                )
        return Response(
            MessageSerializer(message, context=self.get_serializer_context()).data, status=status.HTTP_201_CREATED
        )
