"""Returns and exchanges: their rate by reason, SKU, country and carrier, and the time from request
to refund. Aggregates in SQL, a fixed number of queries.

A return belongs to the team, agent, category and channel of its ticket and to its order's ship-to
country. The rates divide by the orders placed in the period (orders belong to no team, so the
base is the same whatever team is shown); per country by the orders shipped there, per carrier by
the orders with an outbound parcel of that carrier."""

from __future__ import annotations

from typing import Any

from django.db import connection
from django.db.models import Avg, Count, F, Max, Q
from django.utils.translation import gettext_lazy as _

from helpdesk.countries import country_name
from logistics.models import Shipment
from returns.models import ReturnKind, ReturnReason, ReturnRequest
from tickets.models import Order

from ..access import Paths, ReportFilters
from .tables import SECONDS, TEXT, Chart, Column, Table, ratio

RETURN_PATHS: Paths = {
    "team": "ticket__team_id",
    "agent": "ticket__assignee_id",
    "category": "ticket__category_id",
    "country": "order__ship_to_country",
    "channel": "ticket__channel",
}
EXCHANGE_Q = Q(kind=ReturnKind.EXCHANGE)
TOP_SKUS = 20


def _returns(filters: ReportFilters) -> Any:
    period = filters.period
    return ReturnRequest.objects.filter(created_at__gte=period.start, created_at__lt=period.end).filter(
        filters.q(RETURN_PATHS)
    )


def _orders(filters: ReportFilters) -> Any:
    period = filters.period
    orders = Order.objects.filter(placed_at__gte=period.start, placed_at__lt=period.end)
    return orders.filter(ship_to_country=filters.country) if filters.country else orders


def _row(dimension: Any, value: str, returns: int, exchanges: int, base: int | None) -> dict[str, Any]:
    return {
        "dimension": str(dimension),
        "value": value,
        "returns": returns - exchanges,
        "exchanges": exchanges,
        "orders": base,
        "rate": ratio(returns, base) if base else None,
        "label": f"{dimension}: {value}",
    }


def _sku_counts(returns: Any) -> list[tuple[str, int, int]]:
    """(SKU, returns, exchanges) of the returns in scope, from the items' JSON, most returned first."""
    ids_sql, params = returns.values("id").query.sql_with_params()
    sql = (
        "SELECT item->>'sku' AS sku, COUNT(DISTINCT r.id), COUNT(DISTINCT r.id) FILTER (WHERE r.kind = %s) "  # noqa: S608
        "FROM returns_returnrequest r CROSS JOIN LATERAL jsonb_array_elements(r.items) AS item "
        f"WHERE r.id IN ({ids_sql}) GROUP BY 1 ORDER BY 2 DESC, 1 LIMIT %s"  # the ids: the ORM's own SQL
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, [ReturnKind.EXCHANGE.value, *params, TOP_SKUS])
        return [(str(sku), int(n), int(x)) for sku, n, x in cursor.fetchall()]


def return_rates(filters: ReportFilters) -> Table:
    returns = _returns(filters)
    orders = _orders(filters)
    all_orders = orders.count()
    rows: list[dict[str, Any]] = []
    reasons = dict(ReturnReason.choices)
    for group in returns.values("reason").annotate(n=Count("id"), x=Count("id", filter=EXCHANGE_Q)).order_by("-n"):
        rows.append(
            _row(_("Reason"), str(reasons.get(group["reason"], group["reason"])), group["n"], group["x"], all_orders)
        )
    for sku, n, x in _sku_counts(returns):
        rows.append(_row(_("SKU"), sku, n, x, all_orders))
    shipped = dict(orders.values("ship_to_country").annotate(n=Count("id")).values_list("ship_to_country", "n"))
    by_country = returns.values("order__ship_to_country").annotate(n=Count("id"), x=Count("id", filter=EXCHANGE_Q))
    for group in by_country.order_by("-n"):
        code = group["order__ship_to_country"] or ""
        rows.append(_row(_("Country"), country_name(code) if code else "?", group["n"], group["x"], shipped.get(code)))
    outbound = Shipment.objects.filter(order__in=orders, return_request__isnull=True, exchange_for__isnull=True)
    carried = dict(
        outbound.values("carrier__name").annotate(n=Count("order", distinct=True)).values_list("carrier__name", "n")
    )
    by_carrier = (
        returns.filter(order__shipments__return_request__isnull=True, order__shipments__exchange_for__isnull=True)
        .values("order__shipments__carrier__name")
        .annotate(n=Count("id", distinct=True), x=Count("id", filter=EXCHANGE_Q, distinct=True))
        .order_by("-n")
    )
    for group in by_carrier:
        name = group["order__shipments__carrier__name"]
        rows.append(_row(_("Carrier"), name or "?", group["n"], group["x"], carried.get(name)))
    return Table(
        name="return_rates",
        title=_("Returns and exchanges by reason, SKU, country and carrier"),
        columns=[
            Column("dimension", _("By"), TEXT),
            Column("value", _("Group"), TEXT),
            Column("returns", _("Returns")),
            Column("exchanges", _("Exchanges")),
            Column("orders", _("Orders placed")),
            Column("rate", _("Rate"), "ratio"),
        ],
        rows=rows,
        chart=Chart("bar", "label", ("returns", "exchanges"), stacked=True, unit="count", horizontal=True, limit=20),
        note=_(
            "Returns and exchanges requested in the period; the rate divides them by the orders placed in the "
            "period (per country: shipped there; per carrier: with a parcel of that carrier)."
        ),
    )


def refund_time(filters: ReportFilters) -> Table:
    refunded = _returns(filters).filter(refunded_at__isnull=False)
    waited = F("refunded_at") - F("created_at")
    figures = refunded.aggregate(n=Count("id"), average=Avg(waited), longest=Max(waited))

    def seconds(value: Any) -> float | None:
        return value.total_seconds() if value is not None else None

    return Table(
        name="refund_time",
        title=_("Time from return request to refund"),
        columns=[
            Column("refunded", _("Refunded returns")),
            Column("average", _("Average"), SECONDS),
            Column("longest", _("Longest"), SECONDS),
        ],
        rows=[
            {"refunded": figures["n"], "average": seconds(figures["average"]), "longest": seconds(figures["longest"])}
        ],
        note=_("Returns requested in the period and refunded since."),
        transposed=True,
    )
