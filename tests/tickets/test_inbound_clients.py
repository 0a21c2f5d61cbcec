"""Inbound email as real clients write it: charsets wider than their labels, broken MIME,
Outlook's quoted header block and signature logos."""

from __future__ import annotations

import pytest

from tickets.adapters import inbound_email_receive
from tickets.adapters.email import trim_quoted
from tickets.adapters.parsing import parse
from tickets.mailtext import codec_for, decode_bytes, decode_header_value
from tickets.models import InboundEmail, Ticket

from . import mail_clients as clients

State = InboundEmail.State


# --- Whole messages, one per client


@pytest.mark.parametrize("client", list(clients.CLIENTS))
def test_a_clients_message_becomes_a_ticket_with_its_text_names_and_files(client, teams):
    sample = clients.CLIENTS[client]()

    record = inbound_email_receive(raw=sample.raw, source="test")

    assert record.state == State.PROCESSED, record.reason
    ticket = Ticket.objects.get()
    assert ticket.customer.name == sample.name
    assert ticket.subject == sample.subject
    body = ticket.messages.get().body
    assert sample.text in body
    assert "\ufffd" not in body and "=?" not in body
    names = sorted(a.original_name for a in ticket.attachments.all())
    assert names == sorted(sample.files)
    assert not set(sample.dropped) & set(names)


def test_foxmail_gbk_in_a_gb2312_label_keeps_every_character(teams):
    parsed = parse(clients.foxmail_gbk().raw)

    assert parsed.sender_name == "王喆"
    assert parsed.subject == "订单没收到（镕）"
    assert "收件人：王喆，地址：深圳市南山区堃园路 8 号。" in parsed.text


def test_shift_jis_is_read_as_windows_cp932(teams):
    parsed = parse(clients.becky_shift_jis().raw)

    assert parsed.sender_name == "髙橋 一郎"
    assert parsed.subject == "㈱山田商事の注文①について"
    assert "㈱山田商事の髙橋です。注文番号①と②の商品が届いておりません。ﾃｽﾄ" in parsed.text


def test_outlooks_iso_2022_jp_with_nec_characters_loses_nothing(teams):
    parsed = parse(clients.outlook_iso2022jp().raw)

    assert parsed.sender_name == "髙木 花子"
    assert parsed.subject == "【至急】㈱テスト 返品の件①"
    assert "㈱テストの髙木です。返品番号①の件でご連絡いたしました。" in parsed.text


def test_an_unknown_charset_is_detected_and_keeps_the_accents(teams):
    parsed = parse(clients.alpine_unknown_charset().raw)

    assert "ma commande est arrivée hier mais l'écran est fêlé" in parsed.text
    assert parsed.sender_name == "Hélène Maïs"
    assert parsed.subject == "Écran fêlé"


# --- Charsets, one label at a time


@pytest.mark.parametrize(
    ("label", "text", "codec"),
    [
        ("GB2312", "王喆 镕 堃", "gbk"),
        ("gb2312", "鎔基 €", "gb18030"),
        ("Shift_JIS", "①②㈱髙﨑№∵ ﾃｽﾄ", "cp932"),
        ("x-sjis", "㈱髙", "cp932"),
        ("ks_c_5601-1987", "똠방각하", "cp949"),
        ("iso-8859-1", "“Grüße” – 20 €", "cp1252"),
        ("big5", "鍊", "cp950"),
    ],
)
def test_a_narrow_label_is_read_as_its_superset(label, text, codec):
    data = text.encode(codec)

    assert decode_bytes(data, label) == text


def test_iso_2022_jp_reads_nec_row_13_ibm_characters_and_half_width_katakana():
    text = "①⑳Ⅹ㈱㍉№∑ 髙﨑 テスト abc"
    data = clients.cp50220(text)
    half_width = b"\x1b(I" + "ﾃｽﾄ".encode("cp932").translate(bytes((b - 0x80) % 256 for b in range(256)))

    assert decode_bytes(data, "ISO-2022-JP") == text
    assert decode_bytes(half_width + b"\x1b(B", "iso-2022-jp") == "ﾃｽﾄ"
    assert decode_bytes("plain テスト".encode("iso2022_jp"), "csISO2022JP") == "plain テスト"


def test_utf_8_mislabelled_as_latin_1_is_read_as_utf_8():
    assert decode_bytes("Grüße, “Zoë” – 20 €".encode(), "iso-8859-1") == "Grüße, “Zoë” – 20 €"


