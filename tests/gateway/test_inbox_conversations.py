"""Staff inbox: presence, the queue, claiming, replying through the parent's channel,
typing, notes, hand back and close, live updates, and parent text kept as text."""
from __future__ import annotations

import pytest

from tests.gateway.conftest import receive_until_message, widget_hello
from tests.gateway.test_inbox_helpers import (  # noqa: F401 (fixtures)
    OPEN, clock, conversation_id, login, next_event, parent, server, store, waiting_parent,
)
from bot.conversations import CLOSED, HANDED_BACK, WAITING_NOTE


async def test_presence_feeds_the_handoff_decision_and_lapses_when_the_browser_goes(login, parent, store, clock,
                                                                                    fake_rasa):
    anna = await login("anna")
    assert await store.advisors_online(clock()) == 0
    await anna.json("POST", "/inbox/api/presence", {"online": True})
    p = await parent()
    await p.say("hoi")
    assert fake_rasa.received[-1]["metadata"]["advisors_online"] == 1

    ws = await anna.client.ws_connect("/inbox/ws")
    await next_event(ws, "queue")
    clock.advance(50)
    await ws.send_json({"type": "ping"})  # the open inbox page keeps the advisor online
    assert (await next_event(ws, "pong"))["online"] == 1
    clock.advance(50)
    assert await store.advisors_online(clock()) == 1
    await ws.close()  # the browser disappears: nothing renews the presence
    clock.advance(61)
    assert await store.advisors_online(clock()) == 0
    await p.say("nog een vraag")
    assert fake_rasa.received[-1]["metadata"]["advisors_online"] == 0

    await anna.json("POST", "/inbox/api/presence", {"online": False})
    ws = await anna.client.ws_connect("/inbox/ws")  # offline by choice: the page does not renew it
    await ws.send_json({"type": "ping"})
    assert (await next_event(ws, "pong"))["online"] == 0
    await ws.close()


async def test_the_queue_puts_urgent_first_then_the_longest_wait(login, parent, store):
    anna = await login("anna")
    first, first_id = await waiting_parent(parent, store, anna)
    second, second_id = await waiting_parent(parent, store)
    urgent = await parent()
    await urgent.say("mijn dochter wil dood, ze zegt het elke dag")
    urgent_id = await conversation_id(store, urgent.key)

    queue = (await anna.json("GET", "/inbox/api/queue"))["queue"]
    assert [c["id"] for c in queue] == [urgent_id, first_id, second_id]
    assert queue[0]["urgent"] and queue[0]["mode"] == "waiting"
    assert queue[1]["channel"] == "web" and queue[1]["topic"]["id"] == "tlv"
    assert queue[1]["topic"]["title"] != "tlv"  # the article's title, for people
    assert queue[1]["preview"] == "ik wil iemand spreken" and queue[1]["waiting_since"]


