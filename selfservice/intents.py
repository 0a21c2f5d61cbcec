"""What a customer's words ask for, recognised by words in the product's six languages, without a
language model: the automatic answer to "where is my order" emails reads it, and so will the
assistant.

Each intent has patterns per language, matched on a folded copy of the text (lower case, accents
and width variants gone, so "Où", "ou" and "ＯＵ" read alike; the patterns are folded the same way).
The customer's language is read first; only when its words find nothing are the other languages'
read (a German customer may write in English). When several intents match, the first of `PRIORITY`
wins: a damaged item, a return or a new address is what the customer wants dealt with, even when
they also ask where the parcel is; "I paid two weeks ago, where is my order?" asks where it is."""

from __future__ import annotations

import enum
import re
import unicodedata
from functools import cache

from helpdesk.language import normalise_language

MAX_CHARS = 4000


class Intent(enum.StrEnum):
    WHERE_IS_MY_ORDER = "where_is_my_order"
    RETURN = "return"
    DAMAGED = "damaged"
    CHANGE_ADDRESS = "change_address"
    PAYMENT = "payment"


PRIORITY = (Intent.DAMAGED, Intent.RETURN, Intent.CHANGE_ADDRESS, Intent.WHERE_IS_MY_ORDER, Intent.PAYMENT)

_EN_PARCEL = r"(order|parcel|package|shipment|delivery|item|items)"
_DE_PARCEL = r"(bestellung|paket|sendung|lieferung|ware)"
_FR_PARCEL = r"(commande|colis|paquet|livraison|article)"
_ES_PARCEL = r"(pedido|paquete|envío|orden|compra)"

