"""The demo's canned replies: one or more per category, each in the six languages of the product.
Placeholders: {customer_name}, {ticket_reference}, {agent_name}, {order_number}."""

from __future__ import annotations

from tickets.models import CannedReply, Category

# category slug, title, bodies by language (modeltranslation field suffixes)
REPLIES: list[tuple[str, str, dict[str, str]]] = [
    (
        "logistics",
        "Tracking update",
        {
            "en": "Hello {customer_name},\n\nwe checked your parcel for {ticket_reference} and will update you "
            "within 24 hours.\n\n{agent_name}",
            "de": "Hallo {customer_name},\n\nwir haben Ihre Sendung zu {ticket_reference} geprüft und melden uns "
            "innerhalb von 24 Stunden.\n\n{agent_name}",
            "fr": "Bonjour {customer_name},\n\nnous avons vérifié votre colis pour {ticket_reference} et revenons "
            "vers vous sous 24 heures.\n\n{agent_name}",
            "es": "Hola, {customer_name}:\n\nhemos revisado su paquete de {ticket_reference} y le informaremos "
            "en un plazo de 24 horas.\n\n{agent_name}",
            "ja": "{customer_name} 様\n\n{ticket_reference} のお荷物を確認しました。"
            "24時間以内に改めてご連絡いたします。\n\n{agent_name}",
            "zh_hans": "{customer_name}，您好：\n\n我们已查询了 {ticket_reference} 的包裹，将在 24 小时内给您答复。"
            "\n\n{agent_name}",
        },
    ),
    (
        "logistics",
        "Held in customs",
        {
            "en": "Hello {customer_name},\n\nyour parcel for order {order_number} is being checked by customs. "
            "This usually takes a few days; we are watching it and will write as soon as it moves.\n\n{agent_name}",
            "de": "Hallo {customer_name},\n\nIhre Sendung zur Bestellung {order_number} wird gerade vom Zoll geprüft. "
            "Das dauert meist einige Tage; wir verfolgen sie und melden uns, sobald sie weiterläuft.\n\n{agent_name}",
            "fr": "Bonjour {customer_name},\n\nvotre colis de la commande {order_number} est en cours de contrôle "
            "douanier. Cela prend en général quelques jours ; nous le suivons et vous écrirons dès qu'il "
            "repartira.\n\n{agent_name}",
            "es": "Hola, {customer_name}:\n\nsu paquete del pedido {order_number} está en revisión aduanera. "
            "Suele tardar unos días; lo estamos siguiendo y le escribiremos en cuanto avance.\n\n{agent_name}",
            "ja": "{customer_name} 様\n\nご注文 {order_number} のお荷物は現在、税関で検査中です。通常は数日かかります。"
            "引き続き確認し、動きがあり次第ご連絡いたします。\n\n{agent_name}",
            "zh_hans": "{customer_name}，您好：\n\n您订单 {order_number} 的包裹正在接受海关查验，通常需要几天时间。"
            "我们会持续跟进，一有进展就通知您。\n\n{agent_name}",
        },
    ),
    (
        "product",
        "Sorry about the damaged item",
        {
            "en": "Hello {customer_name},\n\nwe are sorry the item arrived damaged. Could you send us a photo of "
            "the item and the box? We will then offer a replacement or a refund.\n\n{agent_name}",
            "de": "Hallo {customer_name},\n\nes tut uns leid, dass der Artikel beschädigt ankam. Könnten Sie uns ein "
            "Foto des Artikels und des Kartons schicken? Dann bieten wir Ersatz oder eine Erstattung an."
            "\n\n{agent_name}",
            "fr": "Bonjour {customer_name},\n\nnous sommes désolés que l'article soit arrivé endommagé. Pourriez-vous "
            "nous envoyer une photo de l'article et du carton ? Nous vous proposerons ensuite un remplacement ou "
            "un remboursement.\n\n{agent_name}",
            "es": "Hola, {customer_name}:\n\nlamentamos que el artículo llegara dañado. ¿Podría enviarnos una foto "
            "del artículo y de la caja? Después le ofreceremos un reemplazo o un reembolso.\n\n{agent_name}",
            "ja": "{customer_name} 様\n\n商品が破損した状態で届き、誠に申し訳ございません。商品と箱の写真をお送り"
            "いただけますか。確認後、交換または返金をご案内いたします。\n\n{agent_name}",
            "zh_hans": "{customer_name}，您好：\n\n很抱歉商品到货时已损坏。请发给我们商品和包装箱的照片，"
            "我们将为您安排换货或退款。\n\n{agent_name}",
        },
    ),
    (
        "payment",
        "Double charge refunded",
        {
            "en": "Hello {customer_name},\n\nwe found the second charge for order {order_number} and have refunded "
            "it. Your bank may take 5 to 10 working days to show it.\n\n{agent_name}",
            "de": "Hallo {customer_name},\n\nwir haben die doppelte Abbuchung für die Bestellung {order_number} "
            "gefunden und erstattet. Ihre Bank zeigt sie eventuell erst nach 5 bis 10 Werktagen an.\n\n{agent_name}",
            "fr": "Bonjour {customer_name},\n\nnous avons trouvé le second prélèvement pour la commande {order_number} "
            "et l'avons remboursé. Votre banque peut mettre 5 à 10 jours ouvrés à l'afficher.\n\n{agent_name}",
            "es": "Hola, {customer_name}:\n\nhemos encontrado el segundo cargo del pedido {order_number} y lo hemos "
            "reembolsado. Su banco puede tardar de 5 a 10 días hábiles en reflejarlo.\n\n{agent_name}",
            "ja": "{customer_name} 様\n\nご注文 {order_number} の二重請求を確認し、返金いたしました。"
            "銀行の明細に反映されるまで5〜10営業日かかる場合がございます。\n\n{agent_name}",
            "zh_hans": "{customer_name}，您好：\n\n我们已核实订单 {order_number} 的重复扣款并已退款。"
            "银行可能需要 5 到 10 个工作日显示退款。\n\n{agent_name}",
        },
    ),
    (
        "other",
        "Thanks for your question",
        {
            "en": "Hello {customer_name},\n\nthank you for your question. Here is the answer:\n\n\n\nIf anything is "
            "still unclear, just reply to this email.\n\n{agent_name}",
            "de": "Hallo {customer_name},\n\nvielen Dank für Ihre Frage. Hier ist die Antwort:\n\n\n\nWenn noch etwas "
            "unklar ist, antworten Sie einfach auf diese E-Mail.\n\n{agent_name}",
            "fr": "Bonjour {customer_name},\n\nmerci pour votre question. Voici la réponse :\n\n\n\nSi quelque chose "
            "reste flou, répondez simplement à cet e-mail.\n\n{agent_name}",
            "es": "Hola, {customer_name}:\n\ngracias por su pregunta. Esta es la respuesta:\n\n\n\nSi algo no queda "
            "claro, responda a este correo.\n\n{agent_name}",
            "ja": "{customer_name} 様\n\nお問い合わせいただきありがとうございます。回答は以下のとおりです。\n\n\n\n"
            "ご不明な点がございましたら、このメールにご返信ください。\n\n{agent_name}",
            "zh_hans": "{customer_name}，您好：\n\n感谢您的咨询。答复如下：\n\n\n\n如仍有疑问，请直接回复此邮件。"
            "\n\n{agent_name}",
        },
    ),
]


def create_canned_replies(categories: dict[str, Category]) -> list[CannedReply]:
    return [
        CannedReply.objects.create(
            title=title,
            category=categories[slug],
            **{f"body_{language}": body for language, body in bodies.items()},
        )
        for slug, title, bodies in REPLIES
        if slug in categories
    ]
