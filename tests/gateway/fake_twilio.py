"""A fake Twilio REST API on 127.0.0.1: records the messages the gateway sends and can fail on demand."""
from __future__ import annotations

import uuid

import pytest
from aiohttp import web


class FakeTwilio:
    def __init__(self):
        self.sent: list[dict] = []  # form fields of every accepted Messages.create
        self.attempts = 0
        self.failures: list[tuple[int, int]] = []  # (HTTP status, Twilio error code) for the next calls

    def fail_next(self, status: int, code: int, times: int = 1) -> None:
        self.failures += [(status, code)] * times

    async def create_message(self, request: web.Request) -> web.Response:
        self.attempts += 1
        form = dict(await request.post())
        if request.headers.get("Authorization", "")[:6] != "Basic ":
            return web.json_response({"code": 20003, "message": "Authenticate", "status": 401}, status=401)
        if self.failures:
            status, code = self.failures.pop(0)
            return web.json_response({"code": code, "message": "fake failure", "status": status}, status=status)
        self.sent.append(form)
        sid = "SM" + uuid.uuid4().hex
        return web.json_response(
            {"sid": sid, "account_sid": request.match_info["account"], "to": form.get("To"),
             "from": form.get("From"), "body": form.get("Body"), "status": "queued"},
            status=201,
        )

    def bodies(self) -> list[str]:
        return [m.get("Body", "") for m in self.sent]


@pytest.fixture
async def fake_twilio(aiohttp_server):
    twilio = FakeTwilio()
    app = web.Application()
    app.router.add_post("/2010-04-01/Accounts/{account}/Messages.json", twilio.create_message)
    server = await aiohttp_server(app, host="127.0.0.1")
    twilio.url = str(server.make_url("")).rstrip("/")
    return twilio
