"""The outbox on its own: order, retries, failures, and what a stop leaves for the next start."""
from __future__ import annotations

import asyncio

import pytest

from bot.outbox import Outbox, SendFailed
from bot.store import Store


class Sender:
    def __init__(self, failures=()):
        self.failures = list(failures)  # SendFailed (or other exceptions) for the next attempts
        self.sent: list[str] = []
        self.attempts = 0
        self.gate = asyncio.Event()
        self.gate.set()

    async def send(self, conversation, message):
        self.attempts += 1
        await self.gate.wait()
        if self.failures:
            raise self.failures.pop(0)
        self.sent.append(message.text)


@pytest.fixture
async def store(tmp_path):
    opened = await Store.open(f"sqlite:///{tmp_path / 'outbox.db'}")
    yield opened
    await opened.close()


async def messages(store, *texts, channel="whatsapp"):
    conversation = await store.conversation_for(channel, f"key-{channel}", address="whatsapp:+31600000000")
    return conversation, [await store.add_message(conversation.id, "out", "bot", t) for t in texts]


async def delivery(store, conversation):
    return [m.delivery for m in await store.transcript(conversation.id)]


async def test_messages_go_out_in_order_and_a_retry_keeps_the_order(store):
    sender = Sender([SendFailed("429", retry_after=0.01)])
    outbox = Outbox(store, retry_delays=(0.01,))
    outbox.register("whatsapp", sender)
    conversation, sent = await messages(store, "een", "twee", "drie")
    await outbox.put(conversation, sent)
    await outbox.drain()
    assert sender.sent == ["een", "twee", "drie"] and sender.attempts == 4
    assert await delivery(store, conversation) == ["sent"] * 3


async def test_a_permanent_failure_is_not_retried_and_the_next_message_still_goes(store):
    failed = []

    async def tell_inbox(conversation_id):
        failed.append(conversation_id)

    sender = Sender([SendFailed("blocked", permanent=True)])
    outbox = Outbox(store, retry_delays=(0.01, 0.01), on_failed=tell_inbox)
    outbox.register("whatsapp", sender)
    conversation, sent = await messages(store, "een", "twee")
    await outbox.put(conversation, sent)
    await outbox.drain()
    assert sender.sent == ["twee"] and await delivery(store, conversation) == ["failed", "sent"]
    assert failed == [conversation.id]  # the inbox is told


async def test_an_unexpected_error_is_retried_like_a_network_error(store):
    sender = Sender([ConnectionResetError()])
    outbox = Outbox(store, retry_delays=(0.01,))
    outbox.register("whatsapp", sender)
    conversation, sent = await messages(store, "een")
    await outbox.put(conversation, sent)
    await outbox.drain()
    assert sender.sent == ["een"]


async def test_a_channel_that_is_off_marks_the_message_failed(store):
    outbox = Outbox(store, retry_delays=())
    conversation, sent = await messages(store, "een", channel="telegram")
    await outbox.put(conversation, sent)
    await outbox.drain()
    [message] = await store.transcript(conversation.id)
    assert message.delivery == "failed" and "off" in message.delivery_error


async def test_a_stop_leaves_unsent_messages_pending_and_the_next_start_sends_them(store):
    sender = Sender()
    sender.gate.clear()  # the provider hangs
    outbox = Outbox(store, retry_delays=(0.01,))
    outbox.register("whatsapp", sender)
    conversation, sent = await messages(store, "een", "twee")
    await outbox.put(conversation, sent)
    await asyncio.sleep(0.05)
    await outbox.close()
    assert await delivery(store, conversation) == ["pending", "pending"]

    sender.gate.set()
    restarted = Outbox(store, retry_delays=(0.01,))
    restarted.register("whatsapp", sender)
    assert await restarted.resume() == 2
    await restarted.drain()
    assert sender.sent == ["een", "twee"] and await delivery(store, conversation) == ["sent", "sent"]


async def test_a_database_error_leaves_the_message_pending_without_a_busy_loop(store, monkeypatch):
    sender = Sender()
    outbox = Outbox(store, retry_delays=(0.01,))
    outbox.register("whatsapp", sender)
    conversation, sent = await messages(store, "een")
    await outbox.put(conversation, sent)  # marked pending while the database works

    async def database_down(*args, **kwargs):
        raise ConnectionError("database restarting")

    monkeypatch.setattr(store, "set_delivery", database_down)
    await outbox.drain()
    assert sender.attempts == 1 and not outbox._workers  # sent once, worker ended
    monkeypatch.undo()
    # At least once: after a restart resume() sends it again (the parent may get it twice).
    assert await delivery(store, conversation) == ["pending"]
