"""A Telegram conversation with the real assistant: updates to the webhook, answers to a fake Bot API.

The real Rasa and action server (the `stack` fixture) behind a gateway made in
this process with Telegram switched on; python-telegram-bot talks to the fake
Bot API on 127.0.0.1. What the parent sees in Telegram is what that API got.
"""
from __future__ import annotations

import json

import pytest

from bot.app import OUTBOX, TELEGRAM, create_app
from bot.channels.telegram import SECRET_HEADER
from bot.settings import Settings
from tests.gateway.fake_telegram import FakeBotApi

pytestmark = pytest.mark.e2e

TOKEN, SECRET, CHAT = "123456:E2E-token-abcdefghijklmnop", "e2e-webhook-secret-0123456789", 555123


@pytest.fixture
async def telegram(aiohttp_client, aiohttp_server, stack, tmp_path):
    api = FakeBotApi(TOKEN)
    server = await aiohttp_server(api.make_app(), host="127.0.0.1")
    settings = Settings(
        rasa_url=f"http://127.0.0.1:{stack.ports.rasa}", rasa_timeout=30,
        database_url=f"sqlite:///{tmp_path / 'gateway.db'}", public_url="https://chat.example.nl",
        channel_key_secret="c" * 40, telegram_bot_token=TOKEN, telegram_webhook_secret=SECRET,
        telegram_api_url=str(server.make_url("")).rstrip("/"), send_retry_delays=(0.05,),
    )
    client = await aiohttp_client(create_app(settings))
    client.api = api
    client.update_id = 0
    return client


async def post(client, update: dict) -> list[dict]:
    """Sends one update; returns the messages the parent got back."""
    before = len(client.api.sent())
    client.update_id += 1
    response = await client.post(
        "/webhooks/telegram", data=json.dumps({"update_id": client.update_id, **update}),
        headers={"Content-Type": "application/json", SECRET_HEADER: SECRET},
    )
    assert response.status == 200
    await client.app[TELEGRAM].idle()
    await client.app[OUTBOX].drain()
    return client.api.sent()[before:]


def text(client, words: str) -> dict:
    chat = {"id": CHAT, "type": "private", "first_name": "Fatima"}
    return {"message": {"message_id": client.update_id + 1, "date": 1_764_000_000, "chat": chat,
                        "from": {"id": CHAT, "is_bot": False, "first_name": "Fatima"}, "text": words}}


def press(data: str) -> dict:
    return {"callback_query": {
        "id": f"q{data}", "chat_instance": "1", "data": data,
        "from": {"id": CHAT, "is_bot": False, "first_name": "Fatima"},
        "message": {"message_id": 1, "date": 1_764_000_000, "chat": {"id": CHAT, "type": "private"}},
    }}


async def test_a_telegram_conversation_with_start_an_answer_and_a_button(telegram):
    [intro] = await post(telegram, text(telegram, "/start"))
    assert "digitale assistent" in intro["text"] and intro["chat_id"] == CHAT

    replies = await post(telegram, text(telegram, "wat is een tlv nou eigenlijk"))
    answer = replies[0]
    assert "TLV" in answer["text"] and "Meer weten: https://" in answer["text"]
    keyboard = answer["reply_markup"]["inline_keyboard"]
    assert keyboard and all(len(row) == 1 and "callback_data" in row[0] for row in keyboard)

    choice = keyboard[0][0]
    [chosen] = await post(telegram, press(choice["callback_data"]))
    assert "Meer weten: https://" in chosen["text"] and chosen["text"] != answer["text"]
    assert telegram.api.calls_of("answerCallbackQuery")  # the button stops spinning
