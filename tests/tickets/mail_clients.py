"""Messages as real mail clients write them, built byte by byte: their headers, their MIME
layout, their charset labels (often narrower than what they hold) and transfer encodings.
Shared by the unit tests and the IMAP integration test."""

from __future__ import annotations

import base64
import contextlib
import quopri
import random
from dataclasses import dataclass

SUPPORT = "support@helpdesk.localhost"


@dataclass(frozen=True)
class Sample:
    raw: bytes
    name: str  # the customer's display name as they wrote it
    subject: str
    text: str  # a sentence the ticket's text must hold
    files: tuple[str, ...]  # names of the files the ticket must keep
    dropped: tuple[str, ...] = ()  # names of decoration that must not be kept


def b64(data: bytes) -> bytes:
    encoded = base64.b64encode(data)
    return b"\r\n".join(encoded[i : i + 76] for i in range(0, len(encoded), 76))


def qp(data: bytes) -> bytes:
    return quopri.encodestring(data.replace(b"\r\n", b"\n")).replace(b"\n", b"\r\n")


def encoded_word(text: str, charset: str, codec: str | None = None) -> str:
    data = text.encode(codec or charset) if charset.lower() != "iso-2022-jp" else cp50220(text)
    return f"=?{charset}?B?{base64.b64encode(data).decode()}?="


def png(size: int, seed: int = 1) -> bytes:
    noise = random.Random(seed).randbytes(max(0, size - 8))
    return b"\x89PNG\r\n\x1a\n" + noise


def jpeg(size: int, seed: int = 2) -> bytes:
    return b"\xff\xd8\xff\xe0\x00\x10JFIF\x00" + random.Random(seed).randbytes(max(0, size - 11))


def pdf(seed: int = 3) -> bytes:
    return b"%PDF-1.4\n" + random.Random(seed).randbytes(3000) + b"\n%%EOF\n"


def crlf(text: str) -> bytes:
    return text.strip("\n").replace("\n", "\r\n").encode("ascii") + b"\r\n"


def join(*chunks: bytes) -> bytes:
    return b"".join(chunks)


# --- ISO-2022-JP as Outlook on Windows writes it (CP50220): JIS X 0208 plus NEC row 13 and the
# NEC-selected IBM characters. Built from cp932: each double-byte character moved to JIS.

_IBM_TO_NEC: dict[str, bytes] = {}
for _lead in (0xED, 0xEE):
    for _trail in range(0x40, 0xFD):
        with contextlib.suppress(UnicodeDecodeError):
            _IBM_TO_NEC.setdefault(bytes((_lead, _trail)).decode("cp932"), bytes((_lead, _trail)))


def _sjis_to_jis(lead: int, trail: int) -> bytes:
    row = (lead - (0xB1 if lead >= 0xE0 else 0x71)) * 2 + 1
    if trail >= 0x9F:
        return bytes((row + 1, trail - 0x7E))
    return bytes((row, trail - (0x20 if trail >= 0x80 else 0x1F)))


def cp50220(text: str) -> bytes:
    out, double = bytearray(), False
    for char in text:
        sjis = _IBM_TO_NEC.get(char) or char.encode("cp932")
        if len(sjis) == 2:
            if not double:
                out += b"\x1b$B"
                double = True
            out += _sjis_to_jis(*sjis)
        else:
            if double:
                out += b"\x1b(B"
                double = False
            out += sjis
    if double:
        out += b"\x1b(B"
    return bytes(out)


# --- Foxmail (and 163.com's webmail): labelled GB2312, written in GBK, names in quoted encoded words


