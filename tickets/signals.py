"""Extension points for the apps that build on tickets (SLA, surveys, case library, ...).

Receivers run inside the service's transaction; anything slow they enqueue with on_commit.
"""

from django.dispatch import Signal

# sender=Ticket, ticket=..., actor=...
ticket_created = Signal()
# sender=Ticket, ticket=..., actor=..., old=..., new=...
ticket_status_changed = Signal()
# sender=Ticket, ticket=..., actor=..., field=..., old=..., new=...  (priority, category, team, assignee)
ticket_changed = Signal()
# sender=Message, ticket=..., message=...
message_added = Signal()
