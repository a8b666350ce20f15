"""The Telegram channel: the real python-telegram-bot client against a fake Bot API, and a fake Rasa."""
from __future__ import annotations

import asyncio
import json
import logging
import socket

import pytest

from bot.app import OUTBOX, SERVICE, STORE, TELEGRAM, create_app
from bot.channels.identity import conversation_key
from bot.channels.telegram import MAX_CHARS, SECRET_HEADER, main
from bot.conversations import HANDED_BACK, MEDIA_ONLY_TEXT, UNKNOWN_BUTTON, WAITING_NOTE
from tests.gateway.fake_telegram import FakeBotApi

TOKEN = "123456:TEST-token-abcdefghijklmnop"
SECRET = "webhook-secret_0123456789abcdef"
KEY_SECRET = "k" * 40
CHAT_ID = 987654321
PUBLIC_URL = "https://chat.example.nl"


@pytest.fixture
async def fake_telegram(aiohttp_server):
    api = FakeBotApi(TOKEN)
    server = await aiohttp_server(api.make_app(), host="127.0.0.1")  # stopped by aiohttp_server
    api.url = str(server.make_url("")).rstrip("/")
    return api


def telegram_settings(settings_for, rasa_url: str, api_url: str):
    return settings_for(
        rasa_url,
        public_url=PUBLIC_URL,
        channel_key_secret=KEY_SECRET,
        telegram_bot_token=TOKEN,
        telegram_webhook_secret=SECRET,
        telegram_api_url=api_url,
        send_retry_delays=(0.05, 0.1),
    )


@pytest.fixture
async def gateway(aiohttp_client, fake_rasa, fake_telegram, settings_for):
    return await aiohttp_client(create_app(telegram_settings(settings_for, fake_rasa.url, fake_telegram.url)))


def text_update(update_id: int, text: str | None = None, chat_id: int = CHAT_ID, chat_type: str = "private", **extra):
    message = {
        "message_id": update_id,
        "date": 1_700_000_000,
        "chat": {"id": chat_id, "type": chat_type, "first_name": "Fatima"},
        "from": {"id": chat_id, "is_bot": False, "first_name": "Fatima"},
        **({"text": text} if text is not None else {}),
        **extra,
    }
    return {"update_id": update_id, "message": message}


def button_update(update_id: int, data: str, chat_id: int = CHAT_ID):
    return {
        "update_id": update_id,
        "callback_query": {
            "id": f"cb-{update_id}",
            "from": {"id": chat_id, "is_bot": False, "first_name": "Fatima"},
            "chat_instance": "42",
            "data": data,
            "message": {
                "message_id": 1000, "date": 1_700_000_000, "text": "Antwoord",
                "chat": {"id": chat_id, "type": "private"},
                "from": {"id": 4242, "is_bot": True, "first_name": "Oudersteunpunt"},
            },
        },
    }


async def post(client, update, secret: str | None = SECRET):
    headers = {SECRET_HEADER: secret} if secret is not None else {}
    body = update if isinstance(update, (str, bytes)) else json.dumps(update)
    return await client.post("/webhooks/telegram", data=body, headers={"Content-Type": "application/json", **headers})


async def settle(client) -> None:
    """Waits for the answers in the background, then for the outbox."""
    await client.app[TELEGRAM].idle()
    await client.app[OUTBOX].drain()


async def conversation(client, chat_id: int = CHAT_ID):
    key = conversation_key(KEY_SECRET, "telegram", str(chat_id))
    return await client.app[STORE].conversation_for("telegram", key, create=False)


async def transcript(client, chat_id: int = CHAT_ID):
    found = await conversation(client, chat_id)
    return await client.app[STORE].transcript(found.id) if found else []


async def test_secret_token_is_required(gateway, fake_rasa, fake_telegram, caplog):
    update = text_update(1, "wat is een opp")
    for secret in (None, "", "wrong-secret_0123456789abcdef", SECRET[:-1]):
        response = await post(gateway, update, secret)
        assert response.status == 403
    await settle(gateway)
    # Refused updates leave nothing behind, and the log says why without the body.
    assert await conversation(gateway) is None
    assert fake_rasa.received == [] and fake_telegram.sent() == []
    assert "wat is een opp" not in caplog.text and "secret token" in caplog.text

    response = await post(gateway, update)
    assert response.status == 200
    await settle(gateway)
    assert [m.text for m in await transcript(gateway)] == ["wat is een opp", "Antwoord op: wat is een opp"]