PATTERNS: dict[Intent, dict[str, tuple[str, ...]]] = {
    Intent.WHERE_IS_MY_ORDER: {
        "en": (
            rf"\bwhere('s| is| are)\s+(my|the|our)\s+{_EN_PARCEL}",
            rf"\b{_EN_PARCEL}\s+(has ?n't|has not|did ?n't|did not|still (has ?n't|has not)|never|not yet)\s+"
            r"(yet )?(arrived|come|shipped|been (delivered|shipped))",
            rf"\b(have ?n't|have not|did ?n't|did not|not yet|still not|never)\s+(yet )?(received|got|gotten)\s+"
            rf"(my|the|our)\s+{_EN_PARCEL}",
            rf"\bwhen will (my|the|our)\s+{_EN_PARCEL}\s+(arrive|come|be (delivered|shipped))",
            rf"\b(track|tracking|status of)\s+(my|the|our)\s+{_EN_PARCEL}",
            r"\btracking (number|status|information|info)\b",
            r"\b(it|they) (still )?(has ?n't|have ?n't|has not|have not|did ?n't|did not) (yet )?"
            r"(arrived|come|been delivered)",
        ),
        "de": (
            rf"\bwo (ist|sind|bleibt) (meine|mein|die|das|unsere)\s+{_DE_PARCEL}",
            rf"\b{_DE_PARCEL}\b.{{0,40}}\b(nicht|nie|noch nicht) (angekommen|eingetroffen|geliefert|zugestellt|da)\b",
            rf"\b{_DE_PARCEL}\b.{{0,30}}\b(nicht|nie)\b.{{0,10}}\b(erhalten|bekommen)\b",
            rf"\b(nicht|nie|kein|keine)\b.{{0,30}}\b{_DE_PARCEL}\b.{{0,20}}\b(erhalten|bekommen)\b",
            rf"\bwann (kommt|kommen|wird|erhalte|bekomme)\b.{{0,30}}\b{_DE_PARCEL}",
            r"\bsendungsverfolgung|\bsendungsnummer|\btrackingnummer|\bstatus (meiner|der) (bestellung|sendung)",
        ),
        "fr": (
            rf"\boù (est|sont|en est) (ma|mon|mes|la|le)\s+{_FR_PARCEL}",
            rf"\b{_FR_PARCEL}\b.{{0,40}}\b(pas|jamais)\b.{{0,20}}\b(arrivé|reçu|livré)",
            rf"\b(pas|jamais) (encore )?reçu (ma|mon|mes|la|le)\s+{_FR_PARCEL}",
            r"\bquand (vais-je recevoir|arrivera|sera livré|recevrai-je)\b",
            rf"\bsuivi (de |du |des )?(ma |mon |la |le )?{_FR_PARCEL}|\bnuméro de suivi",
        ),
        "es": (
            rf"\bdónde (está|están) (mi|mis|el|la)\s+{_ES_PARCEL}",
            rf"\b{_ES_PARCEL}\b.{{0,40}}\bno (me )?(ha )?(llegado|llega)\b",
            rf"\bno (he )?recibido (mi|mis|el|la)\s+{_ES_PARCEL}",
            r"\bcuándo (llegará|llega|recibiré|me llega)\b",
            rf"\bseguimiento (de |del )?(mi )?{_ES_PARCEL}|\bnúmero de seguimiento",
            r"\btodavía no (ha llegado|llega|me llega)\b",
        ),
        "ja": (
            r"(荷物|注文|商品|小包|配達).{0,10}(どこ|届いていない|届かない|まだ届|届きません|届いておりません|到着していません)",
            r"(いつ).{0,10}(届|到着|発送)",
            r"配送状況|発送状況|追跡番号|配達状況",
        ),
        "zh-hans": (
            r"(订单|包裹|快递|货|东西).{0,6}(在哪|到哪)",
            r"(订单|包裹|快递|货|东西).{0,10}(还没|没有|未|迟迟没)(到|收到|送达|发货)",
            r"(还没|没有|未)收到.{0,4}(订单|包裹|快递|货|东西)",
            r"什么时候.{0,6}(到|送达|发货)",
            r"物流(信息|状态|进度)|(快递|运|追踪|跟踪)单号|查(一下)?物流",
        ),
    },
    Intent.DAMAGED: {
        "en": (
            r"\b(damaged|broken|cracked|defective|faulty|smashed|scratched|crushed)\b",
            r"\bwrong (item|size|colou?r|product|model|order)\b|\bnot what i ordered\b",
            r"\bmissing (item|items|part|parts|piece|pieces)\b",
        ),
        "de": (
            r"\b(beschädigt|kaputt|defekt|zerbrochen|gebrochen|zerkratzt)",
            r"\bfalsche[nrs]? (artikel|größe|farbe|ware|produkt|modell)",
            r"\bnicht (das|was) (ich )?bestellt",
        ),
        "fr": (
            r"\b(endommagé|cassé|abîmé|défectueux|défectueuse|brisé|rayé)",
            r"\bmauvais(e)? (article|produit|taille|couleur|modèle)|\b(article|produit) erroné",
        ),
        "es": (
            r"\b(dañado|dañada|roto|rota|defectuoso|defectuosa|rayado|rayada)\b",
            r"\b(artículo|producto|talla|color) (equivocad|incorrect)|\bno es lo que pedí",
        ),
        "ja": (r"破損|壊れ|割れ|不良品|傷が|間違った商品|違う商品|注文と違う|欠品",),
        "zh-hans": (r"损坏|破损|坏了|碎了|瑕疵|发错|错发|不是我(订|买)的|质量问题|少发|漏发",),
    },
    Intent.RETURN: {
        "en": (r"\b(return|returns|returning|refund|refunded|exchange(?! rate))\b|\bsend (it |them )?back\b",),
        "de": (r"rücksend|zurücksenden|zurückschicken|zurückgeben|retoure|umtausch|rückgabe|erstattung|widerruf",),
        "fr": (r"\b(retour|retourner|renvoyer|rembours|échange)",),
        "es": (r"\b(devolución|devolver|devolverlo|devolverla|reembolso)|\bcambiar (el|la) (producto|artículo|talla)",),
        "ja": (r"返品|返金|交換|返送",),
        "zh-hans": (r"退货|退款|换货|退回|退换",),
    },
    Intent.CHANGE_ADDRESS: {
        "en": (
            r"\b(change|update|correct|fix|edit)\b.{0,30}\baddress\b",
            r"\baddress\b.{0,20}\b(is )?(wrong|incorrect)\b|\b(wrong|new|incorrect) (shipping |delivery )?address\b",
        ),
        "de": (
            r"\b(lieferadresse|adresse|anschrift)\b.{0,30}\b(ändern|korrigieren|falsch|aktualisieren)",
            r"\b(ändern|korrigieren)\b.{0,30}\b(lieferadresse|adresse|anschrift)\b",
            r"\b(falsche|neue) (liefer)?(adresse|anschrift)",
        ),
        "fr": (
            r"\b(changer|modifier|corriger)\b.{0,30}\badresse\b",
            r"\badresse\b.{0,20}\b(erronée|incorrecte|fausse)|\bnouvelle adresse\b",
        ),
        "es": (
            r"\b(cambiar|modificar|corregir)\b.{0,30}\bdirección\b",
            r"\bdirección\b.{0,20}\b(equivocada|incorrecta|errónea)|\b(nueva|cambio de) dirección\b",
        ),
        "ja": (r"住所.{0,10}(変更|間違|修正|訂正|変え)",),
        "zh-hans": (r"(修改|更改|改|更换|变更).{0,6}地址|地址.{0,6}(错|填错|不对|有误)",),
    },
    Intent.PAYMENT: {
        "en": (
            r"\bcharged (twice|two times|double|more)\b|\bdouble charge",
            r"\b(payment|billing|invoice|receipt|paypal|credit card|debit card)\b",
            r"\bcard (was |has been )?(charged|declined)\b|\bhow (can|do) i pay\b",
        ),
        "de": (r"doppelt (abgebucht|belastet|berechnet)|zahlung|bezahlung|rechnung|kreditkarte|abbuchung|paypal",),
        "fr": (r"\b(paiement|facture|débité|prélevé|prélèvement|carte bancaire|paypal)",),
        "es": (r"\b(pago|factura|cobrado|cobro|cargo doble|tarjeta|paypal)\b",),
        "ja": (r"支払|決済|請求|領収書|二重|クレジットカード|代金",),
        "zh-hans": (r"付款|支付|扣款|扣了两次|发票|收据|信用卡|账单",),
    },
}


