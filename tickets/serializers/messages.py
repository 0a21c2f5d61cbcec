"""A ticket's messages and attachments as the API shows them, and a new message."""

from __future__ import annotations

from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from ..models import Attachment, Message, MessageKind
from .fields import NamedChoiceField
from .tickets import UserSummarySerializer


class AttachmentSerializer(serializers.ModelSerializer):
    name = serializers.CharField(source="original_name", read_only=True)
    download_url = serializers.SerializerMethodField()

    class Meta:
        model = Attachment
        fields = ["id", "ticket", "message", "name", "content_type", "size", "sha256", "created_at", "download_url"]
        read_only_fields = fields

    def get_download_url(self, attachment: Attachment) -> str:
        url = reverse("tickets_api:attachment-download", args=[attachment.pk])
        request = self.context.get("request")
        return request.build_absolute_uri(url) if request is not None else url


class MessageSerializer(serializers.ModelSerializer):
    kind = NamedChoiceField(choices=MessageKind.choices, enum_name="MessageKind", read_only=True)
    channel = serializers.CharField(read_only=True, help_text=_("How a customer message arrived; empty for notes."))
    author = UserSummarySerializer(read_only=True, allow_null=True)
    attachments = AttachmentSerializer(many=True, read_only=True)

    class Meta:
        model = Message
        fields = ["id", "ticket", "kind", "body", "author", "channel", "is_automatic", "created_at", "attachments"]
        read_only_fields = fields


class MessageInputSerializer(serializers.Serializer):
    kind = NamedChoiceField(
        choices=MessageKind.choices,
        enum_name="MessageKind",
        help_text=_(
            "reply: emailed to the customer; note: staff only; customer: a customer's message "
            "relayed by a platform (reopens a solved ticket, a closed one gets a follow-up)."
        ),
    )
    body = serializers.CharField()
    attachments = serializers.ListField(child=serializers.FileField(), required=False, default=list)
    set_pending = serializers.BooleanField(
        required=False, default=False, help_text=_("Replies only: wait on the customer after sending.")
    )
