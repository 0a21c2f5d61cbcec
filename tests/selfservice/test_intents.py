"""What customers' words ask for, in the six languages: where an order is, a return, a damaged or
wrong item, a new address, a payment question; and words that ask none of these."""

from __future__ import annotations

import pytest

from selfservice.intents import Intent, detect_intent, fold

WHERE, RETURN, DAMAGED, ADDRESS, PAYMENT = (
    Intent.WHERE_IS_MY_ORDER,
    Intent.RETURN,
    Intent.DAMAGED,
    Intent.CHANGE_ADDRESS,
    Intent.PAYMENT,
)

CASES = [
    # English
    ("en", "Hi, where is my order? I ordered two weeks ago.", WHERE),
    ("en", "My package still hasn’t arrived", WHERE),
    ("en", "I have not received my parcel yet", WHERE),
    ("en", "Can you send me the tracking number?", WHERE),
    ("en", "I paid two weeks ago, where is my order?", WHERE),
    ("en", "I would like to return the shoes and get a refund", RETURN),
    ("en", "Where is my refund?", RETURN),
    ("en", "The lamp arrived broken", DAMAGED),
    ("en", "You sent me the wrong size", DAMAGED),
    ("en", "Please change the delivery address to 5 Main Street", ADDRESS),
    ("en", "I was charged twice for one order", PAYMENT),
    ("en", "Thank you, the parcel arrived today!", None),
    ("en", "Can I change my password?", None),
    # German
    ("de", "Wo ist meine Bestellung? Sie ist noch nicht angekommen.", WHERE),
    ("de", "Ich habe mein Paket immer noch nicht erhalten", WHERE),
    ("de", "WANN KOMMT MEIN PAKET?", WHERE),
    ("de", "Ich möchte die Jacke zurücksenden", RETURN),
    ("de", "Die Tasse ist kaputt angekommen", DAMAGED),
    ("de", "Bitte ändern Sie meine Lieferadresse", ADDRESS),
    ("de", "Mir wurde der Betrag doppelt abgebucht", PAYMENT),
    ("de", "Vielen Dank, alles gut angekommen.", None),
    ("de", "Ich habe keine Antwort erhalten", None),
    # French
    ("fr", "Où est ma commande ?", WHERE),
    ("fr", "Ou est ma commande", WHERE),  # written without the accent
    ("fr", "Mon colis n'est toujours pas arrivé", WHERE),
    ("fr", "Je voudrais être remboursée", RETURN),
    ("fr", "L'article est arrivé cassé", DAMAGED),
    ("fr", "Je dois changer mon adresse de livraison", ADDRESS),
    ("fr", "Où puis-je trouver ma facture ?", PAYMENT),
    ("fr", "Merci beaucoup, tout est parfait.", None),
    # Spanish
    ("es", "¿Dónde está mi pedido?", WHERE),
    ("es", "Mi paquete todavía no ha llegado", WHERE),
    ("es", "Quiero hacer una devolución", RETURN),
    ("es", "El producto llegó roto", DAMAGED),
    ("es", "Necesito cambiar la dirección de envío", ADDRESS),
    ("es", "Me han hecho un cargo doble en la tarjeta", PAYMENT),
    ("es", "Muchas gracias por todo.", None),
    # Japanese
    ("ja", "荷物はどこにありますか？まだ届いていません。", WHERE),
    ("ja", "注文した商品がまだ届きません", WHERE),
    ("ja", "返品したいです", RETURN),
    ("ja", "商品が壊れていました", DAMAGED),
    ("ja", "住所を変更したいです", ADDRESS),
    ("ja", "クレジットカードで二重に請求されました", PAYMENT),
    ("ja", "ありがとうございました。", None),
    # Simplified Chinese
    ("zh-hans", "我的包裹在哪里？还没收到", WHERE),
    ("zh-hans", "订单什么时候能到？", WHERE),
    ("zh-hans", "我想退货退款", RETURN),
    ("zh-hans", "收到的杯子碎了", DAMAGED),
    ("zh-hans", "我想修改收货地址", ADDRESS),
    ("zh-hans", "被重复扣款了，信用卡扣了两次", PAYMENT),
    ("zh-hans", "谢谢，已经收到了，很满意。", None),
]


@pytest.mark.parametrize(("language", "text", "intent"), CASES, ids=[f"{c[0]}-{i}" for i, c in enumerate(CASES)])
def test_the_intent_of_the_words(language, text, intent):
    assert detect_intent(text, language) == intent


def test_a_customer_writing_in_another_language_is_understood():
    assert detect_intent("Where is my order?", "de") == WHERE  # a German customer writing English
    assert detect_intent("Wo ist mein Paket?", None) == WHERE
    assert detect_intent("我的包裹在哪里", "zh_Hans") == WHERE


def test_the_customers_own_language_is_read_first():
    # "retour" is a French return, but the German words (read first) ask where the parcel is.
    assert detect_intent("Wo ist mein Paket? Retour-Nr. 17", "de") == WHERE
    assert detect_intent("Wo ist mein Paket? Retour-Nr. 17", "fr") == RETURN


def test_nothing_is_recognised_in_empty_text():
    assert detect_intent("", "en") is None and detect_intent("   \n", "ja") is None


def test_folding_drops_case_accents_and_width():
    assert fold("  Où  EST\u2019 ＡＢＣ ") == "ou est' abc"
