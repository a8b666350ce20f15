"""The outbox: messages to parents on WhatsApp and Telegram, sent in order, retried, never lost silently.

A message is marked "pending" in the store before it is queued, so a gateway
that stops mid-retry sends it after a restart (`resume`). Each conversation has
its own worker: messages of one parent go out one after the other, in order,
while other parents are not held up. A send that keeps failing is marked
"failed" and the inbox is told, so an advisor sees it.
"""
from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable, Sequence
from typing import Protocol

from bot.store import Conversation, Store, StoredMessage

log = logging.getLogger(__name__)

DEFAULT_RETRY_DELAYS = (2.0, 10.0, 30.0, 120.0)  # seconds before the 2nd, 3rd, ... attempt


class SendFailed(Exception):
    """A provider refused or could not take a message.

    `permanent`: retrying cannot help (e.g. the parent blocked the bot).
    `retry_after`: the provider asked us to wait this many seconds (HTTP 429).
    """

    def __init__(self, reason: str, permanent: bool = False, retry_after: float | None = None):
        super().__init__(reason)
        self.reason = reason
        self.permanent = permanent
        self.retry_after = retry_after


class Sender(Protocol):
    async def send(self, conversation: Conversation, message: StoredMessage) -> None:
        """Sends one stored message to the parent; raises SendFailed."""


class Outbox:
    def __init__(
        self,
        store: Store,
        retry_delays: Sequence[float] = DEFAULT_RETRY_DELAYS,
        on_failed: Callable[[str], Awaitable[None]] | None = None,
    ):
        self.store = store
        self.retry_delays = tuple(retry_delays)
        self.on_failed = on_failed
        self.senders: dict[str, Sender] = {}
        self._queues: dict[str, asyncio.Queue] = {}
        self._workers: dict[str, asyncio.Task] = {}
        self._closed = False

    def register(self, channel: str, sender: Sender) -> None:
        self.senders[channel] = sender

    async def put(self, conversation: Conversation, messages: Sequence[StoredMessage]) -> None:
        for message in messages:
            await self.store.set_delivery(message.id, "pending")
            self._enqueue(conversation, message)

    async def resume(self) -> int:
        """Queues what was pending when the gateway last stopped; returns how many."""
        pending = await self.store.pending_deliveries(list(self.senders))
        for conversation, message in pending:
            self._enqueue(conversation, message)
        if pending:
            log.info("outbox: resuming %d pending message(s)", len(pending))
        return len(pending)

    async def drain(self) -> None:
        """Waits until every queued message is sent or failed (tests, shutdown)."""
        while self._workers:
            await asyncio.gather(*list(self._workers.values()), return_exceptions=True)

    async def close(self) -> None:
        """Stops sending; what is not sent yet stays "pending" in the store for the next start."""
        self._closed = True
        for task in list(self._workers.values()):
            task.cancel()
        await asyncio.gather(*list(self._workers.values()), return_exceptions=True)
        self._workers.clear()
        self._queues.clear()

    def _enqueue(self, conversation: Conversation, message: StoredMessage) -> None:
        if self._closed:
            return  # stored as "pending": resume() sends it after the next start
        queue = self._queues.setdefault(conversation.id, asyncio.Queue())
        queue.put_nowait((conversation, message))
        if conversation.id not in self._workers:
            self._workers[conversation.id] = asyncio.create_task(self._work(conversation.id, queue))

    async def _work(self, conversation_id: str, queue: asyncio.Queue) -> None:
        try:
            while not queue.empty():
                conversation, message = queue.get_nowait()
                try:
                    await self._send_with_retries(conversation, message)
                except Exception:  # e.g. the database went away: the message stays "pending" for resume()
                    log.exception("outbox: message %s left pending", message.id)
        finally:
            # No await since the queue was last seen empty: nothing can be added in between.
            self._workers.pop(conversation_id, None)
            self._queues.pop(conversation_id, None)

    async def _send_with_retries(self, conversation: Conversation, message: StoredMessage) -> None:
        sender = self.senders.get(conversation.channel)
        if sender is None:
            await self._fail(conversation, message, f"channel {conversation.channel} is off")
            return
        for attempt in range(len(self.retry_delays) + 1):
            try:
                await sender.send(conversation, message)
            except SendFailed as exc:
                error = exc
            except Exception as exc:  # a bug or network error: retry, the message is safe in the store
                log.exception("outbox: unexpected error sending message %s", message.id)
                error = SendFailed(type(exc).__name__)
            else:
                await self.store.set_delivery(message.id, "sent")
                return
            if error.permanent or attempt == len(self.retry_delays):
                await self._fail(conversation, message, error.reason)
                return
            delay = max(self.retry_delays[attempt], error.retry_after or 0)
            log.warning(
                "outbox: message %s on %s failed (%s), attempt %d; retrying in %.1f s",
                message.id, conversation.channel, error.reason, attempt + 1, delay,
            )
            await asyncio.sleep(delay)

    async def _fail(self, conversation: Conversation, message: StoredMessage, reason: str) -> None:
        log.error("outbox: message %s in conversation %s not delivered: %s", message.id, conversation.id, reason)
        await self.store.set_delivery(message.id, "failed", reason)
        if self.on_failed is not None:
            try:
                await self.on_failed(conversation.id)
            except Exception:
                log.exception("outbox: telling the inbox failed")
