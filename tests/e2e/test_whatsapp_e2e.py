"""A WhatsApp conversation with the real assistant: Twilio's signed webhook in, the fake Twilio API out.

The real Rasa and action server (the `stack` fixture) behind a gateway made in
this process, with WhatsApp switched on and its clock injected. What the
parent reads on the phone is what the fake Twilio API received.
"""
from __future__ import annotations

import datetime as dt
import uuid

import pytest
from twilio.request_validator import RequestValidator

from bot.app import OUTBOX, SERVICE, STORE, WHATSAPP, create_app
from bot.channels.identity import conversation_key
from bot.settings import Settings
from tests.gateway.fake_twilio import fake_twilio  # noqa: F401 (fixture)

pytestmark = pytest.mark.e2e

TUESDAY_MORNING = dt.datetime(2026, 11, 24, 10, 30, tzinfo=dt.timezone(dt.timedelta(hours=1)))
ACCOUNT, TOKEN, OURS, PARENT = "AC" + "5" * 32, "e2e-token", "whatsapp:+3197010203040", "whatsapp:+31687654321"
PUBLIC, SECRET = "https://chat.example.nl", "s" * 40


@pytest.fixture
async def whatsapp(aiohttp_client, stack, fake_twilio, tmp_path):
    settings = Settings(
        rasa_url=f"http://127.0.0.1:{stack.ports.rasa}", rasa_timeout=30,
        database_url=f"sqlite:///{tmp_path / 'gateway.db'}", public_url=PUBLIC, channel_key_secret=SECRET,
        twilio_account_sid=ACCOUNT, twilio_auth_token=TOKEN, twilio_whatsapp_from=OURS,
        twilio_api_url=fake_twilio.url, send_retry_delays=(0.05,),
    )
    return await aiohttp_client(create_app(settings, clock=lambda: TUESDAY_MORNING))


async def send(client, fake_twilio, text: str) -> str:
    """The parent sends a WhatsApp message; returns everything the assistant sent back."""
    before = len(fake_twilio.sent)
    form = {"AccountSid": ACCOUNT, "To": OURS, "From": PARENT, "Body": text,
            "MessageSid": "SM" + uuid.uuid4().hex, "NumMedia": "0"}
    signature = RequestValidator(TOKEN).compute_signature(PUBLIC + "/webhooks/whatsapp", form)
    response = await client.post("/webhooks/whatsapp", data=form, headers={"X-Twilio-Signature": signature})
    assert response.status == 200
    await client.app[WHATSAPP].idle()
    await client.app[OUTBOX].drain()
    return "\n---\n".join(m.get("Body", "") for m in fake_twilio.sent[before:])


async def test_a_whatsapp_conversation_with_numbered_options_and_an_advisor(whatsapp, fake_twilio):
    intro = await send(whatsapp, fake_twilio, "hallo")
    assert "digitale assistent" in intro

    answer = await send(whatsapp, fake_twilio, "de school zegt dat ze mijn zoon niet kunnen helpen, wat nu?")
    assert "6 weken" in answer and "Meer weten: https://" in answer
    assert "Typ het nummer van je keuze:\n1. " in answer  # the related questions, numbered
    first_option = answer.split("\n1. ", 1)[1].split("\n", 1)[0]

    chosen = await send(whatsapp, fake_twilio, "1")
    assert "Meer weten: https://" in chosen and first_option not in ("", None)
    assert all(len(m["Body"]) <= 1600 for m in fake_twilio.sent)

    # Office hours, an advisor online: the parent asks for a person and gets one.
    store = whatsapp.app[STORE]
    await store.set_presence("anna", TUESDAY_MORNING + dt.timedelta(minutes=5))
    handoff = await send(whatsapp, fake_twilio, "kan ik iemand spreken")
    assert "adviseur" in handoff
    conversation = await store.conversation_for("whatsapp", conversation_key(SECRET, "whatsapp", PARENT), create=False)
    assert conversation.mode == "waiting"
    service = whatsapp.app[SERVICE]
    await service.staff_joined(conversation, "Anna")
    await service.send_staff_message(conversation, "Anna", "Hoi, ik ben Anna. Waar kan ik je mee helpen?")
    await whatsapp.app[OUTBOX].drain()
    assert fake_twilio.sent[-1]["Body"] == "Anna (adviseur):\nHoi, ik ben Anna. Waar kan ik je mee helpen?"
    assert fake_twilio.sent[-1]["To"] == PARENT
