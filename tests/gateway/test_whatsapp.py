"""WhatsApp through Twilio: the signed webhook, dedup, numbered options, the outbox, staff replies and the 24-hour window.

The real twilio SDK sends to a fake Twilio API on 127.0.0.1; Rasa is the fake
from conftest.py. What the parent would see on their phone is what the fake
Twilio API received.
"""
from __future__ import annotations

import datetime as dt
import json
import logging
import uuid

import pytest
from twilio.request_validator import RequestValidator

from bot.app import OUTBOX, STORE, WHATSAPP, create_app
from bot.channels.identity import conversation_key
from bot.conversations import MEDIA_ONLY_TEXT
from tests.gateway.fake_twilio import fake_twilio  # noqa: F401 (fixture)
from tests.gateway.test_inbox_helpers import OPEN, MovableClock, login  # noqa: F401 (fixtures)

ACCOUNT = "AC" + "0" * 32
TOKEN = "twilio-auth-token-for-tests"
OUR_NUMBER = "whatsapp:+3197010203040"
PARENT = "whatsapp:+31612345678"
PUBLIC = "https://chat.example.nl"
URL = PUBLIC + "/webhooks/whatsapp"
SECRET = "k" * 40


@pytest.fixture
def clock():
    return MovableClock(OPEN)


@pytest.fixture
def whatsapp_settings(fake_rasa, fake_twilio, settings_for):
    """Gateway settings with WhatsApp on, against the fake Rasa and the fake Twilio API."""
    def make(**overrides):
        return settings_for(
            fake_rasa.url, public_url=PUBLIC, channel_key_secret=SECRET, twilio_account_sid=ACCOUNT,
            twilio_auth_token=TOKEN, twilio_whatsapp_from=OUR_NUMBER, twilio_api_url=fake_twilio.url,
            **overrides,
        )

    return make


@pytest.fixture
async def server(aiohttp_server, whatsapp_settings, clock):
    settings = whatsapp_settings(twilio_template_sid="HX" + "1" * 32, send_retry_delays=(0.01, 0.02))
    return await aiohttp_server(create_app(settings, clock=clock), host="127.0.0.1")


@pytest.fixture
def store(server):
    return server.app[STORE]


@pytest.fixture
async def client(aiohttp_client, server):
    return await aiohttp_client(server)


def form_for(body: str = "", sender: str = PARENT, **extra) -> dict:
    return {"AccountSid": ACCOUNT, "To": OUR_NUMBER, "From": sender, "Body": body,
            "MessageSid": "SM" + uuid.uuid4().hex, "NumMedia": "0", **extra}


def sign(form: dict, url: str = URL, token: str = TOKEN) -> str:
    return RequestValidator(token).compute_signature(url, form)


async def post(client, form: dict, signature: str | None = "auto"):
    headers = {} if signature is None else {"X-Twilio-Signature": sign(form) if signature == "auto" else signature}
    return await client.post("/webhooks/whatsapp", data=form, headers=headers)


async def settled(server):
    """Every accepted message answered and every reply sent (or failed)."""
    await server.app[WHATSAPP].idle()
    await server.app[OUTBOX].drain()


async def parent_conversation(store, sender: str = PARENT):
    return await store.conversation_for("whatsapp", conversation_key(SECRET, "whatsapp", sender), create=False)


async def test_a_signed_message_is_answered_through_the_twilio_api(client, server, store, fake_rasa, fake_twilio):
    response = await post(client, form_for("wat is een tlv"))
    assert response.status == 200 and "<Response>" in await response.text()
    await settled(server)
    assert fake_rasa.received[0]["message"] == "wat is een tlv"
    assert fake_twilio.sent == [{"To": PARENT, "From": OUR_NUMBER, "Body": "Een TLV is ..."}]
    conversation = await parent_conversation(store)
    assert conversation.address == PARENT
    assert "612345678" not in conversation_key(SECRET, "whatsapp", PARENT)  # the key is a keyed hash
    [_, reply] = await store.transcript(conversation.id)
    assert reply.delivery == "sent"


def tampered(form):
    signature = sign(form)
    form["Body"] = "iets anders"
    return signature


