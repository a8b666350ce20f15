"""Client of Rasa's REST channel (/webhooks/rest/webhook), with a pool and timeouts."""
from __future__ import annotations

import asyncio
import logging
from dataclasses import dataclass, field
from typing import Any

import aiohttp

log = logging.getLogger(__name__)


class RasaUnavailable(Exception):
    """Rasa (or the action server behind it) did not answer usefully in time."""


@dataclass(frozen=True)
class RasaReply:
    text: str = ""
    buttons: list[dict[str, str]] = field(default_factory=list)  # title + payload
    custom: dict[str, Any] | None = None


def parse_replies(data: Any) -> list[RasaReply]:
    if not isinstance(data, list):
        raise RasaUnavailable(f"unexpected reply from Rasa: {type(data).__name__}")
    replies = []
    for item in data:
        if not isinstance(item, dict):
            continue
        buttons = [
            {"title": str(b["title"]), "payload": str(b["payload"])}
            for b in item.get("buttons") or []
            if isinstance(b, dict) and b.get("title") and b.get("payload")
        ]
        custom = item.get("custom") if isinstance(item.get("custom"), dict) else None
        text = item.get("text") if isinstance(item.get("text"), str) else ""
        if text or buttons or custom:
            replies.append(RasaReply(text=text, buttons=buttons, custom=custom))
    return replies


class RasaClient:
    def __init__(self, base_url: str, timeout: float, pool_size: int = 20):
        self.webhook_url = f"{base_url}/webhooks/rest/webhook"
        self.base_url = base_url
        self._timeout = aiohttp.ClientTimeout(total=timeout, connect=min(timeout, 3))
        self._pool_size = pool_size
        self._session: aiohttp.ClientSession | None = None

    async def start(self) -> None:
        self._session = aiohttp.ClientSession(
            timeout=self._timeout, connector=aiohttp.TCPConnector(limit=self._pool_size)
        )

    async def close(self) -> None:
        if self._session:
            await self._session.close()

    async def send(self, sender_id: str, text: str, metadata: dict | None = None) -> list[RasaReply]:
        body = {"sender": sender_id, "message": text, "metadata": metadata or {}}
        try:
            async with self._session.post(self.webhook_url, json=body) as response:
                if response.status != 200:
                    raise RasaUnavailable(f"Rasa answered HTTP {response.status}")
                return parse_replies(await response.json(content_type=None))
        except (aiohttp.ClientError, asyncio.TimeoutError, ValueError) as exc:
            raise RasaUnavailable(f"{type(exc).__name__}: {exc}") from exc

    async def healthy(self) -> bool:
        try:
            async with self._session.get(self.base_url + "/", timeout=aiohttp.ClientTimeout(total=2)) as r:
                return r.status == 200
        except (aiohttp.ClientError, asyncio.TimeoutError):
            return False
