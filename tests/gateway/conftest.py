"""A fake Rasa (a real aiohttp server on 127.0.0.1) and the gateway in front of it."""
from __future__ import annotations

import asyncio
import json

import pytest
from aiohttp import web

from bot.app import create_app
from bot.settings import Settings


class FakeRasa:
    """Records what the gateway sends and answers like Rasa's REST channel."""

    def __init__(self):
        self.received: list[dict] = []
        self.status = 200
        self.delay = 0.0
        self.raw_body: str | None = None

    def reply_for(self, message: str) -> list[dict]:
        if message == "ik wil iemand spreken":
            return [{"text": "Ik zet je door naar een adviseur."}, {"custom": {"handoff": {"topic": "tlv"}}}]
        if message == "ja dat mag":
            callback = {"consent": True, "name": "Fatima", "contact": "0612345678",
                        "moment": "dinsdag", "question": "tlv"}
            return [{"custom": {"callback": callback}}, {"text": "Je terugbelverzoek is ontvangen."}]
        if message == "wat is een tlv":
            return [{"text": "Een TLV is ..."}, {"custom": {"topic": "tlv"}}]
        if message == "/handoff":
            return [{"text": "Je kunt met een adviseur praten."}]
        if message.startswith("/faq"):
            article = json.loads(message[len("/faq"):])["article"]
            return [{"text": f"Artikel {article}"}]
        return [
            {
                "text": f"Antwoord op: {message}",
                "buttons": [
                    {"title": "Wat is een TLV?", "payload": '/faq{"article": "tlv"}'},
                    {"title": "Iemand spreken", "payload": "/handoff"},
                ],
            }
        ]

    async def webhook(self, request: web.Request) -> web.Response:
        body = await request.json()
        self.received.append(body)
        if self.delay:
            await asyncio.sleep(self.delay)
        if self.status != 200:
            return web.Response(status=self.status, text="error")
        if self.raw_body is not None:
            return web.Response(text=self.raw_body, content_type="application/json")
        return web.json_response(self.reply_for(body["message"]))

    async def root(self, request: web.Request) -> web.Response:
        return web.Response(text="Hello from Rasa: 3.6.21")


@pytest.fixture
async def fake_rasa(aiohttp_server):
    rasa = FakeRasa()
    app = web.Application()
    app.router.add_post("/webhooks/rest/webhook", rasa.webhook)
    app.router.add_get("/", rasa.root)
    server = await aiohttp_server(app, host="127.0.0.1")
    rasa.url = str(server.make_url("")).rstrip("/")
    return rasa


@pytest.fixture
def settings_for(tmp_path):
    def make(rasa_url: str, **overrides) -> Settings:
        return Settings(
            rasa_url=rasa_url,
            rasa_timeout=overrides.pop("rasa_timeout", 2.0),
            database_url=f"sqlite:///{tmp_path / 'gateway.db'}",
            **overrides,
        )

    return make


@pytest.fixture
async def gateway(aiohttp_client, fake_rasa, settings_for):
    return await aiohttp_client(create_app(settings_for(fake_rasa.url)))


async def widget_hello(gateway, key=None):
    ws = await gateway.ws_connect("/ws")
    await ws.send_json({"type": "hello", "key": key})
    welcome = await ws.receive_json(timeout=5)
    assert welcome["type"] == "welcome"
    return ws, welcome


async def receive_until_message(ws, count=1):
    """Skips ack/typing events and returns the next `count` message events."""
    messages = []
    while len(messages) < count:
        event = await ws.receive_json(timeout=5)
        if event["type"] in ("message", "error"):
            messages.append(event)
    return messages
