"""Customer profiles recomputed in the database by one INSERT ... ON CONFLICT DO UPDATE from aggregates.

- Spend: each order converted to USD at the rate of the support centre's day it was placed (the
  latest rate on or before that day; failing that the earliest after it), rounded half-up to cents,
  then summed. An order in a currency with no rate at all is left out of the spend (still counted).
- Returns: approved returns or exchanges (compensation grants of that kind); the helpdesk keeps no
  other record of returns.
- Complaints: tickets whose category is of the complaint kind. Recent: within AT_RISK_WINDOW_DAYS.
- Compensation received: the USD value of the customer's grants (fixed at approval).
- Ratings: the customer's survey answers; low ones (at most AT_RISK_LOW_RATING) counted when recent.
- Last contact: the customer's last message on any channel.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.db import connection
from django.utils import timezone

from feedback.models import SurveyResponse
from policies.models import CompensationGrant, ExchangeRate
from policies.models.requests import Kind as CompensationKind
from tickets.models import Category, CategoryKind, Customer, Message, MessageKind, Order, Ticket

from ..models import CustomerProfile

COLUMNS = [
    "spend_12m_usd",
    "spend_total_usd",
    "orders",
    "orders_12m",
    "last_order_at",
    "returns",
    "tickets",
    "complaints",
    "complaints_recent",
    "compensation_usd",
    "rating_avg",
    "ratings",
    "low_ratings_recent",
    "channels",
    "last_contact_at",
    "customer_since",
    "refreshed_at",
]


def _tables() -> dict[str, str]:
    models = {
        "customer": Customer,
        "order": Order,
        "rate": ExchangeRate,
        "ticket": Ticket,
        "category": Category,
        "message": Message,
        "grant": CompensationGrant,
        "survey": SurveyResponse,
        "profile": CustomerProfile,
    }
    return {key: connection.ops.quote_name(model._meta.db_table) for key, model in models.items()}


def _vendor_sql() -> dict[str, str]:
    if connection.vendor == "postgresql":
        return {
            "order_day": "(o.placed_at AT TIME ZONE %(zone)s)::date",
            "channels": "COALESCE(to_jsonb(ARRAY_AGG(DISTINCT t.channel ORDER BY t.channel)), '[]'::jsonb)",
            "channels_empty": "'[]'::jsonb",
        }
    return {  # SQLite (the quick start): days in UTC
        "order_day": "DATE(o.placed_at)",
        "channels": "json_group_array(DISTINCT t.channel)",
        "channels_empty": "'[]'",
    }


STATEMENT = """
WITH
cust AS (SELECT c.id, c.created_at FROM {customer} c WHERE {filter_c}),
priced AS (
    SELECT o.customer_id, o.placed_at,
        ROUND(o.total / (CASE WHEN o.currency = 'USD' THEN 1 ELSE COALESCE(
            (SELECT r.units_per_usd FROM {rate} r
              WHERE r.currency = o.currency AND r.date <= {order_day} ORDER BY r.date DESC LIMIT 1),
            (SELECT r.units_per_usd FROM {rate} r
              WHERE r.currency = o.currency AND r.date > {order_day} ORDER BY r.date ASC LIMIT 1)
        ) END), 2) AS usd
    FROM {order} o WHERE {filter_o}
),
ord AS (
    SELECT customer_id,
        SUM(CASE WHEN placed_at >= %(cut_12m)s THEN usd ELSE 0 END) AS spend_12m,
        SUM(usd) AS spend_total,
        COUNT(*) AS orders,
        SUM(CASE WHEN placed_at >= %(cut_12m)s THEN 1 ELSE 0 END) AS orders_12m,
        MAX(placed_at) AS last_order_at
    FROM priced GROUP BY customer_id
),
tk AS (
    SELECT t.customer_id,
        COUNT(*) AS tickets,
        SUM(CASE WHEN k.kind = %(complaint)s THEN 1 ELSE 0 END) AS complaints,
        SUM(CASE WHEN k.kind = %(complaint)s AND t.created_at >= %(cut_recent)s THEN 1 ELSE 0 END)
            AS complaints_recent,
        {channels} AS channels
    FROM {ticket} t LEFT JOIN {category} k ON k.id = t.category_id
    WHERE {filter_t} GROUP BY t.customer_id
),
contact AS (
    SELECT t.customer_id, MAX(m.created_at) AS last_contact_at
    FROM {message} m JOIN {ticket} t ON t.id = m.ticket_id
    WHERE m.kind = %(customer_kind)s AND {filter_t} GROUP BY t.customer_id
),
comp AS (
    SELECT g.customer_id, SUM(g.amount_usd) AS compensation,
        SUM(CASE WHEN g.kind = %(return_kind)s THEN 1 ELSE 0 END) AS returns
    FROM {grant} g WHERE {filter_g} GROUP BY g.customer_id
),
rated AS (
    SELECT t.customer_id, ROUND(AVG(s.rating), 2) AS rating_avg, COUNT(*) AS ratings,
        SUM(CASE WHEN s.rating <= %(low_rating)s AND s.created_at >= %(cut_recent)s THEN 1 ELSE 0 END)
            AS low_recent
    FROM {survey} s JOIN {ticket} t ON t.id = s.ticket_id
    WHERE {filter_t} GROUP BY t.customer_id
)
INSERT INTO {profile} (customer_id, {columns})
SELECT c.id,
    COALESCE(ord.spend_12m, 0), COALESCE(ord.spend_total, 0), COALESCE(ord.orders, 0),
    COALESCE(ord.orders_12m, 0), ord.last_order_at, COALESCE(comp.returns, 0),
    COALESCE(tk.tickets, 0), COALESCE(tk.complaints, 0), COALESCE(tk.complaints_recent, 0),
    COALESCE(comp.compensation, 0), rated.rating_avg, COALESCE(rated.ratings, 0),
    COALESCE(rated.low_recent, 0), COALESCE(tk.channels, {channels_empty}), contact.last_contact_at,
    c.created_at, %(now)s
