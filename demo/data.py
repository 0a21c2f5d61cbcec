"""Demo data for a first look: teams, staff of every tier, customers abroad, orders, tickets."""

from __future__ import annotations

import random
from datetime import time, timedelta
from decimal import Decimal
from typing import Any

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.db import transaction
from django.utils import timezone

from helpdesk import roles
from policies.services import exchange_rates_import, latest_rate, rate_day
from tickets import services
from tickets.models import AgentProfile, Category, CategoryField, Priority, Shift, Status, Team, Ticket

from .parcels import create_demo_parcels
from .replies import create_canned_replies
from .workflow import create_demo_workflow

DEMO_PASSWORD = "demo"  # noqa: S105 - printed for the quick start only

TEAMS = [
    ("Europe", "europe", ["DE", "FR", "ES", "GB", "IT", "NL", "AT", "BE", "IE", "PL", "SE"], False),
    ("North America", "north-america", ["US", "CA", "MX"], False),
    ("Asia Pacific", "asia-pacific", ["CN", "JP", "KR", "SG", "AU", "NZ", "HK", "TW"], True),
]

# username, full name, team slug, tier, languages, role group, time zone
STAFF = [
    ("anna", "Anna Keller", "europe", "L1", ["en", "de"], roles.AGENT_GROUP, "Europe/Berlin"),
    ("bruno", "Bruno Martin", "europe", "L2", ["en", "fr", "es"], roles.AGENT_GROUP, "Europe/Paris"),
    ("chen", "Chen Wei", "asia-pacific", "L3", ["zh-hans", "en", "ja"], roles.AGENT_GROUP, "Asia/Shanghai"),
    ("dana", "Dana Smith", "north-america", "L1", ["en", "es"], roles.AGENT_GROUP, "America/New_York"),
    ("sofia", "Sofia Rossi", "europe", "L3", ["en", "de", "fr"], roles.SUPERVISOR_GROUP, "Europe/Rome"),
    ("mike", "Mike Brown", "north-america", "L3", ["en"], roles.SUPERVISOR_GROUP, "America/Chicago"),
    ("li", "Li Na", "asia-pacific", "L3", ["zh-hans", "en"], roles.SUPERVISOR_GROUP, "Asia/Shanghai"),
]

CATEGORIES = [
    # slug, kind, names by language, [(key, type, labels by language)]
    (
        "logistics",
        "complaint",
        {"en": "Logistics", "zh_hans": "物流", "de": "Versand", "fr": "Livraison", "es": "Envío", "ja": "配送"},
        [
            (
                "tracking_number",
                "text",
                {
                    "en": "Tracking number",
                    "zh_hans": "运单号",
                    "de": "Sendungsnummer",
                    "fr": "Numéro de suivi",
                    "es": "Número de seguimiento",
                    "ja": "追跡番号",
                },
            ),
            (
                "ship_date",
                "date",
                {
                    "en": "Ship date",
                    "zh_hans": "发货日期",
                    "de": "Versanddatum",
                    "fr": "Date d'expédition",
                    "es": "Fecha de envío",
                    "ja": "発送日",
                },
            ),
            (
                "destination_country",
                "country",
                {
                    "en": "Destination country",
                    "zh_hans": "目的国",
                    "de": "Zielland",
                    "fr": "Pays de destination",
                    "es": "País de destino",
                    "ja": "配送先の国",
                },
            ),
        ],
    ),
    (
        "product",
        "complaint",
        {"en": "Product", "zh_hans": "商品", "de": "Produkt", "fr": "Produit", "es": "Producto", "ja": "商品"},
        [
            (
                "order_number",
                "text",
                {
                    "en": "Order number",
                    "zh_hans": "订单号",
                    "de": "Bestellnummer",
                    "fr": "Numéro de commande",
                    "es": "Número de pedido",
                    "ja": "注文番号",
                },
            ),
            (
                "sku",
                "text",
                {"en": "SKU", "zh_hans": "SKU", "de": "Artikelnummer", "fr": "Référence", "es": "SKU", "ja": "SKU"},
            ),
            (
                "photos",
                "image",
                {
                    "en": "Photos of the problem",
                    "zh_hans": "问题照片",
                    "de": "Fotos des Problems",
                    "fr": "Photos du problème",
                    "es": "Fotos del problema",
                    "ja": "問題の写真",
                },
            ),
        ],
    ),
    (
        "payment",
        "complaint",
        {"en": "Payment", "zh_hans": "支付", "de": "Zahlung", "fr": "Paiement", "es": "Pago", "ja": "支払い"},
        [
            (
                "order_number",
                "text",
                {
                    "en": "Order number",
                    "zh_hans": "订单号",
                    "de": "Bestellnummer",
                    "fr": "Numéro de commande",
                    "es": "Número de pedido",
                    "ja": "注文番号",
                },
            ),
            (
                "payment_method",
                "text",
                {
                    "en": "Payment method",
                    "zh_hans": "支付方式",
                    "de": "Zahlungsart",
                    "fr": "Moyen de paiement",
                    "es": "Método de pago",
                    "ja": "支払い方法",
                },
            ),
            (
                "amount",
                "money",
                {
                    "en": "Amount and currency",
                    "zh_hans": "金额和币种",
                    "de": "Betrag und Währung",
                    "fr": "Montant et devise",
                    "es": "Importe y moneda",
                    "ja": "金額と通貨",
                },
            ),
        ],
    ),
    (
        "other",
        "inquiry",
        {"en": "Other", "zh_hans": "其他", "de": "Sonstiges", "fr": "Autre", "es": "Otro", "ja": "その他"},
        [],
    ),
]