async def test_claim_reply_typing_and_hand_back_through_the_widget(login, server, aiohttp_client, store, fake_rasa):
    anna = await login("anna")
    bram = await login("bram")
    await anna.json("POST", "/inbox/api/presence", {"online": True})
    inbox = await anna.client.ws_connect("/inbox/ws")
    await next_event(inbox, "queue")

    # A parent on the widget asks for a person; the inbox sees it at once.
    widget_client = await aiohttp_client(server)
    widget, welcome = await widget_hello(widget_client)
    await widget.send_json({"type": "message", "id": "m1", "text": "ik wil iemand spreken"})
    await receive_until_message(widget)
    cid = await conversation_id(store, welcome["key"])
    event = await next_event(inbox, "queue")
    assert [c["id"] for c in event["queue"]] == [cid]

    # The whole transcript, with times.
    data = await anna.json("GET", f"/inbox/api/conversations/{cid}")
    assert data["conversation"]["mode"] == "waiting" and data["conversation"]["claimed_by"] is None
    assert [(i["author"], i["text"]) for i in data["timeline"]] == [
        ("parent", "ik wil iemand spreken"), ("bot", "Ik zet je door naar een adviseur.")]
    assert all(i["time"] for i in data["timeline"])

    # Anna claims it; the parent is told who is there. Bram cannot claim it too.
    claimed = await anna.json("POST", f"/inbox/api/conversations/{cid}/claim")
    assert claimed["conversation"]["mode"] == "human"
    assert claimed["conversation"]["claimed_by"] == {"username": "anna", "first_name": "Anna"}
    [joined] = await receive_until_message(widget)
    assert "Anna" in joined["text"] and "mens" in joined["text"]
    refused = await bram.json("POST", f"/inbox/api/conversations/{cid}/claim", status=409)
    assert refused["error"] == "Dit gesprek is al opgepakt door Anna. Je kunt het niet ook oppakken."
    again = await bram.json("POST", f"/inbox/api/conversations/{cid}/messages", {"text": "hoi"}, status=409)
    assert "Anna" in again["error"]

    # Anna types: the widget shows an advisor typing. Then she answers.
    await inbox.send_json({"type": "typing", "conversation": cid})
    typing = await widget.receive_json(timeout=5)
    assert typing == {"type": "typing", "who": "staff"}
    sent = await anna.json("POST", f"/inbox/api/conversations/{cid}/messages", {"text": "Hoi, ik ben Anna. Waar gaat het over?"})
    assert sent["author"] == "staff" and sent["name"] == "Anna"
    [reply] = await receive_until_message(widget)
    assert reply["author"] == "staff" and reply["name"] == "Anna" and reply["text"].startswith("Hoi, ik ben Anna")

    # The parent answers: stored, shown live in the inbox, not sent to Rasa, no waiting note.
    sent_to_rasa = len(fake_rasa.received)
    await widget.send_json({"type": "message", "id": "m2", "text": "over de tlv van mijn zoon"})
    assert (await next_event(inbox, "conversation"))["id"] == cid
    stop = None
    while stop is None or stop["type"] != "typing" or not stop.get("stop"):
        stop = await widget.receive_json(timeout=5)
        assert stop["type"] != "message", stop  # nothing from the assistant
    assert len(fake_rasa.received) == sent_to_rasa
    texts = [i["text"] for i in (await anna.json("GET", f"/inbox/api/conversations/{cid}"))["timeline"]]
    assert texts[-1] == "over de tlv van mijn zoon" and WAITING_NOTE not in texts

    # Hand back: the parent is told, and the assistant answers again.
    await anna.json("POST", f"/inbox/api/conversations/{cid}/hand-back")
    [back] = await receive_until_message(widget)
    assert back["text"] == HANDED_BACK
    assert (await store.conversation(cid)).mode == "bot"
    assert await store.claim_holder("conversation", cid) is None
    await widget.send_json({"type": "message", "id": "m3", "text": "wat is een opp"})
    [answer] = await receive_until_message(widget)
    assert answer["author"] == "bot" and answer["text"] == "Antwoord op: wat is een opp"
    assert (await anna.json("GET", "/inbox/api/queue"))["queue"] == []

    # After reload the widget shows the advisor by name (the history keeps it).
    await widget.close()
    widget, again = await widget_hello(widget_client, key=welcome["key"])
    assert any(m["author"] == "staff" and m["name"] == "Anna" for m in again["history"])
    await widget.close()
    await inbox.close()


async def test_close_tells_the_parent_and_keeps_the_transcript(login, parent, store):
    anna = await login("anna")
    p, cid = await waiting_parent(parent, store, anna)
    await anna.json("POST", f"/inbox/api/conversations/{cid}/claim")
    await anna.json("POST", f"/inbox/api/conversations/{cid}/messages", {"text": "Ik bel je morgen."})
    await anna.json("POST", f"/inbox/api/conversations/{cid}/close")
    conversation = await store.conversation(cid)
    assert conversation.mode == "bot" and not conversation.urgent
    timeline = (await anna.json("GET", f"/inbox/api/conversations/{cid}"))["timeline"]
    assert [i["text"] for i in timeline][-2:] == ["Ik bel je morgen.", CLOSED]
    assert len(timeline) >= 5  # the assistant's part, the parent's and the advisor's are all kept
    await anna.json("POST", f"/inbox/api/conversations/{cid}/close", status=409)  # already closed


async def test_an_unclaimed_conversation_can_be_closed_but_not_answered(login, parent, store):
    anna = await login("anna")
    _, cid = await waiting_parent(parent, store, anna)
    refused = await anna.json("POST", f"/inbox/api/conversations/{cid}/messages", {"text": "hoi"}, status=409)
    assert refused["error"] == "Pak het gesprek eerst op. Dan kun je de ouder antwoorden."
    await anna.json("POST", f"/inbox/api/conversations/{cid}/close")
    bot = await parent()
    await bot.say("hoi")
    bot_id = await conversation_id(store, bot.key)
    assert "wacht niet" in (await anna.json("POST", f"/inbox/api/conversations/{bot_id}/claim", status=409))["error"]
    await anna.json("GET", "/inbox/api/conversations/nope", status=404)
    await anna.json("POST", "/inbox/api/conversations/nope/claim", status=404)


