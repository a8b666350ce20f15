"""The web channel (widget WebSocket and JSON API) in front of a fake Rasa."""
from __future__ import annotations

import json

from bot.app import create_app
from tests.gateway.conftest import receive_until_message, widget_hello


async def test_widget_conversation_is_stored_and_answered(gateway, fake_rasa):
    ws, welcome = await widget_hello(gateway)
    assert welcome["history"] == [] and len(welcome["key"]) >= 40

    await ws.send_json({"type": "message", "id": "m1", "text": "wat is zorgplicht"})
    ack = await ws.receive_json(timeout=5)
    assert ack == {"type": "ack", "id": "m1"}
    [reply] = await receive_until_message(ws)
    assert reply["author"] == "bot"
    assert reply["text"] == "Antwoord op: wat is zorgplicht"
    # The parent sees button titles and opaque ids, never Rasa payloads.
    assert [b["title"] for b in reply["buttons"]] == ["Wat is een TLV?", "Iemand spreken"]
    assert all("payload" not in b and "/" not in b["id"] for b in reply["buttons"])
    # Rasa gets an internal conversation id, not the widget key.
    assert fake_rasa.received[0]["sender"] != welcome["key"]
    await ws.close()

    # Reconnecting with the key restores the whole transcript, in order.
    ws, again = await widget_hello(gateway, key=welcome["key"])
    assert again["key"] == welcome["key"]
    assert [(m["author"], m["text"]) for m in again["history"]] == [
        ("parent", "wat is zorgplicht"),
        ("bot", "Antwoord op: wat is zorgplicht"),
    ]
    await ws.close()


async def test_button_sends_the_payload_the_assistant_sent(gateway, fake_rasa):
    ws, _ = await widget_hello(gateway)
    await ws.send_json({"type": "message", "id": "m1", "text": "hoi"})
    [reply] = await receive_until_message(ws)
    tlv_button = reply["buttons"][0]

    await ws.send_json({"type": "button", "id": "m2", "button": tlv_button["id"]})
    [answer] = await receive_until_message(ws)
    assert fake_rasa.received[-1]["message"] == '/faq{"article": "tlv"}'
    assert answer["text"] == "Artikel tlv"
    await ws.close()


async def test_typed_slash_command_is_escaped_and_forged_button_refused(gateway, fake_rasa):
    ws, _ = await widget_hello(gateway)
    await ws.send_json({"type": "message", "id": "m1", "text": '/handoff{"x": 1}'})
    [reply] = await receive_until_message(ws)
    # Rasa never sees a leading slash from typed text.
    assert fake_rasa.received[-1]["message"] == 'handoff{"x": 1}'

    sent_before = len(fake_rasa.received)
    await ws.send_json({"type": "button", "id": "m2", "button": "999999.0"})
    [refusal] = await receive_until_message(ws)
    assert refusal["author"] == "system" and "keuze ken ik niet" in refusal["text"]
    # A number too big for the database is refused the same way (not a 500).
    await ws.send_json({"type": "button", "id": "m3", "button": "9" * 30 + ".0"})
    [refusal] = await receive_until_message(ws)
    assert "keuze ken ik niet" in refusal["text"]
    assert len(fake_rasa.received) == sent_before
    await ws.close()


async def test_button_of_another_conversation_is_refused(gateway, fake_rasa):
    ws1, _ = await widget_hello(gateway)
    await ws1.send_json({"type": "message", "id": "a", "text": "hoi"})
    [reply] = await receive_until_message(ws1)
    ws2, _ = await widget_hello(gateway)
    await ws2.send_json({"type": "button", "id": "b", "button": reply["buttons"][1]["id"]})
    [refusal] = await receive_until_message(ws2)
    assert "keuze ken ik niet" in refusal["text"]
    assert fake_rasa.received[-1]["message"] == "hoi"
    await ws1.close()
    await ws2.close()


async def test_duplicate_client_message_is_acknowledged_and_ignored(gateway, fake_rasa):
    ws, welcome = await widget_hello(gateway)
    await ws.send_json({"type": "message", "id": "same", "text": "wat is een opp"})
    await receive_until_message(ws)
    await ws.send_json({"type": "message", "id": "same", "text": "wat is een opp"})
    ack = await ws.receive_json(timeout=5)
    assert ack == {"type": "ack", "id": "same"}
    await ws.close()
    assert len(fake_rasa.received) == 1
    ws, again = await widget_hello(gateway, key=welcome["key"])
    assert [m["author"] for m in again["history"]] == ["parent", "bot"]
    await ws.close()


async def test_too_long_and_empty_messages_get_a_clear_answer(gateway, fake_rasa):
    ws, welcome = await widget_hello(gateway)
    await ws.send_json({"type": "message", "id": "long", "text": "a" * 1001})
    [reply] = await receive_until_message(ws)
    assert "te lang" in reply["text"] and "1000" in reply["text"]
    await ws.send_json({"type": "message", "id": "empty", "text": "   "})
    [reply] = await receive_until_message(ws)
    assert "geen tekst" in reply["text"]
    assert fake_rasa.received == []
    await ws.close()
    # Nothing is lost: the long message is in the transcript.
    ws, again = await widget_hello(gateway, key=welcome["key"])
    assert again["history"][0]["text"] == "a" * 1001
    await ws.close()