CUSTOMERS = [
    ("Lena Schmidt", "lena.schmidt@example.de", "de", "DE", "Europe/Berlin", "EUR"),
    ("Julien Petit", "julien.petit@example.fr", "fr", "FR", "Europe/Paris", "EUR"),
    ("Lucía García", "lucia.garcia@example.es", "es", "ES", "Europe/Madrid", "EUR"),
    ("Oliver Jones", "oliver.jones@example.co.uk", "en", "GB", "Europe/London", "GBP"),
    ("Emily Johnson", "emily.johnson@example.com", "en", "US", "America/Los_Angeles", "USD"),
    ("Noah Tremblay", "noah.tremblay@example.ca", "fr", "CA", "America/Toronto", "CAD"),
    ("Yuki Tanaka", "yuki.tanaka@example.jp", "ja", "JP", "Asia/Tokyo", "JPY"),
    ("Wang Fang", "wang.fang@example.cn", "zh-hans", "CN", "Asia/Shanghai", "CNY"),
    ("Jack Wilson", "jack.wilson@example.com.au", "en", "AU", "Australia/Sydney", "AUD"),
]

SUBJECTS = [
    ("logistics", "Parcel stuck in customs for a week", "My parcel has not moved since it reached customs."),
    ("logistics", "Where is my order?", "The tracking page shows no update for ten days."),
    ("product", "Arrived damaged", "The box was crushed and the lamp inside is broken."),
    ("product", "Wrong size delivered", "I ordered an M and received an XL."),
    ("payment", "Charged twice", "My card shows two charges for the same order."),
    ("payment", "Exchange-rate difference", "I was charged more than the price shown at checkout."),
    ("other", "How do I use the remote?", "Which button pairs the remote with the lamp?"),
    ("other", "Do you ship to Iceland?", "Before ordering I would like to know if you ship to Iceland."),
]