FROM cust c
LEFT JOIN ord ON ord.customer_id = c.id
LEFT JOIN tk ON tk.customer_id = c.id
LEFT JOIN contact ON contact.customer_id = c.id
LEFT JOIN comp ON comp.customer_id = c.id
LEFT JOIN rated ON rated.customer_id = c.id
WHERE 1 = 1  -- SQLite needs a WHERE between a join and ON CONFLICT
ON CONFLICT (customer_id) DO UPDATE SET {updates}
"""


def profiles_refresh(*, customer_ids: Iterable[int] | None = None, now: datetime | None = None) -> int:
    """Recompute the profiles of the given customers (all when None) in one statement; returns the
    number of rows written. Safe to run twice or at once: the upsert converges on the same figures."""
    now = now or timezone.now()
    params: dict[str, Any] = {
        "zone": settings.SUPPORT_TIME_ZONE,
        "cut_12m": now - timedelta(days=365),
        "cut_recent": now - timedelta(days=settings.AT_RISK_WINDOW_DAYS),
        "complaint": CategoryKind.COMPLAINT.value,
        "customer_kind": MessageKind.CUSTOMER.value,
        "return_kind": CompensationKind.RETURN_EXCHANGE.value,
        "low_rating": settings.AT_RISK_LOW_RATING,
        "now": now,
    }
    filters = {"filter_c": "1 = 1", "filter_o": "1 = 1", "filter_t": "1 = 1", "filter_g": "1 = 1"}
    if customer_ids is not None:
        ids = sorted({int(i) for i in customer_ids})
        if not ids:
            return 0
        names = []
        for n, pk in enumerate(ids):
            params[f"id{n}"] = pk
            names.append(f"%(id{n})s")
        listed = ", ".join(names)
        filters = {
            "filter_c": f"c.id IN ({listed})",
            "filter_o": f"o.customer_id IN ({listed})",
            "filter_t": f"t.customer_id IN ({listed})",
            "filter_g": f"g.customer_id IN ({listed})",
        }
    sql = STATEMENT.format(
        **_tables(),
        **_vendor_sql(),
        **filters,
        columns=", ".join(COLUMNS),
        updates=", ".join(f"{c} = EXCLUDED.{c}" for c in COLUMNS),
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.rowcount