def fold(text: str) -> str:
    """Lower case, compatibility forms unified, accents dropped, curly apostrophes straight, one
    space between words: what the patterns (folded alike) are matched on."""
    text = unicodedata.normalize("NFKD", (text or "")[:MAX_CHARS].casefold().replace("\u2019", "'"))
    return " ".join("".join(ch for ch in text if not unicodedata.combining(ch)).split())


@cache
def _compiled(intent: Intent, language: str) -> re.Pattern[str] | None:
    patterns = PATTERNS[intent].get(language)
    return re.compile("|".join(f"(?:{fold(p)})" for p in patterns)) if patterns else None


def _matching(folded: str, languages: list[str]) -> Intent | None:
    for intent in PRIORITY:
        for language in languages:
            pattern = _compiled(intent, language)
            if pattern is not None and pattern.search(folded):
                return intent
    return None


def detect_intent(text: str, language: str | None = None) -> Intent | None:
    """The intent the text asks for, or None when none is recognised. `language` (a product language
    code) is read first; the other languages only when its words find nothing."""
    folded = fold(text)
    if not folded:
        return None
    own = normalise_language(language) if language else ""
    others = [code for code in PATTERNS[Intent.WHERE_IS_MY_ORDER] if code != own]
    if own:
        found = _matching(folded, [own])
        if found is not None:
            return found
    return _matching(folded, others)