async def test_malformed_and_unwanted_updates(gateway, fake_rasa, fake_telegram):
    for body in (
        "dit is geen json", "[" * 5000 + "]" * 5000, "[1, 2]", json.dumps({"message": {}}),
        json.dumps({"update_id": "7"}), json.dumps({"update_id": 8, "message": {"text": "geen chat"}}),
    ):
        assert (await post(gateway, body)).status == 400
    too_big = json.dumps(text_update(9, "x" * 70_000))
    assert (await post(gateway, too_big)).status == 413

    message = text_update(10, "hoi")["message"]
    unwanted = [
        {"update_id": 11, "edited_message": {**message, "edit_date": 1_700_000_100}},
        {"update_id": 12, "my_chat_member": {
            "chat": message["chat"], "from": message["from"], "date": 1_700_000_000,
            "old_chat_member": {"status": "member", "user": {"id": 4242, "is_bot": True, "first_name": "Bot"}},
            "new_chat_member": {"status": "kicked", "until_date": 0,
                                "user": {"id": 4242, "is_bot": True, "first_name": "Bot"}},
        }},
        text_update(13, "hoi allemaal", chat_id=-100123, chat_type="group"),
        {"update_id": 14, "channel_post": {**message, "chat": {"id": -100999, "type": "channel", "title": "Kanaal"}}},
        text_update(15, sticker={"file_id": "s", "file_unique_id": "s1", "type": "regular",
                                 "width": 512, "height": 512, "is_animated": False, "is_video": False}),
        {"update_id": 16, "something_new": {"from": "a future Bot API"}},
        text_update(17, 12345),  # text that is not a string
        text_update(18, "hoi", chat_id="abc"),  # a chat id that is not a number
    ]
    for update in unwanted:
        response = await post(gateway, update)
        assert response.status == 200, update
    await settle(gateway)
    assert fake_rasa.received == []
    assert fake_telegram.sent() == []
    assert await conversation(gateway) is None and await conversation(gateway, -100123) is None


async def test_message_is_stored_before_the_ack_and_answered_through_the_bot_api(
    gateway, fake_rasa, fake_telegram, caplog
):
    caplog.set_level(logging.DEBUG)
    fake_rasa.delay = 0.3  # the answer comes after the 200
    response = await post(gateway, text_update(1, "wat is een opp"))
    assert response.status == 200
    # Stored at the moment of the 200, before Rasa answered.
    assert [(m.author, m.text) for m in await transcript(gateway)] == [("parent", "wat is een opp")]
    assert fake_telegram.sent() == []

    await settle(gateway)
    [sent] = fake_telegram.sent()
    assert sent["chat_id"] == CHAT_ID and sent["text"] == "Antwoord op: wat is een opp"
    found = await conversation(gateway)
    assert found.address == str(CHAT_ID)
    # The conversation key is a keyed hash, not the chat id; Rasa sees neither.
    store = gateway.app[STORE]
    assert await store.conversation_for("telegram", str(CHAT_ID), create=False) is None
    assert fake_rasa.received[0]["sender"] == found.id
    assert str(CHAT_ID) not in json.dumps(fake_rasa.received)
    assert fake_rasa.received[0]["metadata"]["channel"] == "telegram"
    [_, reply] = await transcript(gateway)
    assert reply.delivery == "sent"
    # No chat id, name or token in the logs of the gateway and the HTTP stack, not even at DEBUG.
    ours = ("bot", "telegram", "httpx", "httpcore", "aiohttp")
    logged = "\n".join(r.getMessage() for r in caplog.records if r.name.split(".")[0] in ours)
    assert str(CHAT_ID) not in logged and "Fatima" not in logged and "wat is een opp" not in logged
    assert TOKEN.split(":")[1] not in logged


