"""The web channel: the chat widget's WebSocket and the JSON API.

A conversation on the web is identified by a random key that the gateway
issues and the widget keeps in localStorage; only its hash is stored. A client
can never choose a conversation id. Both routes share conversations: the JSON
API can continue a widget conversation with the same key.
"""
from __future__ import annotations

import hashlib
import json
import logging
import secrets
from collections import defaultdict

from aiohttp import WSMsgType, web

from bot.conversations import ConversationService, Inbound
from bot.store import Conversation, StoredMessage

log = logging.getLogger(__name__)

CHANNEL = "web"
MAX_FRAME_BYTES = 16 * 1024
BAD_REQUEST_TEXT = "Dat bericht kon ik niet lezen. Typ je vraag opnieuw."


def key_hash(key: str) -> str:
    return hashlib.sha256(key.encode()).hexdigest()


def valid_key(key: object) -> bool:
    return isinstance(key, str) and 20 <= len(key) <= 100 and key.replace("-", "").replace("_", "").isalnum()


class WidgetHub:
    """Open widget sockets per conversation, so every tab gets every message."""

    def __init__(self) -> None:
        self._sockets: defaultdict[str, set[web.WebSocketResponse]] = defaultdict(set)

    def add(self, conversation_id: str, ws: web.WebSocketResponse) -> None:
        self._sockets[conversation_id].add(ws)

    def remove(self, conversation_id: str, ws: web.WebSocketResponse) -> None:
        self._sockets[conversation_id].discard(ws)
        if not self._sockets[conversation_id]:
            del self._sockets[conversation_id]

    async def send(self, conversation_id: str, event: dict) -> None:
        for ws in list(self._sockets.get(conversation_id, ())):
            try:
                await ws.send_json(event)
            except (ConnectionError, RuntimeError):
                # A tab that went away; the message is stored and shown on reconnect.
                self.remove(conversation_id, ws)


def message_event(message: StoredMessage) -> dict:
    return {"type": "message", **message.public()}


class WebChannel:
    def __init__(self, service: ConversationService, hub: WidgetHub):
        self.service = service
        self.hub = hub
        service.register_channel(CHANNEL, self)

    async def deliver(self, conversation: Conversation, message: StoredMessage) -> None:
        """A message from staff (or about staff) to every open widget of the conversation."""
        await self.hub.send(conversation.id, message_event(message))

    async def typing(self, conversation: Conversation, who: str) -> None:
        await self.hub.send(conversation.id, {"type": "typing", "who": who})

    async def _conversation(self, key: object) -> tuple[str, Conversation]:
        """The conversation for a key the client kept, or a new one with a new key."""
        if valid_key(key):
            found = await self.service.store.conversation_for(CHANNEL, key_hash(key), create=False)
            if found:
                return key, found
        key = secrets.token_urlsafe(32)
        return key, await self.service.store.conversation_for(CHANNEL, key_hash(key))

    async def websocket(self, request: web.Request) -> web.WebSocketResponse:
        ws = web.WebSocketResponse(heartbeat=30, max_msg_size=MAX_FRAME_BYTES)
        await ws.prepare(request)
        conversation = None
        try:
            async for frame in ws:
                if frame.type != WSMsgType.TEXT:
                    continue
                try:
                    data = json.loads(frame.data)
                    kind = data["type"]
                except (ValueError, KeyError, TypeError):
                    await ws.send_json({"type": "error", "text": BAD_REQUEST_TEXT})
                    continue
                if kind == "hello" and conversation is None:
                    key, conversation = await self._conversation(data.get("key"))
                    self.hub.add(conversation.id, ws)
                    history = await self.service.store.transcript(conversation.id)
                    await ws.send_json(
                        {"type": "welcome", "key": key, "history": [m.public() for m in history]}
                    )
                elif kind in ("message", "button") and conversation is not None:
                    await self._on_message(ws, conversation, data)
                else:
                    await ws.send_json({"type": "error", "text": BAD_REQUEST_TEXT})
        finally:
            if conversation is not None:
                self.hub.remove(conversation.id, ws)
        return ws

    async def _on_message(self, ws: web.WebSocketResponse, conversation: Conversation, data: dict) -> None:
        client_id = data.get("id") if isinstance(data.get("id"), str) else None
        inbound = Inbound(
            text=data.get("text") if isinstance(data.get("text"), str) else "",
            client_message_id=client_id[:128] if client_id else None,
            button_id=data.get("button") if isinstance(data.get("button"), str) else None,
        )
        await ws.send_json({"type": "ack", "id": client_id})
        await self.hub.send(conversation.id, {"type": "typing"})
        replies = await self.service.handle_parent_message(conversation, inbound)
        for reply in replies or ():
            await self.hub.send(conversation.id, message_event(reply))
        if not replies:  # e.g. a message that waits for an advisor: nobody is typing
            await self.hub.send(conversation.id, {"type": "typing", "stop": True})

    async def api_message(self, request: web.Request) -> web.Response:
        """POST /api/messages: {"key"?, "id"?, "text" | "button"} -> {"key", "replies"}."""
        try:
            data = await request.json()
            if not isinstance(data, dict):
                raise ValueError
        except ValueError:
            return web.json_response({"error": BAD_REQUEST_TEXT}, status=400)
        text, button = data.get("text", ""), data.get("button")
        if not isinstance(text, str) or (button is not None and not isinstance(button, str)):
            return web.json_response({"error": BAD_REQUEST_TEXT}, status=400)
        client_id = data.get("id") if isinstance(data.get("id"), str) else None
        key, conversation = await self._conversation(data.get("key"))
        replies = await self.service.handle_parent_message(
            conversation, Inbound(text=text, client_message_id=client_id, button_id=button)
        )
        return web.json_response(
            {
                "key": key,
                "duplicate": replies is None,
                "replies": [r.public() for r in replies or ()],
            }
        )
