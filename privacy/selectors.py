from __future__ import annotations

from typing import Any

from django.shortcuts import get_object_or_404

from tickets.models import Customer
from tickets.scope import through_visible_tickets


def customer_for(user: Any, pk: int) -> Customer:
    """A customer the user may see (one of their team's tickets is theirs; admins see all), else 404."""
    return get_object_or_404(through_visible_tickets(Customer.objects.all(), user, "customer"), pk=pk)