def test_iso_2022_jp_with_one_unreadable_pair_keeps_the_rest_readable():
    data = clients.cp50220("注文①") + b"\x1b$B\x7f\x7f\x1b(B" + clients.cp50220("です")

    text = decode_bytes(data, "iso-2022-jp")

    assert text.startswith("注文①") and text.endswith("です") and "$B" not in text


@pytest.mark.parametrize("label", ["X-UNKNOWN", "unknown-8bit", "windows-1252x", "", "us-ascii"])
def test_an_unknown_or_wrong_label_falls_back_to_detection(label):
    text = "Bonjour, ma commande est arrivée abîmée et le carton était déchiré. Merci de votre aide."

    assert decode_bytes(text.encode("cp1252"), label) == text
    assert decode_bytes(text.encode("utf-8"), label) == text


@pytest.mark.parametrize("label", ["base64", "rot13", "unicode_escape", "zlib"])
def test_a_label_naming_a_non_text_codec_is_not_used(label):
    assert codec_for(label) is None
    assert decode_bytes(b"caf\xc3\xa9 \\u0041", label) == "café \\u0041"


def test_encoded_words_split_inside_a_character_are_joined_before_reading():
    data = "王喆的订单".encode("gbk")
    first, second = data[:3], data[3:]  # the second character is cut in half
    import base64

    header = f"=?GB2312?B?{base64.b64encode(first).decode()}?=\r\n =?GB2312?B?{base64.b64encode(second).decode()}?="

    assert decode_header_value(header) == "王喆的订单"


def test_raw_8bit_header_bytes_are_read_with_the_message_charset():
    raw = "订单（喆）".encode("gbk").decode("ascii", "surrogateescape")

    assert decode_header_value(raw, "gb2312") == "订单（喆）"


@pytest.mark.parametrize(
    "disposition",
    [
        "attachment; filename*=gb2312''" + "".join(f"%{b:02X}" for b in "发票（喆）.pdf".encode("gbk")),
        'attachment; filename="' + clients.encoded_word("发票（喆）.pdf", "GB2312", "gbk") + '"',
    ],
    ids=["rfc2231", "rfc2047-in-quotes"],
)
def test_attachment_names_are_read_with_the_charset_rules(disposition, teams):
    raw = clients.crlf(f"""
From: a@example.cn
To: {clients.SUPPORT}
Subject: invoice
MIME-Version: 1.0
Content-Type: multipart/mixed; boundary="b1"

--b1
Content-Type: text/plain; charset=utf-8

see attached
--b1
Content-Type: application/pdf
Content-Disposition: {disposition}
Content-Transfer-Encoding: base64

{clients.b64(clients.pdf()).decode()}
--b1--
""")
    assert [a.name for a in parse(raw).attachments] == ["发票（喆）.pdf"]


# --- Broken structure: quarantined with the reason, never a ticket showing raw MIME


def test_a_broken_boundary_is_quarantined_with_the_defect_named(teams):
    record = inbound_email_receive(raw=clients.broken_boundary(), source="test")

    assert record.state == State.QUARANTINED
    assert "MIME structure is broken" in record.reason
    assert "StartBoundaryNotFoundDefect" in record.reason
    assert not Ticket.objects.exists()
    assert bytes(record.raw) == clients.broken_boundary()


def test_a_missing_closing_boundary_is_quarantined(teams):
    raw = clients.broken_boundary().replace(b"2C3D4E5X", b"2C3D4E50")
    raw = raw[: raw.rindex(b"------=_NextPart")]  # cut off before the closing boundary

    record = inbound_email_receive(raw=raw, source="test")

    assert record.state == State.QUARANTINED
    assert "CloseBoundaryNotFoundDefect" in record.reason


def test_the_same_message_with_its_boundary_intact_is_a_ticket_with_its_pdf(teams):
    raw = clients.broken_boundary().replace(b"2C3D4E5X", b"2C3D4E50")

    record = inbound_email_receive(raw=raw, source="test")

    assert record.state == State.PROCESSED, record.reason
    assert [a.original_name for a in Ticket.objects.get().attachments.all()] == ["fatura.pdf"]


