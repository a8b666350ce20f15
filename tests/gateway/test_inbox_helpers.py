"""Shared fixtures and helpers for the staff inbox tests (no tests here).

A gateway with a fake Rasa and a clock the test can move, staff accounts made
through the accounts API (no default password), and logged-in staff clients
that send the session's CSRF token.
"""
from __future__ import annotations

import datetime as dt

import pytest

from bot.app import STORE, create_app
from bot.inbox.accounts import create_account

OPEN = dt.datetime(2026, 11, 24, 10, 30, tzinfo=dt.timezone(dt.timedelta(hours=1)))  # a Tuesday morning
PASSWORD = "correct horse battery staple"


class MovableClock:
    def __init__(self, now: dt.datetime):
        self.now = now

    def __call__(self) -> dt.datetime:
        return self.now

    def advance(self, seconds: float) -> None:
        self.now += dt.timedelta(seconds=seconds)


@pytest.fixture
def clock():
    return MovableClock(OPEN)


@pytest.fixture
async def server(aiohttp_server, fake_rasa, settings_for, clock):
    return await aiohttp_server(create_app(settings_for(fake_rasa.url), clock=clock), host="127.0.0.1")


@pytest.fixture
def store(server):
    return server.app[STORE]


class Staff:
    """A logged-in browser: every change carries the CSRF token, like inbox.js."""

    def __init__(self, client, me: dict):
        self.client, self.me = client, me

    def headers(self, extra=None):
        return {"X-CSRF-Token": self.me["csrf"], **(extra or {})}

    async def get(self, path):
        return await self.client.get(path)

    async def post(self, path, body=None, **kwargs):
        return await self.client.post(path, json=body or {}, headers=self.headers(kwargs.pop("headers", None)), **kwargs)

    async def delete(self, path):
        return await self.client.delete(path, headers=self.headers())

    async def json(self, method, path, body=None, status=200):
        response = await (self.get(path) if method == "GET" else
                          self.delete(path) if method == "DELETE" else self.post(path, body))
        data = await response.json()
        assert response.status == status, (response.status, data)
        return data


@pytest.fixture
def login(aiohttp_client, server, store):
    async def make(username: str, role: str = "advisor", name: str | None = None) -> Staff:
        if await store.staff_credentials(username) is None:
            await create_account(store, username, name or username.capitalize(), role, PASSWORD)
        client = await aiohttp_client(server)
        response = await client.post("/inbox/api/login", json={"username": username, "password": PASSWORD})
        assert response.status == 200, await response.text()
        return Staff(client, await response.json())

    return make


@pytest.fixture
def parent(aiohttp_client, server):
    """A parent on the JSON API (same conversations as the widget)."""

    async def make():
        client = await aiohttp_client(server)

        class Parent:
            key = None

            async def say(self, text):
                body = {"text": text, **({"key": self.key} if self.key else {})}
                data = await (await client.post("/api/messages", json=body)).json()
                self.key = data["key"]
                return data["replies"]

        return Parent()

    return make


async def conversation_id(store, key: str) -> str:
    from bot.channels.web import CHANNEL, key_hash

    return (await store.conversation_for(CHANNEL, key_hash(key), create=False)).id


async def waiting_parent(parent, store, staff: Staff | None = None, first: str = "wat is een tlv"):
    """A parent whose conversation waits for an advisor (someone must be online)."""
    if staff is not None:
        await staff.json("POST", "/inbox/api/presence", {"online": True})
    p = await parent()
    await p.say(first)
    await p.say("ik wil iemand spreken")
    return p, await conversation_id(store, p.key)


async def next_event(ws, kind: str, timeout: float = 5, **match):
    """The next inbox socket event of a kind (and matching fields), skipping others."""
    while True:
        event = await ws.receive_json(timeout=timeout)
        if event["type"] == kind and all(event.get(k) == v for k, v in match.items()):
            return event