def foxmail_gbk() -> Sample:
    name, subject = "王喆", "订单没收到（镕）"
    text = "你好，我的订单一直没有收到。收件人：王喆，地址：深圳市南山区堃园路 8 号。"
    body = f"{text}\n\n\n王喆\n".replace("\n", "\r\n").encode("gbk")
    html = (
        '<html><head><meta http-equiv="content-type" content="text/html; charset=GB2312"></head>'
        f"<body><div>{text}</div><div>王喆</div></body></html>"
    )
    boundary = "----=_001_NextPart572182624333_=----"
    raw = join(
        crlf(f"""
Date: Fri, 4 Dec 2026 10:12:33 +0800
From: "{encoded_word(name, "GB2312", "gbk")}" <wangzhe@163.com>
To: "support" <{SUPPORT}>
Subject: {encoded_word(subject, "GB2312", "gbk")}
X-Priority: 3
X-GUID: 8A2F1C44-0B3E-4E0B-9D59-0A6F5C9A1F20
X-Has-Attach: no
X-Mailer: Foxmail 7.2.25.228[cn]
Mime-Version: 1.0
Message-ID: <202612041012330851234@163.com>
Content-Type: multipart/alternative;
\tboundary="{boundary}"

This is a multi-part message in MIME format.

--{boundary}
Content-Type: text/plain;
\tcharset="GB2312"
Content-Transfer-Encoding: base64
"""),
        b"\r\n",
        b64(body),
        b"\r\n\r\n",
        crlf(f"""
--{boundary}
Content-Type: text/html;
\tcharset="GB2312"
Content-Transfer-Encoding: quoted-printable
"""),
        b"\r\n",
        qp(html.encode("gbk")),
        b"\r\n",
        crlf(f"--{boundary}--"),
    )
    return Sample(raw, name, subject, "深圳市南山区堃园路", ())


# --- Japanese Windows mailers: Shift_JIS labels holding cp932; Outlook's ISO-2022-JP with NEC rows


def becky_shift_jis() -> Sample:
    name, subject = "髙橋 一郎", "㈱山田商事の注文①について"
    text = "お世話になっております。㈱山田商事の髙橋です。注文番号①と②の商品が届いておりません。ﾃｽﾄ"
    body = f"{text}\n\n--\n髙橋 一郎\n".replace("\n", "\r\n").encode("cp932")
    raw = join(
        crlf(f"""
Date: Fri, 4 Dec 2026 09:30:00 +0900
From: {encoded_word(name, "Shift_JIS", "cp932")} <takahashi@yamada-shoji.co.jp>
To: {SUPPORT}
Subject: {encoded_word(subject, "Shift_JIS", "cp932")}
Message-Id: <20261204093000.1A2B.TAKAHASHI@yamada-shoji.co.jp>
MIME-Version: 1.0
Content-Type: text/plain; charset="Shift_JIS"
Content-Transfer-Encoding: base64
X-Mailer: Becky! ver. 2.81.04 [ja]
"""),
        b"\r\n",
        b64(body),
        b"\r\n",
    )
    return Sample(raw, name, subject, "注文番号①と②の商品", ())


def outlook_iso2022jp() -> Sample:
    name, subject = "髙木 花子", "【至急】㈱テスト 返品の件①"
    text = "いつもお世話になっております。㈱テストの髙木です。返品番号①の件でご連絡いたしました。"
    body = cp50220(f"{text}\n\n髙木\n".replace("\n", "\r\n"))
    html = (
        '<html><head><meta http-equiv="Content-Type" content="text/html; charset=iso-2022-jp"></head>'
        f'<body lang="JA"><div class="WordSection1"><p class="MsoNormal">{text}</p></div></body></html>'
    )
    boundary = "_000_TYCPR01MB8563A1B2C3D4E5F6TYCPR01MB8563jpnp_"
    raw = join(
        crlf(f"""
From: {encoded_word(name, "iso-2022-jp")} <takagi@example.co.jp>
To: "{SUPPORT}" <{SUPPORT}>
Subject: {encoded_word(subject, "iso-2022-jp")}
Thread-Topic: {encoded_word(subject, "iso-2022-jp")}
Thread-Index: AdtG3X1xk0AAAAAAAAAAAAAAAAAAAA==
Date: Fri, 4 Dec 2026 01:23:45 +0000
Message-ID: <TYCPR01MB8563A1B2C3D4E5F6@TYCPR01MB8563.jpnprd01.prod.outlook.com>
Accept-Language: ja-JP, en-US
Content-Language: ja-JP
X-MS-Has-Attach:
X-MS-TNEF-Correlator:
Content-Type: multipart/alternative;
\tboundary="{boundary}"
MIME-Version: 1.0

--{boundary}
Content-Type: text/plain; charset="iso-2022-jp"
Content-Transfer-Encoding: 7bit
"""),
        b"\r\n",
        body,
        b"\r\n",
        crlf(f"""
--{boundary}
Content-Type: text/html; charset="iso-2022-jp"
Content-Transfer-Encoding: quoted-printable
"""),
        b"\r\n",
        qp(cp50220(html)),
        b"\r\n",
        crlf(f"--{boundary}--"),
    )
    return Sample(raw, name, subject, "返品番号①の件", ())