@transaction.atomic
def load_demo_data(*, tickets: int = 36, seed: int = 7) -> bool:
    """Create the demo world once; False when it is already there."""
    if Team.objects.exists():
        return False
    rng = random.Random(seed)
    teams = {
        slug: Team.objects.create(
            name=name, slug=slug, countries=countries, is_default=default, auto_assign=slug == "europe"
        )
        for name, slug, countries, default in TEAMS
    }
    User = get_user_model()
    User.objects.create_superuser(
        "admin", "admin@helpdesk.localhost", DEMO_PASSWORD, first_name="Ada", last_name="Admin"
    )
    staff = {}
    for username, full_name, team_slug, tier, languages, group, tz in STAFF:
        first, last = full_name.split(" ", 1)
        user = User.objects.create_user(
            username, f"{username}@helpdesk.localhost", DEMO_PASSWORD, first_name=first, last_name=last
        )
        user.groups.add(Group.objects.get(name=group))
        AgentProfile.objects.create(
            user=user,
            team=teams[team_slug],
            tier=tier,
            languages=languages,
            time_zone=tz,
            on_shift=True,
            ui_language="zh-hans" if username == "chen" else "en",
        )
        staff[username] = user
    categories = {}
    for position, (slug, kind, names, fields) in enumerate(CATEGORIES):
        category = Category.objects.create(
            slug=slug, kind=kind, position=position, **{f"name_{lang}": name for lang, name in names.items()}
        )
        for field_position, (key, field_type, labels) in enumerate(fields):
            CategoryField.objects.create(
                category=category,
                key=key,
                field_type=field_type,
                position=field_position,
                **{f"label_{lang}": label for lang, label in labels.items()},
            )
        categories[slug] = category
    create_canned_replies(categories)
    now = timezone.now()
    customers = []
    for index, (name, email, language, country, tz, currency) in enumerate(CUSTOMERS):
        customer = services.customer_get_or_create(
            email=email, name=name, language=language, country=country, time_zone=tz
        )
        total = Decimal(rng.randint(2000, 30000)) if currency == "JPY" else Decimal(rng.randint(1500, 40000)) / 100
        order = services.order_create(
            customer=customer,
            external_number=f"SO-{10001 + index}",
            currency=currency,
            total=total,
            placed_at=now - timedelta(days=rng.randint(5, 30)),
            platform="shopify",
            ship_to_country=country,
        )
        customers.append((customer, order))
    for index in range(tickets):
        customer, order = customers[index % len(customers)]
        slug, subject, body = SUBJECTS[index % len(SUBJECTS)]
        ticket = services.ticket_create(
            customer=customer,
            subject=subject,
            body=body,
            order=order,
            channel=rng.choice(["web", "email", "api", "phone"]),
            category=categories[slug],
            priority=rng.choice(Priority.values),
        )
        _advance_demo_ticket(ticket, index, staff)
    create_demo_parcels(staff)
    create_demo_workflow(categories)
    _put_agents_on_shifts(staff)  # after the tickets: their assignment does not depend on the hour of seeding
    return True


# The support centre's shifts (in settings.SUPPORT_TIME_ZONE) and the teams that work them.
SHIFTS = [
    ("Morning", "Asia", time(9), time(17), "asia-pacific"),
    ("Evening", "Europe", time(16), time(0), "europe"),
    ("Night", "North America", time(23), time(7), "north-america"),
]


def _put_agents_on_shifts(staff: dict[str, Any]) -> None:
    for name, region, starts, ends, team_slug in SHIFTS:
        shift, _created = Shift.objects.get_or_create(
            name=name, defaults={"region": region, "starts_at": starts, "ends_at": ends}
        )
        shift.agents.add(*(u.agent_profile for u in staff.values() if u.agent_profile.team.slug == team_slug))


def _advance_demo_ticket(ticket: Ticket, index: int, staff: dict[str, Any]) -> None:
    team_agents = [u for u in staff.values() if u.agent_profile.team_id == ticket.team_id]
    if index % 3 == 0 or not team_agents:
        return  # stays new and unassigned
    agent = team_agents[index % len(team_agents)]
    services.ticket_assign(ticket=ticket, assignee=agent, actor=agent)
    if index % 3 == 1:
        services.message_add_note(ticket=ticket, author=agent, body="Checking with the warehouse.")
        return
    services.message_add_reply(
        ticket=ticket, author=agent, body="Thank you, we are looking into it.", set_pending=index % 2 == 0
    )
    if ticket.category and not ticket.category.fields.exists() and ticket.status != Status.SOLVED:
        services.ticket_set_status(ticket=ticket, status=Status.SOLVED, actor=agent)


# Units per USD, roughly as in 2026: enough to try compensation in every demo order's currency.
DEMO_RATES = {
    "EUR": "0.92",
    "GBP": "0.79",
    "CAD": "1.37",
    "JPY": "151",
    "CNY": "7.2",
    "AUD": "1.52",
}


def load_demo_rates() -> int:
    """Rates for every demo currency dated the support centre's today, for each currency that has no
    rate recent enough to use (so rates fetched from the real feed are never replaced). Run at every
    start of the quick start, so the demo works whatever day it runs. Returns how many were added."""

    today = rate_day()
    missing = [code for code in DEMO_RATES if latest_rate(currency=code, day=today) is None]
    rows = [{"currency": code, "date": today.isoformat(), "units_per_usd": DEMO_RATES[code]} for code in missing]
    created, _replaced = exchange_rates_import(rows=rows, source="demo")
    return created


def demo_logins() -> list[tuple[str, str]]:
    lines = [("admin", "admin (superuser)")]
    lines += [
        (u, f"{tier} {'supervisor' if g == roles.SUPERVISOR_GROUP else 'agent'}, {team}")
        for u, _n, team, tier, _l, g, _tz in STAFF
    ]
    return lines
