"""Staff inbox: callback requests, canned answers, and the admin's accounts page."""
from __future__ import annotations

from tests.gateway.test_inbox_helpers import (  # noqa: F401 (fixtures)
    clock, login, next_event, parent, server, store,
)


async def callback_request(parent):
    p = await parent()
    await p.say("ja dat mag")  # the fake Rasa's callback form ends with consent
    return p


async def test_callback_requests_with_status_filter_claim_and_notes(login, parent):
    anna = await login("anna")
    bram = await login("bram")
    inbox = await anna.client.ws_connect("/inbox/ws")
    await next_event(inbox, "queue")
    await callback_request(parent)
    await next_event(inbox, "callbacks")  # live: the list changed
    await callback_request(parent)

    listed = (await anna.json("GET", "/inbox/api/callbacks?status=nieuw"))["callbacks"]
    assert len(listed) == 2 and listed[0]["id"] > listed[1]["id"]  # newest first
    first = listed[1]
    assert first["name"] == "Fatima" and first["contact"] == "0612345678" and first["status"] == "nieuw"
    assert first["claimed_by"] is None and first["created_at"]

    await anna.json("POST", f"/inbox/api/callbacks/{first['id']}/claim")
    refused = await bram.json("POST", f"/inbox/api/callbacks/{first['id']}/claim", status=409)
    assert refused["error"] == "Dit terugbelverzoek is al opgepakt door Anna."
    await anna.json("POST", f"/inbox/api/callbacks/{first['id']}/claim")  # claiming your own again is fine
    await anna.json("POST", f"/inbox/api/callbacks/{first['id']}/notes", {"text": "Voicemail ingesproken."})
    await anna.json("POST", f"/inbox/api/callbacks/{first['id']}/status", {"status": "gebeld"})
    await next_event(inbox, "callbacks")

    assert len((await anna.json("GET", "/inbox/api/callbacks?status=nieuw"))["callbacks"]) == 1
    [called] = (await bram.json("GET", "/inbox/api/callbacks?status=gebeld"))["callbacks"]
    assert called["claimed_by"]["first_name"] == "Anna"
    assert [(n["author"], n["text"]) for n in called["notes"]] == [("Anna", "Voicemail ingesproken.")]
    assert len((await anna.json("GET", "/inbox/api/callbacks"))["callbacks"]) == 2

    await anna.json("GET", "/inbox/api/callbacks?status=weg", status=400)
    await anna.json("POST", f"/inbox/api/callbacks/{first['id']}/status", {"status": "klaar"}, status=400)
    await anna.json("POST", "/inbox/api/callbacks/999/status", {"status": "afgerond"}, status=404)
    await anna.json("POST", "/inbox/api/callbacks/999/claim", status=404)
    await anna.json("POST", "/inbox/api/callbacks/abc/notes", {"text": "x"}, status=404)
    await inbox.close()


async def test_canned_answers_are_read_by_all_and_managed_by_admins(login):
    anna = await login("anna")
    admin = await login("root", role="admin")
    assert (await anna.json("GET", "/inbox/api/canned"))["canned"] == []
    await anna.json("POST", "/inbox/api/canned", {"title": "Groet", "text": "Hoi!"}, status=403)
    made = await admin.json("POST", "/inbox/api/canned", {"title": "Terugbellen", "text": "Ik bel je morgen terug."})
    await admin.json("POST", "/inbox/api/canned", {"title": "", "text": "zonder titel"}, status=400)
    await admin.json("POST", "/inbox/api/canned", {"title": "Leeg", "text": ""}, status=400)
    assert (await anna.json("GET", "/inbox/api/canned"))["canned"] == [made]
    await anna.json("DELETE", f"/inbox/api/canned/{made['id']}", status=403)
    await admin.json("DELETE", f"/inbox/api/canned/{made['id']}")
    await admin.json("DELETE", f"/inbox/api/canned/{made['id']}", status=404)
    actions = [e["action"] for e in (await admin.json("GET", "/inbox/api/audit"))["entries"]]
    assert "canned_create" in actions and "canned_delete" in actions


async def test_admins_switch_accounts_on_and_off_but_not_their_own(login):
    admin = await login("root", role="admin")
    anna = await login("anna")
    accounts = {a["username"]: a for a in (await admin.json("GET", "/inbox/api/accounts"))["accounts"]}
    assert accounts["anna"] == {"id": accounts["anna"]["id"], "username": "anna", "first_name": "Anna",
                                "role": "advisor", "active": True}
    assert "password" not in str(accounts) and "argon2" not in str(accounts)
    own = await admin.json("POST", f"/inbox/api/accounts/{accounts['root']['id']}/active", {"active": False}, 409)
    assert "eigen account" in own["error"]
    off = await admin.json("POST", f"/inbox/api/accounts/{accounts['anna']['id']}/active", {"active": False})
    assert off["active"] is False
    assert (await anna.get("/inbox/api/me")).status == 401
    await admin.json("POST", f"/inbox/api/accounts/{accounts['anna']['id']}/active", {"active": True})
    assert (await login("anna")).me["username"] == "anna"
    await admin.json("POST", "/inbox/api/accounts/999/active", {"active": True}, status=404)


async def test_bad_bodies_get_a_dutch_error(login):
    anna = await login("anna")
    response = await anna.client.post(
        "/inbox/api/presence", data="online", headers={**anna.headers(), "Content-Type": "text/plain"}
    )
    assert response.status == 400 and "kon ik niet lezen" in (await response.json())["error"]
    await anna.json("POST", "/inbox/api/presence", {"online": "ja"}, status=400)


async def test_admin_sets_extra_closing_days_that_the_handoff_decision_uses(login, parent, fake_rasa, clock):
    admin = await login("sanne", role="admin")
    anna = await login("anna")
    today = clock().date().isoformat()
    await anna.json("POST", "/inbox/api/closing-days", {"day": today, "reason": "Studiedag"}, status=403)
    refused = await admin.json("POST", "/inbox/api/closing-days", {"day": "morgen", "reason": "x"}, status=400)
    assert refused["error"] == "Kies een datum."
    await admin.json("POST", "/inbox/api/closing-days", {"day": today, "reason": "Studiedag"})
    assert (await anna.json("GET", "/inbox/api/closing-days"))["days"] == [{"day": today, "reason": "Studiedag"}]

    p = await parent()
    await p.say("hoi")
    # Rasa's handoff action reads the extra closing day from the gateway.
    assert fake_rasa.received[-1]["metadata"]["closed_days"] == {today: "Studiedag"}

    audit = (await admin.json("GET", "/inbox/api/audit"))["entries"]
    assert any(e["action"] == "closing_day_set" and e["target"] == today for e in audit)
    await admin.json("DELETE", f"/inbox/api/closing-days/{today}")
    assert (await anna.json("GET", "/inbox/api/closing-days"))["days"] == []
    await admin.json("DELETE", f"/inbox/api/closing-days/{today}", status=404)
