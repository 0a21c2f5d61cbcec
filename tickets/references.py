"""A ticket reference searched by an agent who may not see that ticket: say where it is and whom to
ask, and nothing of the ticket itself (no subject, customer or status)."""

from __future__ import annotations

from typing import Any

from django.contrib.auth import get_user_model
from django.utils.translation import gettext as _

from helpdesk import roles
from helpdesk.names import person_name

from .models import Ticket, format_reference, parse_reference
from .scope import ticket_scope_q

SUPERVISORS_NAMED = 2


def reference_elsewhere(user: Any, text: str) -> str:
    """The message for a reference to a ticket outside the user's scope; "" when `text` is no
    reference, the ticket does not exist or the user may see it."""
    pk = parse_reference(text)
    scope = ticket_scope_q(user)
    if pk is None or scope is None:
        return ""
    found = Ticket.objects.filter(pk=pk).exclude(scope).values_list("team_id", "team__name").first()
    if found is None:
        return ""
    team_id, team_name = found
    supervisors = (
        get_user_model()
        .objects.filter(roles.supervisor_q(), is_active=True, agent_profile__team_id=team_id)
        .distinct()
        .order_by("first_name", "last_name", "username")[:SUPERVISORS_NAMED]
    )
    names = ", ".join(person_name(person) for person in supervisors)
    values = {"reference": format_reference(pk), "team": team_name, "people": names}
    if names:
        return _("Ticket %(reference)s exists in team %(team)s; ask %(people)s.") % values
    return _("Ticket %(reference)s exists in team %(team)s; ask that team.") % values
