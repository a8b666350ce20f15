"""A Dutch conversation through the widget's WebSocket with the real processes."""
from __future__ import annotations

import time

import aiohttp
import pytest

pytestmark = pytest.mark.e2e


async def say(ws, text: str, message_id: str) -> list[dict]:
    """Sends a message and collects the assistant's replies until it is quiet."""
    await ws.send_json({"type": "message", "id": message_id, "text": text})
    replies = []
    while True:
        try:
            event = await ws.receive_json(timeout=2.5 if replies else 30)
        except TimeoutError:
            return replies
        if event["type"] == "message":
            replies.append(event)


async def open_widget(stack, session):
    ws = await session.ws_connect(stack.url + "ws")
    await ws.send_json({"type": "hello", "key": None})
    welcome = await ws.receive_json(timeout=10)
    assert welcome["type"] == "welcome"
    return ws


async def test_greeting_then_zorgplicht_question_names_the_six_weeks(stack):
    async with aiohttp.ClientSession() as session:
        ws = await open_widget(stack, session)
        [intro] = await say(ws, "hallo", "m1")
        assert "digitale assistent" in intro["text"] and "geen mens" in intro["text"]

        replies = await say(ws, "de school zegt dat ze mijn zoon niet kunnen helpen, wat nu?", "m2")
        answer = replies[0]
        assert answer["author"] == "bot"
        assert "6 weken" in answer["text"]
        assert "Meer weten: https://" in answer["text"]
        assert answer["buttons"], "an answer offers related questions"

        # The introduction is only given once.
        [second_greeting] = await say(ws, "hoi", "m3")
        assert "geen mens" not in second_greeting["text"]
        await ws.close()


async def test_related_question_button_gives_that_article(stack):
    async with aiohttp.ClientSession() as session:
        ws = await open_widget(stack, session)
        replies = await say(ws, "wat is een toelaatbaarheidsverklaring eigenlijk", "t1")
        assert "TLV" in replies[0]["text"]
        button = replies[0]["buttons"][0]
        await ws.send_json({"type": "button", "id": "t2", "button": button["id"]})
        event = None
        while event is None or event["type"] != "message":
            event = await ws.receive_json(timeout=30)
        assert event["author"] == "bot" and "Meer weten: https://" in event["text"]
        assert event["text"] != replies[0]["text"]
        await ws.close()


async def test_asking_for_a_person_gives_the_contact_options(stack):
    async with aiohttp.ClientSession() as session:
        ws = await open_widget(stack, session)
        [reply] = await say(ws, "ik wil iemand spreken", "h1")
        assert "020-330 63 20" in reply["text"] and "info@oudersteunpunt020.nl" in reply["text"]
        await ws.close()


async def test_action_server_down_the_parent_still_gets_an_answer(stack):
    actions = next(s for s in stack.services if s.name == "action server")
    actions.stop()
    try:
        async with aiohttp.ClientSession() as session:
            ws = await open_widget(stack, session)
            started = time.monotonic()
            replies = await say(ws, "wat is een opp", "a1")
            assert replies, "the parent must never get silence"
            assert time.monotonic() - started < 15
            assert any("020-330 63 20" in r["text"] or "Oudersteunpunt" in r["text"] for r in replies)
            await ws.close()
    finally:
        actions.start()
        deadline = time.monotonic() + 60
        while not actions.healthy() and time.monotonic() < deadline:
            time.sleep(0.5)
