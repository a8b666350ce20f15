"""The inbox's WebSocket: live queue, messages and status changes, and advisor presence.

Server frames: {"type": "queue", "queue": [...], "online": n} whenever the queue
changes, {"type": "conversation", "id"} when a conversation has new messages
or a new status (the page reloads that transcript), {"type": "callbacks"}
when callback requests changed, {"type": "bye"} when the session ended.
Client frames: {"type": "ping"} every 20 s (renews the advisor's presence if
they chose to be online) and {"type": "typing", "conversation": id}.
An advisor whose browser disappears stops pinging and goes offline after
PRESENCE_TIMEOUT_SECONDS.
"""
from __future__ import annotations

import datetime as dt
import json
import logging
import time
from dataclasses import dataclass, field

from aiohttp import WSMsgType, web
from aiohttp_session import get_session

from bot.conversations import ConversationService
from bot.inbox import payloads
from bot.inbox.auth import NOT_LOGGED_IN, current_staff, error, same_origin, token_hash
from bot.store import StaffAccount, Store

log = logging.getLogger(__name__)

MAX_FRAME_BYTES = 4 * 1024
TYPING_EVERY_SECONDS = 2.0


@dataclass(eq=False)
class Connection:
    ws: web.WebSocketResponse
    account_id: int
    session_id: str
    typing_sent: dict[str, float] = field(default_factory=dict)


class InboxHub:
    def __init__(self, store: Store, service: ConversationService, presence_timeout: int):
        self.store = store
        self.service = service
        self.presence_timeout = dt.timedelta(seconds=presence_timeout)
        self.connections: set[Connection] = set()

    # --- Broadcasting ---

    async def broadcast(self, event: dict) -> None:
        for connection in list(self.connections):
            try:
                await connection.ws.send_json(event)
            except (ConnectionError, RuntimeError):
                self.connections.discard(connection)

    async def queue_event(self) -> dict:
        return {
            "type": "queue", "queue": await payloads.queue(self.store),
            "online": await self.store.advisors_online(self.service.clock()),
        }

    async def on_service_event(self, kind: str, target: str) -> None:
        """Called by the conversation service: a parent wrote, or a conversation changed."""
        if kind == "conversation":
            await self.broadcast(await self.queue_event())
            await self.broadcast({"type": "conversation", "id": target})
        elif kind == "callbacks":
            await self.broadcast({"type": "callbacks"})

    async def end_session(self, session_id: str) -> None:
        for connection in [c for c in self.connections if c.session_id == session_id]:
            self.connections.discard(connection)
            await connection.ws.send_json({"type": "bye"})
            await connection.ws.close()

    async def close_all(self) -> None:
        for connection in list(self.connections):
            await connection.ws.close(code=1001)
        self.connections.clear()

    # --- Presence ---

    async def set_online(self, staff: StaffAccount, online: bool) -> None:
        until = self.service.clock() + self.presence_timeout if online else None
        await self.store.set_presence(staff.username, until)
        await self.broadcast(await self.queue_event())

    # --- The socket ---

    async def websocket(self, request: web.Request) -> web.StreamResponse:
        staff = await current_staff(request, self.store)
        if staff is None:
            return error(401, NOT_LOGGED_IN)
        if not same_origin(request):  # cross-site WebSocket hijacking
            return error(403, "Verbinding geweigerd.")
        session = await get_session(request)
        ws = web.WebSocketResponse(heartbeat=30, max_msg_size=MAX_FRAME_BYTES)
        await ws.prepare(request)
        connection = Connection(ws, staff.id, token_hash(session.identity))
        self.connections.add(connection)
        try:
            if staff.wants_online:
                await self.store.set_presence(staff.username, self.service.clock() + self.presence_timeout)
            await ws.send_json(await self.queue_event())
            async for frame in ws:
                if frame.type != WSMsgType.TEXT:
                    continue
                try:
                    data = json.loads(frame.data)
                    kind = data["type"]
                except (ValueError, KeyError, TypeError):
                    continue
                if not await self._still_logged_in(connection):
                    await ws.send_json({"type": "bye"})
                    break
                if kind == "ping":
                    await self._renew(connection)
                elif kind == "typing" and isinstance(data.get("conversation"), str):
                    await self._typing(connection, data["conversation"])
        finally:
            self.connections.discard(connection)
        return ws

    async def _still_logged_in(self, connection: Connection) -> bool:
        account = await self.store.staff_account(connection.account_id)
        session = await self.store.staff_session(connection.session_id, dt.datetime.now(dt.timezone.utc))
        return bool(account and account.active and session is not None)

    async def _renew(self, connection: Connection) -> None:
        staff = await self.store.staff_account(connection.account_id)
        if staff and staff.wants_online:
            await self.store.set_presence(staff.username, self.service.clock() + self.presence_timeout)
        await connection.ws.send_json(
            {"type": "pong", "online": await self.store.advisors_online(self.service.clock())}
        )

    async def _typing(self, connection: Connection, conversation_id: str) -> None:
        now = time.monotonic()
        if now - connection.typing_sent.get(conversation_id, 0.0) < TYPING_EVERY_SECONDS:
            return
        holder = await self.store.claim_holder("conversation", conversation_id)
        conversation = await self.store.conversation(conversation_id)
        if holder is None or holder.id != connection.account_id or conversation is None:
            return  # only the advisor who has the conversation types to the parent
        connection.typing_sent[conversation_id] = now
        await self.service.staff_typing(conversation)
