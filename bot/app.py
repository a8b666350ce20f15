"""The gateway's aiohttp application factory."""
from __future__ import annotations

import asyncio
import contextlib
import datetime as dt
import logging

from aiohttp import web

from bot.channels.telegram import TelegramChannel
from bot.channels.web import WebChannel, WidgetHub
from bot.channels.whatsapp import WhatsAppChannel
from bot.conversations import Clock, ConversationService, system_clock
from bot.inbox.routes import setup_inbox
from bot.outbox import Outbox
from bot.rasa_client import RasaClient
from bot.settings import ROOT, Settings
from bot.store import Store

log = logging.getLogger(__name__)
STATIC_DIR = ROOT / "bot" / "static"

SETTINGS = web.AppKey("settings", Settings)
STORE = web.AppKey("store", Store)
RASA = web.AppKey("rasa", RasaClient)
SERVICE = web.AppKey("service", ConversationService)
WEB = web.AppKey("web", WebChannel)
OUTBOX = web.AppKey("outbox", Outbox)
WHATSAPP = web.AppKey("whatsapp", WhatsAppChannel)
TELEGRAM = web.AppKey("telegram", TelegramChannel)
RECOVERY = web.AppKey("recovery", asyncio.Task)
UNANSWERED_WITHIN = dt.timedelta(hours=1)  # older questions are better answered by a person

CONTENT_SECURITY_POLICY = (
    "default-src 'self'; connect-src 'self' ws: wss:; img-src 'self' data:; "
    "style-src 'self'; script-src 'self'; frame-ancestors 'self'; base-uri 'none'"
)


@web.middleware
async def security_headers(request: web.Request, handler):
    response = await handler(request)
    response.headers.setdefault("X-Content-Type-Options", "nosniff")
    response.headers.setdefault("Referrer-Policy", "no-referrer")
    if request.path == "/":
        response.headers.setdefault("Content-Security-Policy", CONTENT_SECURITY_POLICY)
    return response


async def chat_page(request: web.Request) -> web.FileResponse:
    return web.FileResponse(STATIC_DIR / "index.html")


async def health(request: web.Request) -> web.Response:
    app = request.app
    try:
        await app[STORE].ping()
    except Exception as exc:  # the database is the one thing the gateway cannot do without
        log.error("health check: database unavailable: %s", exc)
        return web.json_response({"status": "error", "database": "unavailable"}, status=503)
    rasa_ok = await app[RASA].healthy()
    return web.json_response(
        {"status": "ok", "database": "ok", "rasa": "ok" if rasa_ok else "unavailable"}
    )


def create_app(settings: Settings, clock: Clock = system_clock) -> web.Application:
    """The gateway; tests inject `clock` (office hours) instead of patching time."""
    app = web.Application(middlewares=[security_headers], client_max_size=64 * 1024)
    app[SETTINGS] = settings

    async def start(app: web.Application) -> None:
        app[STORE] = await Store.open(settings.database_url, clock)
        app[RASA] = RasaClient(settings.rasa_url, settings.rasa_timeout)
        await app[RASA].start()
        app[SERVICE] = ConversationService(app[STORE], app[RASA], settings.max_message_chars, clock)
        app[WEB] = WebChannel(app[SERVICE], WidgetHub())
        app[OUTBOX] = Outbox(app[STORE], settings.send_retry_delays, on_failed=announce_failed)
        # A channel without credentials is off: its webhook answers 404.
        if settings.whatsapp_on:
            app[WHATSAPP] = WhatsAppChannel(settings, app[SERVICE], app[OUTBOX])
            await app[WHATSAPP].start()
        if settings.telegram_on:
            app[TELEGRAM] = TelegramChannel(settings, app[SERVICE], app[OUTBOX])
            await app[TELEGRAM].start()
        await app[OUTBOX].resume()
        if WHATSAPP in app or TELEGRAM in app:
            app[RECOVERY] = asyncio.create_task(answer_unanswered(app))

    async def answer_unanswered(app: web.Application) -> None:
        """Messages stored just before a stop are answered after the start, in the background."""
        channels = [name for name, key in (("whatsapp", WHATSAPP), ("telegram", TELEGRAM)) if key in app]
        try:
            for conversation, replies in await app[SERVICE].answer_unanswered(channels, UNANSWERED_WITHIN):
                await app[OUTBOX].put(conversation, replies)
        except Exception:
            log.exception("answering messages left by a restart failed; they are in the inbox transcript")

    async def announce_failed(conversation_id: str) -> None:
        await app[SERVICE].announce("conversation", conversation_id)

    async def stop(app: web.Application) -> None:
        if RECOVERY in app:
            # Wait for it to end before the store closes: a query cut off by a
            # closed database would never finish.
            app[RECOVERY].cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await app[RECOVERY]
        # Channels first: answers still being worked on go into the outbox;
        # what it cannot send before it closes stays "pending" for the next start.
        for key in (WHATSAPP, TELEGRAM):
            if key in app:
                await app[key].close()
        await app[OUTBOX].close()
        await app[RASA].close()
        await app[STORE].close()

    app.on_startup.append(start)
    app.on_cleanup.append(stop)

    async def websocket(request):
        return await request.app[WEB].websocket(request)

    async def api_message(request):
        return await request.app[WEB].api_message(request)

    async def channel_webhook(request):
        key = WHATSAPP if request.match_info["channel"] == "whatsapp" else TELEGRAM
        if key not in request.app:
            raise web.HTTPNotFound(text="This channel is off.")
        return await request.app[key].webhook(request)

    app.router.add_post("/webhooks/{channel:whatsapp|telegram}", channel_webhook)
    app.router.add_get("/", chat_page)
    app.router.add_get("/healthz", health)
    app.router.add_get("/ws", websocket)
    app.router.add_post("/api/messages", api_message)
    app.router.add_static("/static/", STATIC_DIR)
    setup_inbox(app, settings, STORE, SERVICE)
    return app
