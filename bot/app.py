"""The gateway's aiohttp application factory."""
from __future__ import annotations

import logging

from aiohttp import web

from bot.channels.web import WebChannel, WidgetHub
from bot.conversations import Clock, ConversationService, system_clock
from bot.inbox.routes import setup_inbox
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
        app[STORE] = await Store.open(settings.database_url)
        app[RASA] = RasaClient(settings.rasa_url, settings.rasa_timeout)
        await app[RASA].start()
        app[SERVICE] = ConversationService(app[STORE], app[RASA], settings.max_message_chars, clock)
        app[WEB] = WebChannel(app[SERVICE], WidgetHub())

    async def stop(app: web.Application) -> None:
        await app[RASA].close()
        await app[STORE].close()

    app.on_startup.append(start)
    app.on_cleanup.append(stop)

    async def websocket(request):
        return await request.app[WEB].websocket(request)

    async def api_message(request):
        return await request.app[WEB].api_message(request)

    app.router.add_get("/", chat_page)
    app.router.add_get("/healthz", health)
    app.router.add_get("/ws", websocket)
    app.router.add_post("/api/messages", api_message)
    app.router.add_static("/static/", STATIC_DIR)
    setup_inbox(app, settings, STORE, SERVICE)
    return app
