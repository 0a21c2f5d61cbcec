"""The chat widget in a real browser against the real ASGI server (HTTP API and websocket): a visitor
on the demo shop opens the launcher, starts a chat, waits in the queue, an agent joins and answers
live, the visitor's conversation survives a reload, the agent ends it and the visitor rates it.
And with nobody on shift, the same form leaves a message for an answer by email."""

from __future__ import annotations

from typing import Any

import pytest
from playwright.sync_api import expect

from chat import services as chat
from chat.models import ChatConversation, ChatState
from tickets import services as tickets

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def on_shift(agent: Any) -> Any:
    profile = agent.agent_profile
    profile.on_shift = True
    profile.save()
    agent.first_name = "Anna"
    agent.save()
    return agent


def open_chat(page: Any) -> Any:
    page.goto("/chat/demo-shop/?lang=en")
    launcher = page.get_by_role("button", name="Chat")
    expect(launcher).to_have_attribute("aria-expanded", "false")
    launcher.click()
    expect(launcher).to_have_attribute("aria-expanded", "true")
    return page.frame_locator("iframe[title='Chat']")


def fill_form(frame: Any, message: str) -> None:
    frame.get_by_label("Your name").fill("Mei Tanaka")
    frame.get_by_label("Email", exact=True).fill("mei@example.com")
    frame.get_by_label("Order number (optional)").fill("DEMO-1001")
    frame.get_by_label("Your message").fill(message)


def test_a_visitor_chats_with_an_agent_live_and_rates_the_chat(visitor, shop, actors):
    agent = on_shift(actors.l1)
    frame = open_chat(visitor)
    fill_form(frame, "Where is my <b>parcel</b>?")
    frame.get_by_role("button", name="Start chat").click()

    log = frame.get_by_role("log")
    expect(log).to_contain_text("Where is my <b>parcel</b>?")  # inert text, never HTML
    expect(frame.get_by_role("status")).to_contain_text("You are number 1")
    conversation = ChatConversation.objects.get()
    assert conversation.state == ChatState.QUEUED

    chat.chat_accept(agent=agent, conversation=conversation)
    expect(log).to_contain_text("Anna joined the chat.")
    tickets.message_add_reply(ticket=conversation.ticket, author=agent, body="It left our warehouse today.")
    expect(log.locator(".msg.agent")).to_contain_text("It left our warehouse today.")

    composer = frame.get_by_label("Message", exact=True)
    composer.fill("Thank you!")
    composer.press("Enter")
    expect(log.locator(".msg.visitor")).to_have_count(2)
    expect(log.locator(".msg.visitor").last).not_to_contain_text("Sending…")

    # A reload finds the same conversation, each message once.
    visitor.reload()
    frame = visitor.frame_locator("iframe[title='Chat']")  # the chat stays open across the shop's pages
    log = frame.get_by_role("log")
    expect(log.locator(".msg.agent")).to_have_count(1)
    expect(log.locator(".msg.visitor")).to_have_count(2)

    chat.chat_end_by_agent(actor=agent, conversation=ChatConversation.objects.get())
    expect(frame.get_by_role("heading", name="Thank you")).to_be_visible()
    frame.get_by_label("5").check()
    frame.get_by_label("Comment (optional)").fill("Quick and kind.")
    frame.get_by_role("button", name="Send rating").click()
    expect(frame.get_by_text("Thanks for your rating")).to_be_visible()
    assert ChatConversation.objects.get().rated


def test_with_nobody_on_shift_the_form_leaves_a_message_for_email(visitor, shop):
    frame = open_chat(visitor)
    expect(frame.get_by_text("We are not online right now.")).to_be_visible()
    fill_form(frame, "Can I change my delivery address?")
    frame.get_by_role("button", name="Send message").click()

    expect(frame.get_by_text("This conversation continues by email.")).to_be_visible()
    assert ChatConversation.objects.get().state == ChatState.EMAIL

    frame.get_by_role("button", name="Close the chat").click()
    expect(visitor.get_by_role("button", name="Chat")).to_have_attribute("aria-expanded", "false")
    expect(visitor.locator("iframe[title='Chat']")).to_be_hidden()