async def test_notes_are_internal(login, parent, store, server, aiohttp_client):
    anna = await login("anna")
    p, cid = await waiting_parent(parent, store, anna)
    await anna.json("POST", f"/inbox/api/conversations/{cid}/claim")
    note = await anna.json("POST", f"/inbox/api/conversations/{cid}/notes", {"text": "Moeder klinkt gespannen."})
    assert note["kind"] == "note" and note["author"] == "Anna"
    timeline = (await anna.json("GET", f"/inbox/api/conversations/{cid}"))["timeline"]
    assert timeline[-1]["kind"] == "note" and timeline[-1]["text"] == "Moeder klinkt gespannen."
    # The parent's own copy of the conversation has no notes.
    widget_client = await aiohttp_client(server)
    widget, welcome = await widget_hello(widget_client, key=p.key)
    await widget.close()
    assert all("gespannen" not in m["text"] for m in welcome["history"])
    await anna.json("POST", f"/inbox/api/conversations/{cid}/notes", {"text": "   "}, status=400)
    too_long = await anna.json("POST", f"/inbox/api/conversations/{cid}/messages", {"text": "x" * 2001}, status=400)
    assert "te lang" in too_long["error"]


async def test_parent_text_reaches_the_inbox_unchanged_as_text(login, parent, store, server, aiohttp_client):
    anna = await login("anna")
    p, cid = await waiting_parent(parent, store, anna)
    script = '<script>document.title="hacked"</script><img src=x onerror=alert(1)>'
    await p.say(script)
    response = await anna.get(f"/inbox/api/conversations/{cid}")
    assert response.content_type == "application/json"
    texts = [i["text"] for i in (await response.json())["timeline"]]
    assert texts[-2:] == [script, WAITING_NOTE]  # data, rendered with textContent
    queue = (await anna.json("GET", "/inbox/api/queue"))["queue"]
    assert queue[0]["preview"] == script


async def test_the_audit_log_says_who_did_what(login, parent, store):
    anna = await login("anna")
    admin = await login("root", role="admin")
    _, cid = await waiting_parent(parent, store, anna)
    await anna.json("POST", f"/inbox/api/conversations/{cid}/claim")
    await anna.json("POST", f"/inbox/api/conversations/{cid}/messages", {"text": "Hallo, met Anna."})
    await anna.json("POST", f"/inbox/api/conversations/{cid}/close")
    await admin.json("DELETE", f"/inbox/api/conversations/{cid}")
    entries = (await admin.json("GET", "/inbox/api/audit"))["entries"]
    done = [(e["actor"], e["action"], e["target"]) for e in reversed(entries) if e["target"] == cid]
    assert done == [("anna", "claim", cid), ("anna", "reply", cid), ("anna", "close", cid),
                    ("root", "delete_conversation", cid)]
    assert all(e["time"] for e in entries)
    assert all("Hallo, met Anna" not in (e["detail"] + e["target"]) for e in entries)  # no message text
    assert await store.conversation(cid) is None and await store.transcript(cid) == []


@pytest.mark.parametrize("frame", ["not json", '{"type": "typing", "conversation": "someone-else"}'])
async def test_the_inbox_socket_ignores_bad_frames(login, frame):
    anna = await login("anna")
    ws = await anna.client.ws_connect("/inbox/ws")
    await next_event(ws, "queue")
    await ws.send_str(frame)
    await ws.send_json({"type": "ping"})
    assert (await next_event(ws, "pong"))["online"] == 0
    await ws.close()


async def test_logging_out_closes_the_inbox_socket(login):
    anna = await login("anna")
    ws = await anna.client.ws_connect("/inbox/ws")
    await next_event(ws, "queue")
    await anna.json("POST", "/inbox/api/logout")
    assert (await next_event(ws, "bye"))["type"] == "bye"


async def test_a_safety_message_without_advisors_online_still_reaches_the_staff_queue(parent, store):
    p = await parent()
    replies = await p.say("mijn vriend slaat mij, ik durf niet naar huis")
    assert "0800-2000" in replies[0]["text"]
    [entry] = await store.staff_queue()
    assert entry["urgent"] and entry["mode"] == "bot"  # the assistant keeps answering the parent
    other = await parent()
    await other.say("wat is een tlv")
    await other.say("ik wil iemand spreken")  # the fake Rasa always hands off: a waiting parent
    assert [(e["urgent"], e["mode"]) for e in await store.staff_queue()] == [(True, "bot"), (False, "waiting")]
