"""The inbox's tables on SQLite and PostgreSQL: accounts, sessions, claims, notes, queue, deletion."""
from __future__ import annotations

import datetime as dt

import pytest

from bot.store import AccountExists
from tests.gateway.test_store import store  # noqa: F401 (fixture: SQLite and PostgreSQL)


async def test_staff_tables(store):
    anna = await store.create_staff("anna", "Anna", "advisor", "$argon2id$fake")
    bram = await store.create_staff("bram", "Bram", "admin", "$argon2id$fake")
    with pytest.raises(AccountExists):
        await store.create_staff("anna", "Anna", "advisor", "$argon2id$fake")
    assert (await store.staff_credentials("anna"))[1] == "$argon2id$fake"

    now = dt.datetime.now(dt.timezone.utc)
    await store.save_staff_session("s1", anna.id, {"account_id": anna.id}, now + dt.timedelta(hours=1))
    await store.save_staff_session("s2", anna.id, {"account_id": anna.id}, now - dt.timedelta(seconds=1))
    assert await store.staff_session("s1", now) == {"account_id": anna.id}
    assert await store.staff_session("s2", now) is None  # expired
    await store.delete_staff_sessions(account_id=anna.id)
    assert await store.staff_session("s1", now) is None

    await store.add_login_failure("k")
    assert await store.login_failures("k", now - dt.timedelta(minutes=1)) == 1
    await store.clear_login_failures("k")
    assert await store.login_failures("k", now - dt.timedelta(minutes=1)) == 0

    first = await store.conversation_for("web", "a")
    second = await store.conversation_for("web", "b")
    await store.update_conversation(first.id, mode="waiting")
    await store.update_conversation(second.id, mode="waiting", urgent=True, topic="tlv")
    await store.add_message(first.id, "in", "parent", "hallo")
    assert [c["id"] for c in await store.staff_queue()] == [second.id, first.id]

    assert await store.claim("conversation", first.id, anna.id) == (True, anna.id)
    assert await store.claim("conversation", first.id, bram.id) == (False, anna.id)
    assert (await store.claim_holder("conversation", first.id)).username == "anna"
    await store.add_note("conversation", first.id, "Anna", "notitie")
    message = await store.add_message(first.id, "out", "staff", "hoi", sender_name="Anna")
    assert message.public()["name"] == "Anna"
    callback_id = await store.add_callback(first.id, "Fatima", "0612345678", "dinsdag", "tlv")
    await store.claim("callback", str(callback_id), bram.id)
    [listed] = await store.callback_list("nieuw")
    assert listed["claimed_by"].username == "bram"
    assert await store.set_callback_status(callback_id, "gebeld")
    assert await store.callback_list("nieuw") == []

    assert await store.delete_conversation(first.id)
    assert await store.conversation(first.id) is None and await store.callbacks() == []
    assert await store.claim_holder("conversation", first.id) is None
    assert await store.notes("conversation", first.id) == []
    assert not await store.delete_conversation(first.id)

    await store.add_audit("anna", "claim", first.id)
    assert (await store.audit_entries())[0]["action"] == "claim"
