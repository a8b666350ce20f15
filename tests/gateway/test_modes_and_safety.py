"""Safety first in every mode, BSN masking, the advisor queue and callback requests."""
from __future__ import annotations

import datetime as dt

import pytest

from bot.app import SERVICE, STORE, create_app

OPEN = dt.datetime(2026, 11, 24, 10, 30, tzinfo=dt.timezone(dt.timedelta(hours=1)))  # a Tuesday
CLOSED = dt.datetime(2026, 11, 28, 12, 0, tzinfo=dt.timezone.utc)  # a Saturday


@pytest.fixture
def gateway_at(aiohttp_client, fake_rasa, settings_for):
    async def make(now: dt.datetime):
        return await aiohttp_client(create_app(settings_for(fake_rasa.url), clock=lambda: now))

    return make


async def say(client, text, key=None):
    body = {"text": text, **({"key": key} if key else {})}
    return await (await client.post("/api/messages", json=body)).json()


async def conversation_of(client, key):
    from bot.channels.web import CHANNEL, key_hash

    return await client.app[STORE].conversation_for(CHANNEL, key_hash(key), create=False)


async def test_rasa_gets_the_time_and_the_queue_from_the_gateway(gateway_at, fake_rasa):
    client = await gateway_at(OPEN)
    await client.app[STORE].set_presence("anna", OPEN + dt.timedelta(minutes=5))
    await say(client, "hoi")
    metadata = fake_rasa.received[0]["metadata"]
    assert metadata == {
        "channel": "web", "now": OPEN.isoformat(), "advisors_online": 1, "waiting": 0, "closed_days": {}
    }


async def test_presence_expires(gateway_at):
    client = await gateway_at(OPEN)
    store = client.app[STORE]
    await store.set_presence("anna", OPEN + dt.timedelta(seconds=30))
    assert await store.advisors_online(OPEN) == 1
    assert await store.advisors_online(OPEN + dt.timedelta(minutes=1)) == 0
    await store.set_presence("anna", None)
    assert await store.advisors_online(OPEN) == 0


async def test_handoff_puts_the_conversation_in_the_queue_and_rasa_stops_answering(gateway_at, fake_rasa):
    client = await gateway_at(OPEN)
    first = await say(client, "wat is een tlv")
    key = first["key"]
    handoff = await say(client, "ik wil iemand spreken", key)
    assert handoff["replies"][0]["text"] == "Ik zet je door naar een adviseur."
    conversation = await conversation_of(client, key)
    assert conversation.mode == "waiting"
    assert await client.app[STORE].waiting_count() == 1

    sent = len(fake_rasa.received)
    waiting = await say(client, "hallo? is daar iemand", key)
    assert waiting["replies"][0]["text"].startswith("Je bericht staat klaar voor de adviseur")
    for text in ("nog een vraag", "en nog een"):
        again = await say(client, text, key)
        assert again["replies"] == []  # the note is not repeated
    assert len(fake_rasa.received) == sent  # Rasa saw none of it

    # Staff hand the conversation back: the assistant answers again.
    await client.app[STORE].update_conversation(conversation.id, mode="bot")
    back = await say(client, "wat is een opp", key)
    assert back["replies"][0]["text"] == "Antwoord op: wat is een opp"


async def test_callback_request_is_stored_with_status_new(gateway_at):
    client = await gateway_at(CLOSED)
    reply = await say(client, "ja dat mag")
    assert reply["replies"][0]["text"] == "Je terugbelverzoek is ontvangen."
    [callback] = await client.app[STORE].callbacks()
    assert callback["status"] == "nieuw" and callback["name"] == "Fatima" and callback["contact"] == "0612345678"


@pytest.mark.parametrize("mode", ["bot", "waiting", "human"])
async def test_safety_message_gets_the_referral_first_in_every_mode(gateway_at, fake_rasa, mode):
    client = await gateway_at(CLOSED)
    key = (await say(client, "hoi"))["key"]
    conversation = await conversation_of(client, key)
    await client.app[STORE].update_conversation(conversation.id, mode=mode)
    sent = len(fake_rasa.received)

    reply = await say(client, "mijn man slaat mij en de kinderen, ik durf niet naar huis", key)
    text = reply["replies"][0]["text"]
    assert reply["replies"][0]["author"] == "system"
    assert "0800-2000" in text and "112" in text
    assert len(fake_rasa.received) == sent  # never routed as an ordinary question
    assert (await conversation_of(client, key)).urgent


async def test_safety_during_office_hours_goes_to_the_top_of_the_queue(gateway_at):
    client = await gateway_at(OPEN)
    await client.app[STORE].set_presence("anna", OPEN + dt.timedelta(minutes=5))
    reply = await say(client, "mijn dochter wil dood, ze zegt het elke dag")
    assert "113" in reply["replies"][0]["text"] and "bovenaan" in reply["replies"][0]["text"]
    conversation = await conversation_of(client, reply["key"])
    assert conversation.urgent and conversation.mode == "waiting"


async def test_a_bsn_is_masked_in_the_store_and_never_reaches_rasa(gateway_at, fake_rasa):
    client = await gateway_at(OPEN)
    reply = await say(client, "het bsn van mijn zoon is 123456782, kunnen jullie zijn dossier zien?")
    assert "BSN" in reply["replies"][0]["text"] and "niet bewaard" in reply["replies"][0]["text"]
    assert "123456782" not in fake_rasa.received[0]["message"]
    conversation = await conversation_of(client, reply["key"])
    stored = await client.app[STORE].transcript(conversation.id)
    assert "123456782" not in stored[0].text and "*********" in stored[0].text
    assert reply["replies"][1]["author"] == "bot"  # the question itself is still answered


async def test_an_ordinary_nine_digit_number_is_left_alone(gateway_at, fake_rasa):
    client = await gateway_at(OPEN)
    reply = await say(client, "ons dossiernummer is 123456789")
    assert fake_rasa.received[0]["message"] == "ons dossiernummer is 123456789"
    assert reply["replies"][0]["author"] == "bot"


async def test_medical_details_get_a_privacy_tip_once_and_the_question_is_still_answered(gateway_at, fake_rasa):
    client = await gateway_at(OPEN)
    reply = await say(client, "mijn zoon gebruikt 20 mg ritalin, mag school dat geven?")
    assert "medische details" in reply["replies"][0]["text"]
    assert reply["replies"][1]["author"] == "bot"
    again = await say(client, "en concerta 36 mg?", reply["key"])
    assert all("medische details" not in r["text"] for r in again["replies"])
    # An ordinary mention of a diagnosis is part of the question, not a detail to warn about.
    plain = await say(client, "school wil mijn zoon niet aannemen omdat hij autisme heeft")
    assert [r["author"] for r in plain["replies"]] == ["bot"]