async def test_unreadable_frames_get_an_error_and_the_socket_stays_usable(gateway):
    ws, _ = await widget_hello(gateway)
    await ws.send_str("dit is geen json")
    error = await ws.receive_json(timeout=5)
    assert error["type"] == "error" and "kon ik niet lezen" in error["text"]
    await ws.send_json({"type": "message", "id": "ok", "text": "hoi"})
    [reply] = await receive_until_message(ws)
    assert reply["author"] == "bot"
    await ws.close()


async def test_message_before_hello_is_refused(gateway, fake_rasa):
    ws = await gateway.ws_connect("/ws")
    await ws.send_json({"type": "message", "id": "x", "text": "hoi"})
    error = await ws.receive_json(timeout=5)
    assert error["type"] == "error"
    assert fake_rasa.received == []
    await ws.close()


async def test_unknown_key_starts_a_new_conversation(gateway):
    ws, welcome = await widget_hello(gateway, key="x" * 43)
    assert welcome["key"] != "x" * 43 and welcome["history"] == []
    await ws.close()


async def test_rasa_error_gives_the_contact_details(gateway, fake_rasa):
    fake_rasa.status = 500
    ws, _ = await widget_hello(gateway)
    await ws.send_json({"type": "message", "id": "m", "text": "wat is een tlv"})
    [reply] = await receive_until_message(ws)
    assert reply["author"] == "system"
    assert "storing" in reply["text"] and "020-330 63 20" in reply["text"]
    await ws.close()


async def test_rasa_slow_gives_the_contact_details_within_the_timeout(aiohttp_client, fake_rasa, settings_for):
    fake_rasa.delay = 3
    client = await aiohttp_client(create_app(settings_for(fake_rasa.url, rasa_timeout=0.5)))
    response = await client.post("/api/messages", json={"text": "hallo"})
    body = await response.json()
    assert "storing" in body["replies"][0]["text"]
    assert "info@oudersteunpunt020.nl" in body["replies"][0]["text"]


async def test_rasa_down_gives_the_contact_details(aiohttp_client, settings_for, unused_tcp_port_factory):
    dead = f"http://127.0.0.1:{unused_tcp_port_factory()}"
    client = await aiohttp_client(create_app(settings_for(dead)))
    response = await client.post("/api/messages", json={"text": "hallo"})
    body = await response.json()
    assert "storing" in body["replies"][0]["text"] and "06-160 046 00" in body["replies"][0]["text"]
    health = await (await client.get("/healthz")).json()
    assert health == {"status": "ok", "database": "ok", "rasa": "unavailable"}


async def test_rasa_garbage_reply_gives_the_contact_details(gateway, fake_rasa):
    fake_rasa.raw_body = '{"not": "a list"}'
    response = await gateway.post("/api/messages", json={"text": "hallo"})
    body = await response.json()
    assert "storing" in body["replies"][0]["text"]


async def test_json_api_conversation_continues_with_the_key(gateway, fake_rasa):
    first = await (await gateway.post("/api/messages", json={"text": "wat is passend onderwijs"})).json()
    assert first["replies"][0]["text"] == "Antwoord op: wat is passend onderwijs"
    button = first["replies"][0]["buttons"][1]
    second = await (
        await gateway.post("/api/messages", json={"key": first["key"], "button": button["id"]})
    ).json()
    assert second["key"] == first["key"]
    assert second["replies"][0]["text"] == "Je kunt met een adviseur praten."
    assert fake_rasa.received[0]["sender"] == fake_rasa.received[1]["sender"]


async def test_json_api_rejects_unreadable_bodies(gateway, fake_rasa):
    for body in ("niet json", json.dumps([1, 2]), json.dumps({"text": 5})):
        response = await gateway.post(
            "/api/messages", data=body, headers={"Content-Type": "application/json"}
        )
        assert response.status == 400
        assert "kon ik niet lezen" in (await response.json())["error"]
    assert fake_rasa.received == []


async def test_chat_page_and_widget_are_served(gateway):
    page = await gateway.get("/")
    html = await page.text()
    assert page.status == 200 and '<script src="/static/widget.js"' in html
    assert "default-src 'self'" in page.headers["Content-Security-Policy"]
    script = await gateway.get("/static/widget.js")
    assert script.status == 200 and "textContent" in await script.text()


async def test_rasa_without_any_reply_gives_the_contact_details(gateway, fake_rasa):
    # What Rasa does when a custom action fails (e.g. the action server is down).
    fake_rasa.raw_body = "[]"
    response = await gateway.post("/api/messages", json={"text": "wat is een opp"})
    body = await response.json()
    assert body["replies"][0]["author"] == "system"
    assert "storing" in body["replies"][0]["text"] and "020-330 63 20" in body["replies"][0]["text"]