# --- Outlook (English) replying: the underscore row and header block, a logo in the signature


def outlook_reply(*, in_reply_to: str = "<unknown@elsewhere.example>") -> Sample:
    logo, screenshot = png(4200, seed=11), png(150_000, seed=12)
    text = "The tracking page still shows nothing, see the screenshot below and the invoice."
    plain = (
        f"Hello,\n\n{text}\n\n[cid:image002.png@01DB4A1B.2C3D4E50]\n\n"
        "Best regards\nJohn Carter\nCarter Supplies Ltd\n[cid:image001.png@01DB4A1B.2C3D4E50]\n\n"
        "________________________________\n"
        f"From: Support <{SUPPORT}>\nSent: Thursday, December 3, 2026 4:12 PM\n"
        "To: John Carter <john.carter@carter-supplies.co.uk>\n"
        "Subject: RE: Parcel not delivered\n\nDear John, we have asked the carrier.\n"
    )
    html = (
        '<html xmlns:o="urn:schemas-microsoft-com:office:office"><head><meta http-equiv="Content-Type" '
        'content="text/html; charset=us-ascii"></head><body lang="EN-GB"><div class="WordSection1">'
        f'<p class="MsoNormal">Hello,</p><p class="MsoNormal">{text}</p>'
        '<p class="MsoNormal"><img width="640" height="400" id="Picture_x0020_2" '
        'src="cid:image002.png@01DB4A1B.2C3D4E50"></p>'
        '<p class="MsoNormal"><a name="_MailAutoSig">Best regards<br>John Carter<br>Carter Supplies Ltd</a></p>'
        '<p class="MsoNormal"><img width="120" height="40" id="Picture_x0020_1" '
        'src="cid:image001.png@01DB4A1B.2C3D4E50" alt="Carter Supplies"></p>'
        '<div id="divRplyFwdMsg"><hr><b>From:</b> Support &lt;support@helpdesk.localhost&gt;<br>'
        "<b>Sent:</b> Thursday, December 3, 2026 4:12 PM<br><b>Subject:</b> RE: Parcel not delivered</div>"
        "<div>Dear John, we have asked the carrier.</div></div></body></html>"
    )
    related, alternative = "_004_DB9PR10MB5A1B2C3Drelated_", "_000_DB9PR10MB5A1B2C3Dalternative_"
    mixed = "_005_DB9PR10MB5A1B2C3Dmixed_"

    def image_part(name: str, data: bytes) -> bytes:
        return join(
            crlf(f"""
--{related}
Content-Type: image/png; name="{name}"
Content-Description: {name}
Content-Disposition: inline; filename="{name}"; size={len(data)};
\tcreation-date="Fri, 04 Dec 2026 08:01:02 GMT";
\tmodification-date="Fri, 04 Dec 2026 08:01:02 GMT"
Content-ID: <{name}@01DB4A1B.2C3D4E50>
Content-Transfer-Encoding: base64
"""),
            b"\r\n",
            b64(data),
            b"\r\n",
        )

    raw = join(
        crlf(f"""
From: John Carter <john.carter@carter-supplies.co.uk>
To: Support <{SUPPORT}>
Subject: RE: Parcel not delivered
Thread-Topic: Parcel not delivered
Thread-Index: AQHbRk2xAAAAAAAAAAAAAAAAAAAAAA==
Date: Fri, 4 Dec 2026 08:01:02 +0000
Message-ID: <DB9PR10MB5A1B2C3D4E5F60718293@DB9PR10MB5A1B.EURPRD10.PROD.OUTLOOK.COM>
References: {in_reply_to}
In-Reply-To: {in_reply_to}
Accept-Language: en-GB, en-US
Content-Language: en-GB
X-MS-Has-Attach: yes
X-MS-TNEF-Correlator:
Content-Type: multipart/mixed;
\tboundary="{mixed}"
MIME-Version: 1.0

--{mixed}
Content-Type: multipart/related;
\tboundary="{related}";
\ttype="multipart/alternative"

--{related}
Content-Type: multipart/alternative;
\tboundary="{alternative}"

--{alternative}
Content-Type: text/plain; charset="us-ascii"
Content-Transfer-Encoding: quoted-printable
"""),
        b"\r\n",
        qp(plain.replace("\n", "\r\n").encode()),
        b"\r\n",
        crlf(f"""
--{alternative}
Content-Type: text/html; charset="us-ascii"
Content-Transfer-Encoding: quoted-printable
"""),
        b"\r\n",
        qp(html.encode()),
        b"\r\n",
        crlf(f"--{alternative}--"),
        b"\r\n",
        image_part("image001.png", logo),
        image_part("image002.png", screenshot),
        crlf(f"--{related}--"),
        b"\r\n",
        crlf(f"""
--{mixed}
Content-Type: application/pdf; name="Invoice 2026-118.pdf"
Content-Description: Invoice 2026-118.pdf
Content-Disposition: attachment; filename="Invoice 2026-118.pdf"; size=3016;
\tcreation-date="Fri, 04 Dec 2026 08:00:40 GMT";
\tmodification-date="Fri, 04 Dec 2026 08:00:40 GMT"
Content-Transfer-Encoding: base64
"""),
        b"\r\n",
        b64(pdf()),
        b"\r\n",
        crlf(f"--{mixed}--"),
    )
    return Sample(raw, "John Carter", "RE: Parcel not delivered", text, ("image002.png", "Invoice 2026-118.pdf"),
                  ("image001.png",))  # fmt: skip