@pytest.mark.parametrize("case, make_signature", [
    ("missing", lambda form: None),
    ("wrong token", lambda form: sign(form, token="not-the-token")),
    ("other URL", lambda form: sign(form, url="https://evil.example/webhooks/whatsapp")),
    ("http instead of https", lambda form: sign(form, url="http://chat.example.nl/webhooks/whatsapp")),
    ("tampered parameter", tampered),
    ("garbage", lambda form: "bm90IGEgc2lnbmF0dXJl"),
])
async def test_a_message_without_a_valid_signature_gets_403_and_is_not_stored(
    client, store, fake_rasa, fake_twilio, case, make_signature
):
    form = form_for("wat is een tlv")
    signature = make_signature(form)
    response = await post(client, form, signature)
    assert response.status == 403, case
    assert await parent_conversation(store) is None
    assert fake_rasa.received == [] and fake_twilio.sent == []


@pytest.mark.parametrize("field, value", [("AccountSid", "AC" + "9" * 32), ("To", "whatsapp:+3111111111")])
async def test_a_signed_message_for_another_account_or_number_gets_403(client, store, field, value):
    form = form_for("hallo", **{field: value})
    assert (await post(client, form)).status == 403
    assert await parent_conversation(store) is None


@pytest.mark.parametrize("field, value", [("MessageSid", "not-a-sid"), ("From", "+31612345678"), ("From", "")])
async def test_a_signed_but_malformed_message_gets_400(client, store, field, value):
    form = form_for("hallo", **{field: value})
    assert (await post(client, form)).status == 400
    assert await parent_conversation(store) is None


async def test_a_duplicate_message_sid_is_acknowledged_and_ignored(client, server, store, fake_rasa, fake_twilio):
    form = form_for("wat is een tlv")
    assert (await post(client, form)).status == 200
    assert (await post(client, form)).status == 200  # Twilio retried: the same MessageSid
    await settled(server)
    assert len(fake_rasa.received) == 1 and len(fake_twilio.sent) == 1
    assert len(await store.transcript((await parent_conversation(store)).id)) == 2


async def test_the_message_is_stored_before_the_200_even_when_rasa_is_slow(client, server, store, fake_rasa, fake_twilio):
    fake_rasa.delay = 1.0
    assert (await post(client, form_for("wat is een tlv"))).status == 200
    [stored] = await store.transcript((await parent_conversation(store)).id)
    assert stored.text == "wat is een tlv" and fake_twilio.sent == []
    await settled(server)
    assert fake_twilio.bodies() == ["Een TLV is ..."]


async def test_buttons_become_numbered_options_and_a_number_picks_one(client, server, fake_rasa, fake_twilio):
    await post(client, form_for("hoi"))
    await settled(server)
    assert fake_twilio.bodies()[0] == (
        "Antwoord op: hoi\n\nTyp het nummer van je keuze:\n1. Wat is een TLV?\n2. Iemand spreken"
    )
    await post(client, form_for("1"))
    await settled(server)
    assert fake_rasa.received[-1]["message"] == '/faq{"article": "tlv"}'
    assert fake_twilio.bodies()[-1] == "Artikel tlv"
    await post(client, form_for("1"))  # no options on the last answer: just a number
    await settled(server)
    assert fake_rasa.received[-1]["message"] == "1"


async def test_a_number_outside_the_options_is_ordinary_text(client, server, fake_rasa):
    await post(client, form_for("hoi"))
    await settled(server)
    await post(client, form_for("7"))
    await settled(server)
    assert fake_rasa.received[-1]["message"] == "7"


async def test_media_without_text_gets_a_friendly_request_to_type(client, server, fake_rasa, fake_twilio):
    form = form_for("", NumMedia="1", MediaUrl0="https://api.twilio.com/media/1", MediaContentType0="audio/ogg")
    assert (await post(client, form)).status == 200
    await settled(server)
    assert fake_twilio.bodies() == [MEDIA_ONLY_TEXT] and fake_rasa.received == []


async def test_a_long_answer_is_split_at_sentences_into_parts_of_at_most_1600(client, server, fake_rasa, fake_twilio):
    sentences = [f"Dit is zin nummer {n} van een lang antwoord over de TLV." for n in range(80)]
    fake_rasa.raw_body = json.dumps([{"text": " ".join(sentences)}])
    await post(client, form_for("vertel alles"))
    await settled(server)
    parts = fake_twilio.bodies()
    assert len(parts) >= 3 and all(len(p) <= 1600 for p in parts)
    assert all(p.endswith("TLV.") for p in parts)  # cut between sentences
    assert " ".join(parts) == " ".join(sentences)  # in order, nothing lost


