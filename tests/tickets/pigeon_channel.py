"""A channel added the way a new one is: this module and one `register_channel` call. Customers
write by carrier pigeon under a ring number; replies fly back the same way (kept in `LOFT`
once the reply is committed, where a real channel would call its provider's send API)."""

from __future__ import annotations

from django.db import transaction

from tickets.models import Message, Ticket
from tickets.services import Arrival, AttachmentInput, ChannelAdapter, Received, Sender, intake_receive

LOFT: list[dict[str, str]] = []


class PigeonChannel(ChannelAdapter):
    name = "pigeon"
    label = "Carrier pigeon"
    reply_channel = "pigeon"

    def send_reply(self, *, ticket: Ticket, message: Message) -> None:
        ring = ticket.conversation_key
        transaction.on_commit(lambda: LOFT.append({"ring": ring, "text": message.body}))


ADAPTER = PigeonChannel()


def pigeon_arrives(*, ring: str, note: str, name: str = "", photo: bytes = b"") -> Received:
    """What the loft received: the ring number is both who wrote and the conversation."""
    return intake_receive(
        Arrival(
            channel=ADAPTER.name,
            sender=Sender(app_ids={"pigeon": ring}, name=name),
            conversation_key=ring,
            subject=note.split("\n", 1)[0][:80],
            body=note,
            attachments=[AttachmentInput(name="photo.png", content=photo)] if photo else (),
        )
    )