# --- Gmail: UTF-8, quoted-printable, a logo in gmail_signature, the history in gmail_quote


def gmail_reply() -> Sample:
    logo = png(9000, seed=21)
    text = "Die Lieferung ist immer noch nicht angekommen. Können Sie bitte nachfragen?"
    plain = (
        f"Hallo,\n\n{text}\n\nViele Grüße\nJürgen Weiß\n\n"
        f"Am Do., 3. Dez. 2026 um 16:12 Uhr schrieb Support <{SUPPORT}>:\n\n"
        "> Wir haben beim Spediteur nachgefragt.\n>\n"
    )
    html = (
        f'<div dir="ltr"><div>Hallo,</div><div><br></div><div>{text}</div><br clear="all"><div><br></div>'
        '<span class="gmail_signature_prefix">-- </span><br><div dir="ltr" class="gmail_signature" '
        'data-smartmail="gmail_signature"><div dir="ltr">Viele Grüße<br>Jürgen Weiß<br>'
        '<img src="cid:ii_mbx1k2lq0" alt="logo.png" width="96" height="32"></div></div></div><br>'
        '<div class="gmail_quote"><div dir="ltr" class="gmail_attr">Am Do., 3. Dez. 2026 um 16:12 Uhr '
        f'schrieb Support &lt;<a href="mailto:{SUPPORT}">{SUPPORT}</a>&gt;:<br></div>'
        '<blockquote class="gmail_quote" style="margin:0px 0px 0px 0.8ex">Wir haben beim Spediteur '
        "nachgefragt.</blockquote></div>"
    )
    alt = "000000000000d1e2f20604a1b2c3"
    related = "000000000000d1e2f10604a1b2c3"
    name = "Jürgen Weiß"
    raw = join(
        crlf(f"""
MIME-Version: 1.0
Date: Fri, 4 Dec 2026 09:15:02 +0100
References: <CAF7x2Yq-earlier-0001@mail.gmail.com>
In-Reply-To: <CAF7x2Yq-earlier-0001@mail.gmail.com>
Message-ID: <CAF7x2Yq8Jm4kQ0+Zb1n3pL9XwRt5vUe6a=ExAmPlE@mail.gmail.com>
Subject: Re: Lieferung =?UTF-8?Q?versp=C3=A4tet?=
From: =?UTF-8?B?{base64.b64encode(name.encode()).decode()}?= <juergen.weiss@gmail.com>
To: Support <{SUPPORT}>
Content-Type: multipart/related; boundary="{related}"

--{related}
Content-Type: multipart/alternative; boundary="{alt}"

--{alt}
Content-Type: text/plain; charset="UTF-8"
Content-Transfer-Encoding: quoted-printable
"""),
        b"\r\n",
        qp(plain.replace("\n", "\r\n").encode()),
        b"\r\n",
        crlf(f"""
--{alt}
Content-Type: text/html; charset="UTF-8"
Content-Transfer-Encoding: quoted-printable
"""),
        b"\r\n",
        qp(html.encode()),
        b"\r\n",
        crlf(f"""
--{alt}--

--{related}
Content-Type: image/png; name="logo.png"
Content-Disposition: inline; filename="logo.png"
Content-Transfer-Encoding: base64
Content-ID: <ii_mbx1k2lq0>
X-Attachment-Id: ii_mbx1k2lq0
"""),
        b"\r\n",
        b64(logo),
        b"\r\n",
        crlf(f"--{related}--"),
    )
    return Sample(raw, name, "Re: Lieferung verspätet", text, (), ("logo.png",))