async def test_a_rate_limited_send_is_retried_and_arrives_once(client, server, store, fake_twilio):
    fake_twilio.fail_next(429, 20429)
    await post(client, form_for("wat is een tlv"))
    await settled(server)
    assert fake_twilio.attempts == 2 and fake_twilio.bodies() == ["Een TLV is ..."]


async def test_a_send_that_keeps_failing_is_marked_failed_for_the_inbox(client, server, store, fake_twilio):
    fake_twilio.fail_next(500, 20500, times=3)
    await post(client, form_for("wat is een tlv"))
    await settled(server)
    assert fake_twilio.attempts == 3 and fake_twilio.sent == []
    [_, reply] = await store.transcript((await parent_conversation(store)).id)
    assert reply.delivery == "failed" and "500" in reply.delivery_error


async def test_a_refused_send_is_not_retried(client, server, store, fake_twilio):
    fake_twilio.fail_next(400, 21211)  # invalid 'To': retrying cannot help
    await post(client, form_for("wat is een tlv"))
    await settled(server)
    assert fake_twilio.attempts == 1
    [_, reply] = await store.transcript((await parent_conversation(store)).id)
    assert reply.delivery == "failed" and "21211" in reply.delivery_error


async def test_messages_of_one_parent_arrive_in_order(client, server, fake_twilio):
    fake_twilio.fail_next(429, 20429)  # the first answer needs a retry; the second must still come after it
    for text in ("eerste vraag", "tweede vraag"):
        await post(client, form_for(text))
    await settled(server)
    assert [b.split("\n")[0] for b in fake_twilio.bodies()] == ["Antwoord op: eerste vraag", "Antwoord op: tweede vraag"]


async def test_handoff_staff_reply_and_the_24_hour_window(client, server, store, login, clock, fake_rasa, fake_twilio):
    staff = await login("sanne", name="Sanne")
    await staff.json("POST", "/inbox/api/presence", {"online": True})
    await post(client, form_for("ik wil iemand spreken"))
    await settled(server)
    conversation = await parent_conversation(store)
    assert conversation.mode == "waiting"

    await staff.json("POST", f"/inbox/api/conversations/{conversation.id}/claim")
    await staff.json("POST", f"/inbox/api/conversations/{conversation.id}/messages", {"text": "Hoi, ik help je."})
    await settled(server)
    assert fake_twilio.bodies()[-2:] == [
        "Sanne, adviseur van het Oudersteunpunt, is er nu. Je praat nu met een mens.",
        "Sanne (adviseur):\nHoi, ik help je.",
    ]
    sent_to_rasa = len(fake_rasa.received)
    await post(client, form_for("dank je, mijn vraag is over de tlv"))
    await settled(server)
    assert len(fake_rasa.received) == sent_to_rasa  # the advisor answers now, not the assistant

    # A day later the parent has not written: WhatsApp allows only the template.
    clock.advance(25 * 3600)
    refused = await staff.json("POST", f"/inbox/api/conversations/{conversation.id}/messages",
                               {"text": "Ben je er nog?"}, status=409)
    assert "24 uur" in refused["error"] and refused["template_available"] is True
    await staff.json("POST", f"/inbox/api/conversations/{conversation.id}/template")
    await settled(server)
    assert fake_twilio.sent[-1]["ContentSid"] == "HX" + "1" * 32 and "Body" not in fake_twilio.sent[-1]

    # The parent answers: the window is open again and the advisor hands back.
    await post(client, form_for("ja ik ben er"))
    await settled(server)
    await staff.json("POST", f"/inbox/api/conversations/{conversation.id}/messages", {"text": "Fijn!"})
    await staff.json("POST", f"/inbox/api/conversations/{conversation.id}/hand-back")
    await settled(server)
    assert fake_twilio.bodies()[-2] == "Sanne (adviseur):\nFijn!"
    await post(client, form_for("wat is een tlv"))
    await settled(server)
    assert fake_rasa.received[-1]["message"] == "wat is een tlv" and fake_twilio.bodies()[-1] == "Een TLV is ..."


