"""Handoff inside and outside office hours, callback requests and safety, end to end.

The real Rasa server and action server (from the `stack` fixture) behind a
gateway created in this process with its clock injected: no global patching.
"""
from __future__ import annotations

import datetime as dt

import pytest

from bot.app import STORE, create_app
from bot.settings import Settings

pytestmark = pytest.mark.e2e

AMS = dt.timezone(dt.timedelta(hours=1))  # CET; November
TUESDAY_MORNING = dt.datetime(2026, 11, 24, 10, 30, tzinfo=AMS)
SATURDAY = dt.datetime(2026, 11, 28, 12, 0, tzinfo=AMS)


@pytest.fixture
def gateway_at(aiohttp_client, stack, tmp_path):
    async def make(now: dt.datetime):
        settings = Settings(
            rasa_url=f"http://127.0.0.1:{stack.ports.rasa}", rasa_timeout=30,
            database_url=f"sqlite:///{tmp_path / 'gateway.db'}",
        )
        return await aiohttp_client(create_app(settings, clock=lambda: now))

    return make


class Parent:
    def __init__(self, client):
        self.client, self.key, self.last = client, None, []

    async def say(self, text=None, button=None) -> str:
        body = {"key": self.key, **({"text": text} if text else {}), **({"button": button} if button else {})}
        data = await (await self.client.post("/api/messages", json=body)).json()
        self.key, self.last = data["key"], data["replies"]
        return "\n".join(r["text"] for r in self.last)

    def button(self, title_start: str) -> str:
        return next(b["id"] for r in self.last for b in r["buttons"] if b["title"].startswith(title_start))


async def test_handoff_in_office_hours_joins_the_queue(gateway_at):
    client = await gateway_at(TUESDAY_MORNING)
    await client.app[STORE].set_presence("anna", TUESDAY_MORNING + dt.timedelta(minutes=2))
    parent = Parent(client)
    reply = await parent.say("ik wil iemand spreken")
    assert "Ik zet je door naar een adviseur" in reply
    assert "Er wacht nu niemand anders" in reply
    assert await client.app[STORE].waiting_count() == 1
    # From now on the advisor answers; the assistant does not.
    assert (await parent.say("wat is een tlv")).startswith("Je bericht staat klaar voor de adviseur")


async def test_handoff_outside_office_hours_offers_a_callback_that_is_stored(gateway_at):
    client = await gateway_at(SATURDAY)
    parent = Parent(client)
    reply = await parent.say("kan ik iemand spreken")
    assert "maandag om 10.00 uur" in reply and "020-330 63 20" in reply and "06-160 046 00" in reply
    assert await client.app[STORE].waiting_count() == 0

    assert "naam" in await parent.say(button=parent.button("Ja, bel"))
    assert "telefoonnummer of e-mailadres" in await parent.say("Fatima")
    assert "klopt niet" in await parent.say("06-1234")
    assert "Wanneer" in await parent.say("06-12345678")
    assert "Waar gaat je vraag over" in await parent.say("dinsdagochtend")
    assert "bewaren" in await parent.say("de tlv aanvraag van mijn zoon duurt lang")
    done = await parent.say(button=parent.button("Ja, dat mag"))
    assert "Dank je, Fatima" in done and "maandag om 10.00 uur" in done
    [callback] = await client.app[STORE].callbacks()
    assert callback == {
        "id": callback["id"], "conversation_id": callback["conversation_id"], "name": "Fatima",
        "contact": "0612345678", "moment": "dinsdagochtend",
        "question": "de tlv aanvraag van mijn zoon duurt lang", "status": "nieuw",
    }


@pytest.mark.parametrize("answers", [
    ["Joost", "stop"],
    # In English, at the first step: "cancel" stops the form, it is not stored as a name.
    ["cancel"],
])
async def test_stop_cancels_the_callback_and_nothing_is_stored(gateway_at, answers):
    client = await gateway_at(SATURDAY)
    parent = Parent(client)
    await parent.say("ik wil een adviseur spreken")
    await parent.say(button=parent.button("Ja, bel"))
    for answer in answers:
        reply = await parent.say(answer)
    assert "gestopt" in reply and "niets bewaard" in reply
    assert await client.app[STORE].callbacks() == []
    # And the assistant answers questions again.
    assert "Meer weten: https://" in await parent.say("wat is een opp precies")


async def test_safety_message_gets_the_referral_first(gateway_at):
    client = await gateway_at(SATURDAY)
    parent = Parent(client)
    reply = await parent.say("ik zie het leven echt niet meer zitten en wil er niet meer zijn")
    assert "113" in reply and "0800-0113" in reply and "112" in reply
