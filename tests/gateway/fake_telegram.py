"""A fake Telegram Bot API: records every call of the real PTB client and answers like Telegram.

Serve `FakeBotApi.make_app()` on 127.0.0.1 and point TELEGRAM_API_URL at it.
`fail(method, status, times)` makes the next calls of a method fail like
Telegram does (429 with retry_after, 403 blocked, 500).
"""
from __future__ import annotations

import itertools
import json
import time
from collections import defaultdict

from aiohttp import web

# PTB sends form data whose non-string values are JSON encoded; these we decode.
_JSON_FIELDS = {"chat_id", "reply_markup", "allowed_updates", "drop_pending_updates", "max_connections", "show_alert"}

_ERRORS = {
    429: {"error_code": 429, "description": "Too Many Requests: retry after 1", "parameters": {"retry_after": 1}},
    403: {"error_code": 403, "description": "Forbidden: bot was blocked by the user"},
    400: {"error_code": 400, "description": "Bad Request: chat not found"},
    500: {"error_code": 500, "description": "Internal Server Error"},
}


class FakeBotApi:
    def __init__(self, token: str):
        self.token = token
        self.calls: list[dict] = []  # {"method", "params", "status"}, in order
        self.webhook: dict = {"url": "", "has_custom_certificate": False, "pending_update_count": 0}
        self._failures: defaultdict[str, list[int]] = defaultdict(list)
        self._message_ids = itertools.count(1000)
        self.url = ""  # set by whoever serves it

    def make_app(self) -> web.Application:
        app = web.Application()
        app.router.add_post("/bot{token}/{method}", self.handle)
        return app

    def fail(self, method: str, status: int, times: int = 1) -> None:
        self._failures[method] += [status] * times

    def calls_of(self, method: str, ok_only: bool = False) -> list[dict]:
        return [c["params"] for c in self.calls if c["method"] == method and (c["status"] == 200 or not ok_only)]

    def sent(self) -> list[dict]:
        """Messages Telegram accepted (sendMessage with 200), in order."""
        return self.calls_of("sendMessage", ok_only=True)

    def texts(self) -> list[str]:
        return [m["text"] for m in self.sent()]

    async def handle(self, request: web.Request) -> web.Response:
        if request.match_info["token"] != self.token:
            return web.json_response({"ok": False, "error_code": 401, "description": "Unauthorized"}, status=401)
        method = request.match_info["method"]
        params = await _params(request)
        status = self._failures[method].pop(0) if self._failures[method] else 200
        self.calls.append({"method": method, "params": params, "status": status})
        if status != 200:
            return web.json_response({"ok": False, **_ERRORS[status]}, status=status)
        answer = getattr(self, f"_{method}", None)
        if answer is None:
            return web.json_response({"ok": False, "error_code": 404, "description": "Not Found"}, status=404)
        return web.json_response({"ok": True, "result": answer(params)})

    # --- Bot API methods ---

    def _getMe(self, params):
        return {"id": 4242, "is_bot": True, "first_name": "Oudersteunpunt", "username": "oudersteunpunt_bot"}

    def _sendMessage(self, params):
        message = {
            "message_id": next(self._message_ids),
            "date": int(time.time()),
            "chat": {"id": int(params["chat_id"]), "type": "private"},
            "from": self._getMe(params),
            "text": params["text"],
        }
        if "reply_markup" in params:
            message["reply_markup"] = params["reply_markup"]
        return message

    def _answerCallbackQuery(self, params):
        return True

    def _sendChatAction(self, params):
        return True

    def _setWebhook(self, params):
        self.webhook = {
            "url": params["url"], "has_custom_certificate": False, "pending_update_count": 0,
            **({"allowed_updates": params["allowed_updates"]} if "allowed_updates" in params else {}),
        }
        return True

    def _deleteWebhook(self, params):
        self.webhook = {"url": "", "has_custom_certificate": False, "pending_update_count": 0}
        return True

    def _getWebhookInfo(self, params):
        return self.webhook


async def _params(request: web.Request) -> dict:
    if request.content_type == "application/json":
        body = await request.json()
        return body if isinstance(body, dict) else {}
    form = await request.post()
    params = {}
    for key, value in form.items():
        if isinstance(value, str) and key in _JSON_FIELDS:
            try:
                value = json.loads(value)
            except ValueError:
                pass
        params[key] = value
    return params