async def test_redelivered_update_is_stored_and_answered_once(gateway, fake_rasa, fake_telegram):
    update = text_update(5, "wat is passend onderwijs")
    assert (await post(gateway, update)).status == 200
    await settle(gateway)
    assert (await post(gateway, update)).status == 200
    await settle(gateway)
    messages = await transcript(gateway)
    assert [m.author for m in messages] == ["parent", "bot"]
    assert len(fake_rasa.received) == 1
    assert len(fake_telegram.sent()) == 1


async def test_buttons_are_an_inline_keyboard_of_opaque_ids(gateway, fake_rasa, fake_telegram):
    await post(gateway, text_update(1, "hoi"))
    await settle(gateway)
    [_, reply] = await transcript(gateway)
    ids = [b.id for b in reply.buttons]
    [sent] = fake_telegram.sent()
    assert sent["reply_markup"] == {"inline_keyboard": [
        [{"text": "Wat is een TLV?", "callback_data": ids[0]}],
        [{"text": "Iemand spreken", "callback_data": ids[1]}],
    ]}
    assert all("/" not in i and len(i.encode()) <= 64 for i in ids)

    # The parent presses a button: answered, and Rasa gets the payload the assistant sent.
    assert (await post(gateway, button_update(2, ids[0]))).status == 200
    await settle(gateway)
    assert fake_telegram.calls_of("answerCallbackQuery") == [{"callback_query_id": "cb-2"}]
    assert fake_rasa.received[-1]["message"] == '/faq{"article": "tlv"}'
    assert fake_telegram.texts()[-1] == "Artikel tlv"

    # Forged callback data (a Rasa payload, an id that is not ours): answered, refused, Rasa sees nothing.
    for update_id, data in ((3, "/handoff"), (4, "999999.0"), (5, "9" * 30 + ".0")):
        assert (await post(gateway, button_update(update_id, data))).status == 200
        await settle(gateway)
        assert fake_telegram.texts()[-1] == UNKNOWN_BUTTON
    assert len(fake_rasa.received) == 2
    assert [c["callback_query_id"] for c in fake_telegram.calls_of("answerCallbackQuery")] == ["cb-2", "cb-3", "cb-4", "cb-5"]


async def test_button_of_another_chat_is_refused(gateway, fake_rasa, fake_telegram):
    await post(gateway, text_update(1, "hoi"))
    await settle(gateway)
    [_, reply] = await transcript(gateway)
    await post(gateway, button_update(2, reply.buttons[1].id, chat_id=111222333))
    await settle(gateway)
    assert fake_telegram.sent()[-1] == {"chat_id": 111222333, "text": UNKNOWN_BUTTON}
    assert len(fake_rasa.received) == 1


async def test_start_makes_rasa_greet(gateway, fake_rasa, fake_telegram):
    await post(gateway, text_update(1, "/start"))
    await post(gateway, text_update(2, "/start school-flyer"))
    await settle(gateway)
    assert [r["message"] for r in fake_rasa.received] == ["/greet", "/greet"]
    # A typed command is escaped as always: Rasa never gets a forced intent from the parent.
    await post(gateway, text_update(3, '/handoff{"x": 1}'))
    await settle(gateway)
    assert fake_rasa.received[-1]["message"] == 'handoff{"x": 1}'


async def test_photo_gets_a_request_to_type_the_question(gateway, fake_rasa, fake_telegram):
    photo = [{"file_id": "p", "file_unique_id": "p1", "width": 90, "height": 90, "file_size": 1000}]
    assert (await post(gateway, text_update(1, photo=photo))).status == 200
    await settle(gateway)
    assert fake_telegram.sent() == [{"chat_id": CHAT_ID, "text": MEDIA_ONLY_TEXT}]
    assert fake_rasa.received == []
    # Redelivered: not answered twice.
    await post(gateway, text_update(1, photo=photo))
    await settle(gateway)
    assert len(fake_telegram.sent()) == 1


async def test_rate_limit_is_waited_out_and_the_message_delivered_once(gateway, fake_telegram):
    fake_telegram.fail("sendMessage", 429)
    await post(gateway, text_update(1, "hoi"))
    await settle(gateway)
    assert [c["status"] for c in fake_telegram.calls if c["method"] == "sendMessage"] == [429, 200]
    assert len(fake_telegram.sent()) == 1
    assert (await transcript(gateway))[-1].delivery == "sent"