async def test_a_failed_staff_message_shows_in_the_inbox(client, server, store, login, fake_twilio):
    staff = await login("sanne", name="Sanne")
    await staff.json("POST", "/inbox/api/presence", {"online": True})
    await post(client, form_for("ik wil iemand spreken"))
    await settled(server)
    conversation = await parent_conversation(store)
    await staff.json("POST", f"/inbox/api/conversations/{conversation.id}/claim")
    await settled(server)
    fake_twilio.fail_next(403, 63016, times=1)
    await staff.json("POST", f"/inbox/api/conversations/{conversation.id}/messages", {"text": "Hoi"})
    await settled(server)
    details = await staff.json("GET", f"/inbox/api/conversations/{conversation.id}")
    last = details["timeline"][-1]
    assert last["text"] == "Hoi" and last["delivery"] == "failed" and "63016" in last["delivery_error"]


async def test_pending_messages_are_sent_after_a_restart(aiohttp_server, fake_twilio, whatsapp_settings, clock):
    settings = whatsapp_settings(send_retry_delays=(0.01,))
    first = await aiohttp_server(create_app(settings, clock=clock), host="127.0.0.1")
    store = first.app[STORE]
    conversation = await store.conversation_for("whatsapp", conversation_key(SECRET, "whatsapp", PARENT), address=PARENT)
    message = await store.add_message(conversation.id, "out", "staff", "Nog even dit.", sender_name="Sanne")
    await store.set_delivery(message.id, "pending")  # the gateway stopped before it could send
    await first.close()

    second = await aiohttp_server(create_app(settings, clock=clock), host="127.0.0.1")
    await second.app[OUTBOX].drain()
    assert fake_twilio.bodies() == ["Sanne (adviseur):\nNog even dit."]


async def test_no_phone_number_in_the_logs(client, server, caplog):
    caplog.set_level(logging.INFO)  # the production level; DEBUG is for a developer's own machine
    await post(client, form_for("mijn nummer is 0612345678, bel me"))
    await post(client, form_for("x", MessageSid="bad"))
    await settled(server)
    assert "612345678" not in caplog.text


async def test_the_channel_is_off_without_credentials(aiohttp_client, fake_rasa, settings_for):
    client = await aiohttp_client(create_app(settings_for(fake_rasa.url)))
    form = form_for("hallo")
    assert (await post(client, form)).status == 404


async def test_a_message_stored_just_before_a_stop_is_answered_after_the_start(
    aiohttp_server, fake_rasa, fake_twilio, whatsapp_settings, clock
):
    settings = whatsapp_settings(send_retry_delays=(0.01,))
    first = await aiohttp_server(create_app(settings, clock=clock), host="127.0.0.1")
    store = first.app[STORE]
    conversation = await store.conversation_for("whatsapp", conversation_key(SECRET, "whatsapp", PARENT), address=PARENT)
    await store.add_message(conversation.id, "in", "parent", "wat is een tlv", provider_message_id="SM1")
    old = await store.conversation_for("whatsapp", conversation_key(SECRET, "whatsapp", "whatsapp:+31600000001"),
                                       address="whatsapp:+31600000001")
    clock.advance(-2 * 3600)
    await store.add_message(old.id, "in", "parent", "een oude vraag", provider_message_id="SM2")
    clock.advance(2 * 3600)
    await first.close()  # the gateway stopped before it could answer

    second = await aiohttp_server(create_app(settings, clock=clock), host="127.0.0.1")
    from bot.app import RECOVERY

    await second.app[RECOVERY]
    await second.app[OUTBOX].drain()
    assert [m["message"] for m in fake_rasa.received] == ["wat is een tlv"]  # the 2-hour-old one is left to staff
    assert fake_twilio.sent == [{"To": PARENT, "From": OUR_NUMBER, "Body": "Een TLV is ..."}]


async def test_erasing_a_conversation_removes_the_phone_number(client, server, store, login):
    await post(client, form_for("wat is een tlv"))
    await settled(server)
    conversation = await parent_conversation(store)
    admin = await login("beheer", role="admin")
    await admin.json("DELETE", f"/inbox/api/conversations/{conversation.id}")
    assert await parent_conversation(store) is None
    async with store.engine.connect() as connection:
        from sqlalchemy import text

        rows = (await connection.execute(text("SELECT * FROM conversations"))).all()
    assert not any("612345678" in str(row) for row in rows)