def test_a_text_part_holding_undecoded_mime_is_quarantined(teams):
    raw = clients.crlf(f"""
From: Pedro Alves <pedro.alves@example.pt>
To: {clients.SUPPORT}
Subject: Factura
Message-ID: <raw-mime-in-text@example.pt>
MIME-Version: 1.0
Content-Type: text/plain; charset=utf-8

------=_NextPart_000_0012_01DB4A1B.2C3D4E50
Content-Type: application/pdf; name="fatura.pdf"
Content-Transfer-Encoding: base64

JVBERi0xLjQKJcOkw7zDtsOfCjIgMCBvYmoKPDwvTGVuZ3RoIDMgMCBSL0ZpbHRlci9GbGF0ZURl
""")
    record = inbound_email_receive(raw=raw, source="test")

    assert record.state == State.QUARANTINED
    assert "undecoded MIME" in record.reason
    assert not Ticket.objects.exists()


# --- Outlook's reply header block and signature images


@pytest.mark.parametrize(
    "history",
    [
        "From: Support <support@helpdesk.localhost>\nSent: Thursday, December 3, 2026 4:12 PM\n"
        "To: John\nSubject: RE: x",
        "差出人: Support <support@helpdesk.localhost>\n送信日時: 2026年12月3日 16:12\n宛先: 山田\n件名: RE: x",
        "发件人: Support <support@helpdesk.localhost>\n发送时间: 2026年12月3日 16:12\n收件人: 王\n主题: 回复: x",
        "Od: Support <support@helpdesk.localhost>\nWysłane: czwartek, 3 grudnia 2026 16:12\nDo: Jan\nTemat: x",
    ],
    ids=["english", "japanese", "chinese", "polish"],
)
def test_outlooks_separator_and_quoted_header_block_are_trimmed(history):
    separator = "_" * 32  # Outlook's row
    text = f"Thanks, it arrived.\n\nJohn\n\n{separator}\n{history}\n\nDear John, the parcel left.\n"

    assert trim_quoted(text) == "Thanks, it arrived.\n\nJohn"


def test_foxmails_original_rule_is_trimmed():
    rule = "-" * 18
    text = f"好的，谢谢。\n\n{rule}\u00a0Original\u00a0{rule}\nFrom: Support\nDate: Thu\n\n旧邮件"

    assert trim_quoted(text) == "好的，谢谢。"


def test_a_row_of_underscores_the_customer_typed_is_kept():
    text = "Item 1 ok\n____________________\nItem 2 broken"

    assert trim_quoted(text) == text


def test_outlooks_signature_logo_is_left_out_and_its_pasted_screenshot_kept(teams):
    parsed = parse(clients.outlook_reply().raw)

    assert sorted(a.name for a in parsed.attachments) == ["Invoice 2026-118.pdf", "image002.png"]
    assert "[cid:" not in parsed.text
    assert "________" not in trim_quoted(parsed.text)
    assert "Sent:" not in trim_quoted(parsed.text)


def _related(image_headers: str, image: bytes, html: str) -> bytes:
    return clients.crlf(f"""
From: a@example.com
To: {clients.SUPPORT}
Subject: photo
MIME-Version: 1.0
Content-Type: multipart/related; boundary="r1"

--r1
Content-Type: text/html; charset=utf-8

{html}
--r1
Content-Type: image/png; name="image001.png"
{image_headers}
Content-Transfer-Encoding: base64

{clients.b64(image).decode()}
--r1--
""")


@pytest.mark.parametrize(
    ("headers", "size", "html", "kept"),
    [
        ("Content-ID: <img1>", 4_000, '<p>Hi</p><img src="cid:img1">', False),  # small, shown: a logo
        ("Content-Disposition: inline\nContent-ID: <img1>", 120_000, '<p>Hi</p><img src="cid:img1">', True),
        ("Content-ID: <img1>", 120_000, '<p>Hi</p><div id="Signature"><img src="cid:img1"></div>', False),
        ("Content-ID: <img1>", 400_000, '<p>Hi</p><blockquote><img src="cid:img1"></blockquote>', True),
        ("Content-ID: <img1>", 4_000, "<p>Hi, see the picture</p>", True),  # not shown: a file
        ("Content-Disposition: attachment\nContent-ID: <img1>", 4_000, '<img src="cid:img1">', True),
    ],
    ids=["small-shown", "large-inline-photo", "in-signature", "huge-in-quote", "not-shown", "attachment"],
)
def test_which_inline_images_are_decoration(headers, size, html, kept):
    parsed = parse(_related(headers, clients.png(size), html))

    assert [a.name for a in parsed.attachments] == (["image001.png"] if kept else [])


def test_a_short_rule_before_the_customers_own_key_value_lines_is_kept():
    text = "Details below\n-----\nOrder: 1234\nItem: blue shoes"

    assert trim_quoted(text) == text