async def test_server_errors_exhaust_the_retries_and_mark_the_message_failed(gateway, fake_telegram):
    fake_telegram.fail("sendMessage", 500, times=3)
    await post(gateway, text_update(1, "hoi"))
    await settle(gateway)
    assert len(fake_telegram.calls_of("sendMessage")) == 3  # the first try and two retries
    assert fake_telegram.sent() == []
    reply = (await transcript(gateway))[-1]
    assert reply.author == "bot" and reply.delivery == "failed" and reply.delivery_error


async def test_blocked_bot_fails_at_once(gateway, fake_telegram):
    fake_telegram.fail("sendMessage", 403)
    await post(gateway, text_update(1, "hoi"))
    await settle(gateway)
    assert len(fake_telegram.calls_of("sendMessage")) == 1
    reply = (await transcript(gateway))[-1]
    assert reply.delivery == "failed" and "blocked" in reply.delivery_error


async def test_long_reply_is_split_in_order_with_the_keyboard_on_the_last_part(gateway, fake_rasa, fake_telegram):
    long = "\n\n".join(f"Alinea {i}: " + "woord " * 150 for i in range(12))
    assert len(long) > 2 * MAX_CHARS
    fake_rasa.raw_body = json.dumps([{"text": long, "buttons": [{"title": "Meer", "payload": "/meer"}]}])
    await post(gateway, text_update(1, "vertel alles"))
    await settle(gateway)
    parts = fake_telegram.sent()
    assert len(parts) >= 3 and all(len(p["text"]) <= MAX_CHARS for p in parts)
    assert " ".join(p["text"] for p in parts).split() == long.split()
    assert [("reply_markup" in p) for p in parts] == [False] * (len(parts) - 1) + [True]


async def test_a_failed_part_is_not_sent_twice_on_retry(gateway, fake_rasa, fake_telegram):
    long = "\n\n".join(f"Alinea {i}: " + "woord " * 150 for i in range(8))
    fake_rasa.raw_body = json.dumps([{"text": long}])
    # The first part goes out, the second fails once: the retry continues at the second.
    fake_telegram.fail("sendMessage", 200)
    fake_telegram.fail("sendMessage", 500)
    await post(gateway, text_update(1, "vertel alles"))
    await settle(gateway)
    parts = fake_telegram.texts()
    assert len(parts) == len(set(parts)) == 2
    assert " ".join(parts).split() == long.split()


async def test_whole_conversation_with_an_advisor(gateway, fake_rasa, fake_telegram):
    service = gateway.app[SERVICE]
    await post(gateway, text_update(1, "wat is een tlv"))
    await post(gateway, text_update(2, "ik wil iemand spreken"))
    await settle(gateway)
    found = await conversation(gateway)
    assert found.mode == "waiting"
    assert fake_telegram.texts() == ["Een TLV is ...", "Ik zet je door naar een adviseur."]

    await post(gateway, text_update(3, "hallo? is daar iemand"))
    await settle(gateway)
    assert fake_telegram.texts()[-1] == WAITING_NOTE
    assert len(fake_rasa.received) == 2  # waiting: Rasa does not see it

    await service.staff_joined(found, "Sanne")
    await service.staff_typing(found)
    await service.send_staff_message(found, "Sanne", "Hoi, ik ben Sanne. Waar gaat je vraag over?")
    await settle(gateway)
    assert fake_telegram.texts()[-2].startswith("Sanne, adviseur van het Oudersteunpunt")
    assert fake_telegram.texts()[-1] == "Sanne (adviseur):\nHoi, ik ben Sanne. Waar gaat je vraag over?"
    assert fake_telegram.calls_of("sendChatAction") == [{"chat_id": CHAT_ID, "action": "typing"}]

    await post(gateway, text_update(4, "over de tlv van mijn zoon"))
    await settle(gateway)
    assert len(fake_rasa.received) == 2  # with an advisor: still not Rasa
    assert (await transcript(gateway))[-1].text == "over de tlv van mijn zoon"

    await service.hand_back(await conversation(gateway))
    await settle(gateway)
    assert fake_telegram.texts()[-1] == HANDED_BACK
    await post(gateway, text_update(5, "wat is een opp"))
    await settle(gateway)
    assert fake_rasa.received[-1]["message"] == "wat is een opp"
    assert fake_telegram.texts()[-1] == "Antwoord op: wat is een opp"
    assert all(m.delivery == "sent" for m in await transcript(gateway) if m.direction == "out")