# --- Apple Mail: a photo shown inline in the HTML (Content-ID, disposition inline) is the customer's


def apple_mail_photo() -> Sample:
    photo = jpeg(180_000, seed=31)
    text = "Le carton est arrivé écrasé, voici une photo du colis abîmé."
    outer, inner = (
        "Apple-Mail=_8E1B2C3D-4F50-4A6B-9C7D-0E1F2A3B4C5D",
        "Apple-Mail=_1A2B3C4D-5E6F-4071-8293-A4B5C6D7E8F9",
    )
    cid = "5B3E1A2C-7D4F-4E8A-9B0C-1D2E3F405162"
    html = (
        '<html><head><meta http-equiv="content-type" content="text/html; charset=utf-8"></head>'
        '<body style="overflow-wrap: break-word;"><div>Bonjour,</div><div><br></div>'
        f"<div>{text}</div><div><br></div>"
        f'<div><img apple-inline="yes" id="E1F2A3B4-C5D6" src="cid:{cid}"></div>'
        "<div><br></div><div>Camille Lefèvre</div></body></html>"
    )
    raw = join(
        crlf(f"""
From: =?utf-8?Q?Camille_Lef=C3=A8vre?= <camille.lefevre@icloud.com>
Content-Type: multipart/alternative;
\tboundary="{outer}"
Mime-Version: 1.0 (Mac OS X Mail 16.0 \\(3826.200.121\\))
Subject: =?utf-8?Q?Colis_ab=C3=AEm=C3=A9?=
Message-Id: <8F3C2A1B-4D5E-4F60-8172-93A4B5C6D7E8@icloud.com>
Date: Fri, 4 Dec 2026 10:02:11 +0100
To: {SUPPORT}
X-Mailer: Apple Mail (2.3826.200.121)

--{outer}
Content-Transfer-Encoding: quoted-printable
Content-Type: text/plain;
\tcharset=utf-8
"""),
        b"\r\n",
        qp(f"Bonjour,\n\n{text}\n\nCamille Lef\u00e8vre\n".replace("\n", "\r\n").encode()),
        b"\r\n",
        crlf(f"""
--{outer}
Content-Type: multipart/related;
\ttype="text/html";
\tboundary="{inner}"

--{inner}
Content-Transfer-Encoding: quoted-printable
Content-Type: text/html;
\tcharset=utf-8
"""),
        b"\r\n",
        qp(html.encode()),
        b"\r\n",
        crlf(f"""
--{inner}
Content-Transfer-Encoding: base64
Content-Disposition: inline;
\tfilename=IMG_0412.jpeg
Content-Type: image/jpeg;
\tx-unix-mode=0666;
\tname="IMG_0412.jpeg"
Content-Id: <{cid}>
"""),
        b"\r\n",
        b64(photo),
        b"\r\n",
        crlf(f"""
--{inner}--

--{outer}--
"""),
    )
    return Sample(raw, "Camille Lefèvre", "Colis abîmé", text, ("IMG_0412.jpeg",))


