"""A Japanese customer's browser and two agents' browsers against the real ASGI server: the
customer waits and sees their place move up, Anna accepts from the chat console, each sees the
other typing, a message goes each way with a file, Anna transfers the chat to Bruno, the customer
ends it with the transcript emailed and rates it."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from playwright.sync_api import expect

from chat import services as chat
from chat.models import ChatConversation, ChatState
from feedback.models import SurveyResponse
from tests.e2e.conftest import named
from tickets import services as tickets
from tickets.models import Attachment, OutboundEmail

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def visitor_locale() -> str:
    return "ja-JP"


PNG = b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 4


def test_a_japanese_customer_and_two_agents_chat_live(visitor, agent_page, shop, actors, tmp_path: Path):
    anna, bruno = named(actors.l1, "Anna", "Berg"), named(actors.l2, "Bruno", "Costa")
    # Someone is already waiting: the customer will be second.
    first, _token = chat.chat_start(
        site=shop, name="Tom", email="tom@example.com", body="Where is my order?", client_id="t-1", language="en"
    )
    console = agent_page(anna, "/chat/console/")
    expect(console.locator("tr[data-chat]")).to_have_count(1)

    visitor.goto("/chat/demo-shop/?lang=ja")
    visitor.get_by_role("button", name="チャット").click()
    frame = visitor.frame_locator("iframe[title='チャット']")
    frame.locator("#chat-name").fill("田中 美咲")
    frame.locator("#chat-email").fill("misaki@example.jp")
    frame.locator("#chat-first").fill("注文した商品の箱が潰れて届きました。交換できますか？")
    frame.locator("form button[type=submit]").first.click()

    place = frame.get_by_role("status")
    expect(place).to_contain_text(re.compile(r"2\s*番目"))
    expect(console.locator("tr[data-chat]")).to_have_count(2)  # the console follows live
    chat.chat_accept(agent=bruno, conversation=first)  # Tom's chat is taken: the customer moves up
    expect(place).to_contain_text(re.compile(r"1\s*番目"))

    console.get_by_role("button", name="Accept the next chat").click()
    expect(console.locator("#panel-chat")).to_be_visible()
    conversation = ChatConversation.objects.get(ticket__customer__email="misaki@example.jp")
    assert (conversation.state, conversation.agent) == (ChatState.ACTIVE, anna)
    log = frame.get_by_role("log")
    expect(log).to_contain_text("Anna")

    # Typing, both ways, as people type: for a few seconds. Each side says it at most every 3 s and
    # never stores it, so one said while the other's socket was still settling is simply said again.
    console.get_by_label("Your reply").press_sequentially("少々お待ちください", delay=400)
    expect(frame.locator("[data-typing]")).to_contain_text("Anna")
    frame.locator("#chat-body").press_sequentially("写真を送ります", delay=500)
    expect(console.locator("#presence")).to_contain_text("is typing")

    # The customer's photo, then Anna's answer with a file of her own.
    photo = tmp_path / "box.png"
    photo.write_bytes(PNG)
    frame.locator("input[type=file][name=files]").set_input_files(str(photo))
    frame.locator("#chat-body").press("Enter")
    expect(console.locator("#thread article.msg.customer", has_text="写真を送ります")).to_contain_text("box.png")
    label = tmp_path / "return-label.pdf"
    label.write_bytes(b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n")
    console.get_by_label("Your reply").fill("交換いたします。返送ラベルをお送りします。")
    console.locator("#id_reply-attachments").set_input_files(str(label))
    console.get_by_role("button", name="Send reply").click()
    # The photo came after Anna began her reply: she is shown it before hers goes.
    expect(console.get_by_role("alert")).to_contain_text("The customer wrote again while you were writing")
    console.locator("#id_reply-attachments").set_input_files(str(label))  # a held form keeps no file
    console.get_by_role("button", name="Send anyway").click()
    answer = log.locator(".msg.agent", has_text="返送ラベル")
    expect(answer).to_contain_text("return-label.pdf")
    assert set(Attachment.objects.values_list("original_name", flat=True)) == {"box.png", "return-label.pdf"}

    # Anna hands the chat to Bruno with a note.
    console.get_by_text("Transfer", exact=True).click()
    console.get_by_label("To an agent").select_option(label="Bruno Costa")
    console.get_by_label("Note for whoever takes it").fill("Exchange agreed, label sent")
    console.get_by_role("button", name="Transfer the chat").click()
    expect(log.locator(".msg.system, .system").last).to_contain_text("Bruno")
    conversation.refresh_from_db()
    assert conversation.agent == bruno
    tickets.message_add_reply(ticket=conversation.ticket, author=bruno, body="ブルーノです。他にご質問は？")
    expect(log).to_contain_text("ブルーノです")

    # The customer ends it, asks for the transcript and rates.
    frame.locator("input[name=transcript]").check()
    frame.locator("[data-action=end], form:has(input[name=transcript]) button[type=submit]").first.click()
    frame.locator("input[name=rating][value='5']").check()
    frame.locator("form:has(input[name=rating]) button[type=submit]").click()
    expect(frame.locator("[data-rated], .chat-thanks").first).to_be_visible()
    conversation.refresh_from_db()
    assert conversation.state == ChatState.ENDED and conversation.rated
    assert SurveyResponse.objects.get(ticket=conversation.ticket).rating == 5
    transcript = OutboundEmail.objects.get(key__startswith=f"chat-transcript:{conversation.pk}:")
    assert transcript.to == "misaki@example.jp" and "返送ラベル" in transcript.body_text
