"""Extension points for the apps that build on tickets (surveys, case library, ...).

Receivers run inside the service's transaction; anything slow they enqueue with on_commit.
"""

from django.dispatch import Signal

# sender=Ticket, ticket=..., actor=..., old=..., new=...: sent by the one status path, whatever changes it
ticket_status_changed = Signal()