# --- An old Unix mailer (Alpine) naming a charset nobody knows, writing Windows-1252


def alpine_unknown_charset() -> Sample:
    text = "Bonjour, ma commande est arrivée hier mais l'écran est fêlé. Pourriez-vous m'aider à échanger l'article ?"
    raw = join(
        crlf(f"""
Date: Fri, 4 Dec 2026 11:00:00 +0100 (CET)
From: =?X-UNKNOWN?Q?H=E9l=E8ne_Ma=EFs?= <helene.mais@orange.fr>
To: {SUPPORT}
Subject: =?X-UNKNOWN?Q?=C9cran_f=EAl=E9?=
Message-ID: <alpine.DEB.2.22.394.2612041100000.4242@orange.fr>
User-Agent: Alpine 2.26 (DEB 649 2022-06-02)
MIME-Version: 1.0
Content-Type: text/plain; charset=X-UNKNOWN
Content-Transfer-Encoding: 8BIT
"""),
        b"\r\n",
        f"{text}\r\n\r\nHélène Maïs\r\n".encode("cp1252"),
    )
    return Sample(raw, "Hélène Maïs", "Écran fêlé", "l'écran est fêlé", ())


# --- A gateway rewrote the boundary in the header but not in the body: broken structure


def broken_boundary() -> bytes:
    return join(
        crlf(f"""
From: Pedro Alves <pedro.alves@example.pt>
To: {SUPPORT}
Subject: Factura en PDF
Date: Fri, 4 Dec 2026 12:00:00 +0000
Message-ID: <0102018f-broken-boundary@example.pt>
MIME-Version: 1.0
Content-Type: multipart/mixed; boundary="----=_NextPart_000_0012_01DB4A1B.2C3D4E50"

This is a multi-part message in MIME format.

------=_NextPart_000_0012_01DB4A1B.2C3D4E5X
Content-Type: text/plain; charset="utf-8"
Content-Transfer-Encoding: base64
"""),
        b"\r\n",
        b64(b"Segue a fatura em anexo."),
        b"\r\n\r\n",
        crlf("""
------=_NextPart_000_0012_01DB4A1B.2C3D4E5X
Content-Type: application/pdf; name="fatura.pdf"
Content-Transfer-Encoding: base64
Content-Disposition: attachment; filename="fatura.pdf"
"""),
        b"\r\n",
        b64(pdf(seed=41)),
        b"\r\n",
        crlf("------=_NextPart_000_0012_01DB4A1B.2C3D4E5X--"),
    )


CLIENTS = {
    "foxmail-gbk": foxmail_gbk,
    "becky-shift-jis": becky_shift_jis,
    "outlook-iso-2022-jp": outlook_iso2022jp,
    "outlook-reply": outlook_reply,
    "gmail-reply": gmail_reply,
    "apple-mail-photo": apple_mail_photo,
    "alpine-unknown-charset": alpine_unknown_charset,
}
