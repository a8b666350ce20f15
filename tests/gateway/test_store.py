"""The conversation store on SQLite (embedded default) and PostgreSQL (production)."""
from __future__ import annotations

import asyncio
import datetime as dt
import os
import sqlite3
import uuid

import asyncpg
import pytest

from bot.store import SchemaError, Store

POSTGRES_URL = os.environ.get("TEST_POSTGRES_URL", "postgresql://postgres@127.0.0.1:5432/test")


async def admin_connection():
    """A connection to the test server, or a skip that says why there is none."""
    try:
        return await asyncio.wait_for(asyncpg.connect(POSTGRES_URL), 5)
    except (OSError, asyncpg.PostgresError, asyncio.TimeoutError) as exc:
        pytest.skip(f"no PostgreSQL at {POSTGRES_URL} ({type(exc).__name__}); set TEST_POSTGRES_URL")


@pytest.fixture(params=["sqlite", "postgresql"])
async def store(request, tmp_path):
    if request.param == "sqlite":
        opened = await Store.open(f"sqlite:///{tmp_path / 'store.db'}")
        yield opened
        await opened.close()
        return
    # A database of its own, so that tests never see each other's rows.
    name = f"gateway_test_{uuid.uuid4().hex[:10]}"
    admin = await admin_connection()
    await admin.execute(f"CREATE DATABASE {name}")
    opened = await Store.open(POSTGRES_URL.rsplit("/", 1)[0] + f"/{name}")
    yield opened
    await opened.close()
    await admin.execute(f"DROP DATABASE {name}")
    await admin.close()


async def test_messages_are_kept_in_order_and_duplicates_refused(store):
    conversation = await store.conversation_for("web", "key-hash")
    assert (await store.conversation_for("web", "key-hash")).id == conversation.id
    first = await store.add_message(conversation.id, "in", "parent", "hoi", provider_message_id="m1")
    assert await store.add_message(conversation.id, "in", "parent", "hoi", provider_message_id="m1") is None
    await store.add_message(conversation.id, "out", "bot", "Hallo!", buttons=[{"title": "TLV", "payload": "/faq"}])
    transcript = await store.transcript(conversation.id)
    assert [(m.author, m.text) for m in transcript] == [("parent", "hoi"), ("bot", "Hallo!")]
    assert transcript[0].id == first.id and transcript[0].created_at.tzinfo is not None
    button = await store.button(conversation.id, transcript[1].buttons[0].id)
    assert button.payload == "/faq"


async def test_queue_callbacks_and_presence(store):
    conversation = await store.conversation_for("web", "k")
    await store.update_conversation(conversation.id, mode="waiting", urgent=True, topic="tlv")
    assert await store.waiting_count() == 1
    assert (await store.conversation(conversation.id)).urgent
    await store.add_callback(conversation.id, "Fatima", "0612345678", "dinsdag", "tlv")
    assert [c["status"] for c in await store.callbacks()] == ["nieuw"]
    now = dt.datetime(2026, 11, 24, 10, 0, tzinfo=dt.timezone(dt.timedelta(hours=1)))
    await store.set_presence("anna", now + dt.timedelta(seconds=30))
    assert await store.advisors_online(now) == 1
    assert await store.advisors_online(now + dt.timedelta(seconds=31)) == 0


async def test_a_database_from_an_older_version_is_refused_with_a_clear_message(tmp_path):
    path = tmp_path / "old.db"
    with sqlite3.connect(path) as db:
        db.execute(
            "CREATE TABLE conversations (id VARCHAR PRIMARY KEY, channel VARCHAR, channel_key VARCHAR, "
            "mode VARCHAR, created_at DATETIME, updated_at DATETIME)"
        )
    with pytest.raises(SchemaError, match="conversations.urgent"):
        await Store.open(f"sqlite:///{path}")
