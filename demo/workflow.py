"""The demo's everyday tools, so a newcomer finds them filled in: tags, shared macros (replies in the
six languages), customer segments with their profiles computed, and return addresses."""

from __future__ import annotations

from typing import Any

from insights.models import Segment
from insights.services.profiles import profiles_refresh
from insights.services.segments import segment_memberships_refresh
from returns.models import ReturnAddress
from tickets.models import AssigneeAction, Macro, Priority, Status, Tag

TAGS = [("fragile", True), ("vip", True), ("repeat-contact", False)]

# name, category slug, tags, priority, status, reply by language (modeltranslation field suffixes)
MACROS: list[tuple[str, str, list[str], int | None, str, dict[str, str]]] = [
    (
        "Damaged item: ask for photos",
        "product",
        ["fragile"],
        Priority.HIGH,
        Status.PENDING,
        {
            "en": "Hello {customer_name},\n\nwe are sorry your order {order_number} arrived damaged. Could you send "
            "us photos of the item and the box? We will then suggest a solution.\n\n{agent_name}",
            "de": "Hallo {customer_name},\n\nes tut uns leid, dass Ihre Bestellung {order_number} beschädigt "
            "ankam. Könnten Sie uns Fotos vom Artikel und vom Karton schicken? Dann schlagen wir Ihnen eine "
            "Lösung vor.\n\n{agent_name}",
            "fr": "Bonjour {customer_name},\n\nnous sommes désolés que votre commande {order_number} soit arrivée "
            "endommagée. Pourriez-vous nous envoyer des photos de l'article et du carton ? Nous vous proposerons "
            "ensuite une solution.\n\n{agent_name}",
            "es": "Hola, {customer_name}:\n\nsentimos que su pedido {order_number} llegara dañado. ¿Podría "
            "enviarnos fotos del artículo y de la caja? Después le propondremos una solución.\n\n{agent_name}",
            "ja": "{customer_name} 様\n\nご注文 {order_number} の商品が破損して届き、申し訳ございません。"
            "商品と箱の写真をお送りいただけますか。確認のうえ対応をご提案いたします。\n\n{agent_name}",
            "zh_hans": "{customer_name}，您好：\n\n很抱歉您的订单 {order_number} 到货时已损坏。请您发送商品和包装箱的"
            "照片，我们会据此为您提出解决方案。\n\n{agent_name}",
        },
    ),
    (
        "Thanks, solved",
        "",
        [],
        None,
        Status.SOLVED,
        {
            "en": "Hello {customer_name},\n\nthank you for your patience. We consider {ticket_reference} solved; "
            "just reply if anything is still open.\n\n{agent_name}",
            "de": "Hallo {customer_name},\n\nvielen Dank für Ihre Geduld. Wir betrachten {ticket_reference} als "
            "gelöst; antworten Sie einfach, falls noch etwas offen ist.\n\n{agent_name}",
            "fr": "Bonjour {customer_name},\n\nmerci de votre patience. Nous considérons {ticket_reference} comme "
            "résolu ; répondez simplement si quelque chose reste en suspens.\n\n{agent_name}",
            "es": "Hola, {customer_name}:\n\ngracias por su paciencia. Damos {ticket_reference} por resuelto; "
            "responda si aún queda algo pendiente.\n\n{agent_name}",
            "ja": "{customer_name} 様\n\nお待たせいたしました。{ticket_reference} は解決済みとさせていただきます。"
            "ご不明な点があれば、このメールにご返信ください。\n\n{agent_name}",
            "zh_hans": "{customer_name}，您好：\n\n感谢您的耐心等待。{ticket_reference} 已解决；如仍有问题，"
            "请直接回复。\n\n{agent_name}",
        },
    ),
]

SEGMENTS = [
    # name, slug, rule, priority bump, first response minutes, route to tier
    ("VIP", "vip", [{"field": "spend_12m_usd", "op": ">=", "value": 150}], 1, 30, "L2"),
    ("Frequent contact", "frequent", [{"field": "tickets", "op": ">=", "value": 5}], 0, None, ""),
]

RETURN_ADDRESSES = [
    ("DE", "Returns centre Leipzig", "Retourenzentrum\nAm Logistikpark 4\n04159 Leipzig\nGermany"),
    ("FR", "Returns centre Leipzig", "Retourenzentrum\nAm Logistikpark 4\n04159 Leipzig\nGermany"),
    ("ES", "Returns centre Leipzig", "Retourenzentrum\nAm Logistikpark 4\n04159 Leipzig\nGermany"),
    ("GB", "UK returns", "Unit 7, Meridian Park\nCoventry CV3 4PE\nUnited Kingdom"),
    ("US", "US returns", "1200 Commerce Way\nReno, NV 89502\nUnited States"),
    ("CA", "US returns", "1200 Commerce Way\nReno, NV 89502\nUnited States"),
    ("JP", "Japan returns", "〒272-0002 千葉県市川市二俣新町 20\nJapan"),
    ("CN", "China returns", "上海市浦东新区 物流园路 88 号\nChina"),
    ("AU", "Australia returns", "15 Freight Road\nTullamarine VIC 3043\nAustralia"),
]


def create_demo_workflow(categories: dict[str, Any]) -> None:
    tags = {name: Tag.objects.create(name=name, managed=managed) for name, managed in TAGS}
    for name, category_slug, tag_names, priority, status, replies in MACROS:
        macro = Macro.objects.create(
            name=name,
            category=categories.get(category_slug),
            priority=priority,
            status=status,
            assignee=AssigneeAction.ME,
            **{f"reply_{lang}": text for lang, text in replies.items()},
        )
        macro.tags.set([tags[tag] for tag in tag_names])
    for name, slug, rule, bump, minutes, tier in SEGMENTS:
        Segment.objects.create(
            name=name, slug=slug, rule=rule, priority_bump=bump, first_response_minutes=minutes, route_min_tier=tier
        )
    for country, name, address in RETURN_ADDRESSES:
        ReturnAddress.objects.create(country=country, name=name, address=address)
    profiles_refresh()
    segment_memberships_refresh()