async def test_cli_registers_the_webhook_with_the_secret(fake_telegram, monkeypatch, capsys):
    for name, value in {
        "TELEGRAM_BOT_TOKEN": TOKEN, "TELEGRAM_WEBHOOK_SECRET": SECRET, "TELEGRAM_API_URL": fake_telegram.url,
        "PUBLIC_URL": PUBLIC_URL, "CHANNEL_KEY_SECRET": KEY_SECRET,
    }.items():
        monkeypatch.setenv(name, value)
    # main() runs its own event loop (asyncio.run), so it runs in a thread.
    assert await asyncio.to_thread(main, ["set-webhook"]) == 0
    [registered] = fake_telegram.calls_of("setWebhook")
    assert registered["url"] == f"{PUBLIC_URL}/webhooks/telegram"
    assert registered["secret_token"] == SECRET
    assert registered["allowed_updates"] == ["message", "callback_query"]
    assert registered["drop_pending_updates"] is False

    assert await asyncio.to_thread(main, ["info"]) == 0
    assert await asyncio.to_thread(main, ["delete-webhook"]) == 0
    assert len(fake_telegram.calls_of("deleteWebhook")) == 1
    out = capsys.readouterr()
    assert f"{PUBLIC_URL}/webhooks/telegram" in out.out
    assert SECRET not in out.out + out.err and TOKEN not in out.out + out.err

    fake_telegram.fail("setWebhook", 400)
    assert await asyncio.to_thread(main, ["set-webhook"]) == 1
    assert "BadRequest: Chat not found" in capsys.readouterr().err


async def test_cli_says_when_telegram_is_off(monkeypatch, capsys):
    for name in ("TELEGRAM_BOT_TOKEN", "TELEGRAM_WEBHOOK_SECRET", "TWILIO_ACCOUNT_SID", "TWILIO_AUTH_TOKEN",
                 "TWILIO_WHATSAPP_FROM"):
        monkeypatch.delenv(name, raising=False)
    assert main(["set-webhook"]) == 2
    assert "Telegram staat uit" in capsys.readouterr().err


async def test_channel_without_credentials_is_off(aiohttp_client, fake_rasa, settings_for):
    client = await aiohttp_client(create_app(settings_for(fake_rasa.url)))
    response = await post(client, text_update(1, "hoi"))
    assert response.status == 404
    assert TELEGRAM not in client.app


async def test_gateway_starts_when_the_bot_api_is_down(aiohttp_client, fake_rasa, settings_for, caplog):
    with socket.socket() as probe:  # a port nobody listens on
        probe.bind(("127.0.0.1", 0))
        closed_port = probe.getsockname()[1]
    settings = telegram_settings(settings_for, fake_rasa.url, f"http://127.0.0.1:{closed_port}")
    client = await aiohttp_client(create_app(settings))
    assert "Bot API not reachable" in caplog.text and TOKEN not in caplog.text
    # Updates are still taken in and stored; the answer waits in the outbox, then fails visibly.
    assert (await post(client, text_update(1, "hoi"))).status == 200
    await settle(client)
    [parent, reply] = await transcript(client)
    assert parent.text == "hoi" and reply.delivery == "failed"


async def test_sending_works_when_the_bot_api_comes_back_after_start(
    aiohttp_client, fake_rasa, fake_telegram, settings_for, caplog
):
    fake_telegram.fail("getMe", 500)
    client = await aiohttp_client(create_app(telegram_settings(settings_for, fake_rasa.url, fake_telegram.url)))
    assert "Bot API not reachable at start (NetworkError)" in caplog.text
    await post(client, text_update(1, "hoi"))
    await settle(client)
    assert fake_telegram.texts() == ["Antwoord op: hoi"]
