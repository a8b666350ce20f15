"""The staff inbox's routes: advisors take over conversations in the browser (/inbox).

`setup_inbox` registers the routes, the session middleware and the start-up
hook. Every /inbox/api route and the /inbox/ws socket need a staff session of
the right role; only the page itself, its static assets and the login route
are public.
"""
from __future__ import annotations

import warnings

from aiohttp import web
from aiohttp_session import session_middleware

from bot.inbox import auth, views
from bot.inbox.live import InboxHub
from bot.settings import ROOT, Settings

# aiohttp-session 2.12 keeps its objects under string keys on the request; harmless.
warnings.filterwarnings("ignore", category=web.NotAppKeyWarning, module="aiohttp_session")

PAGE = ROOT / "bot" / "static" / "inbox.html"
CONTENT_SECURITY_POLICY = (
    "default-src 'self'; connect-src 'self' ws: wss:; img-src 'self' data:; style-src 'self'; "
    "script-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'self'"
)

# method, path, handler, role
ROUTES = [
    ("POST", "/inbox/api/logout", None, "advisor"),
    ("GET", "/inbox/api/me", auth.me, "advisor"),
    ("POST", "/inbox/api/presence", views.presence, "advisor"),
    ("GET", "/inbox/api/queue", views.queue, "advisor"),
    ("GET", "/inbox/api/conversations/{id}", views.conversation, "advisor"),
    ("POST", "/inbox/api/conversations/{id}/claim", views.claim, "advisor"),
    ("POST", "/inbox/api/conversations/{id}/messages", views.send_message, "advisor"),
    ("POST", "/inbox/api/conversations/{id}/template", views.send_template, "advisor"),
    ("POST", "/inbox/api/conversations/{id}/notes", views.add_note, "advisor"),
    ("POST", "/inbox/api/conversations/{id}/hand-back", views.hand_back, "advisor"),
    ("POST", "/inbox/api/conversations/{id}/close", views.close, "advisor"),
    ("DELETE", "/inbox/api/conversations/{id}", views.delete_conversation, "admin"),
    ("GET", "/inbox/api/callbacks", views.callbacks, "advisor"),
    ("POST", "/inbox/api/callbacks/{id}/claim", views.claim_callback, "advisor"),
    ("POST", "/inbox/api/callbacks/{id}/status", views.callback_status, "advisor"),
    ("POST", "/inbox/api/callbacks/{id}/notes", views.callback_note, "advisor"),
    ("GET", "/inbox/api/canned", views.canned, "advisor"),
    ("POST", "/inbox/api/canned", views.add_canned, "admin"),
    ("DELETE", "/inbox/api/canned/{id}", views.delete_canned, "admin"),
    ("GET", "/inbox/api/closing-days", views.closing_days, "advisor"),
    ("POST", "/inbox/api/closing-days", views.add_closing_day, "admin"),
    ("DELETE", "/inbox/api/closing-days/{day}", views.delete_closing_day, "admin"),
    ("GET", "/inbox/api/accounts", views.account_list, "admin"),
    ("POST", "/inbox/api/accounts/{id}/active", views.account_active, "admin"),
    ("GET", "/inbox/api/audit", views.audit_log, "admin"),
]


@web.middleware
async def inbox_headers(request: web.Request, handler):
    response = await handler(request)
    if request.path == "/inbox" or request.path.startswith("/inbox/"):
        response.headers.setdefault("Cache-Control", "no-store")
        response.headers.setdefault("Content-Security-Policy", CONTENT_SECURITY_POLICY)
        response.headers.setdefault("X-Frame-Options", "DENY")
    return response


async def page(request: web.Request) -> web.FileResponse:
    return web.FileResponse(PAGE)


def setup_inbox(app: web.Application, settings: Settings, store_key: web.AppKey, service_key: web.AppKey) -> None:
    """Adds the inbox to the gateway; the store and service come from the gateway's start-up."""

    def store_of(request: web.Request):
        return request.app[views.INBOX].store

    storage = auth.DatabaseSessionStorage(
        lambda: app[views.INBOX].store, secure=settings.secure_cookies,
        max_age=settings.inbox_session_hours * 3600,
    )
    app.middlewares.append(inbox_headers)
    app.middlewares.append(session_middleware(storage))

    async def start(app: web.Application) -> None:
        store, service = app[store_key], app[service_key]
        hub = InboxHub(store, service, settings.presence_timeout)
        service.listeners.append(hub.on_service_event)
        app[views.INBOX] = views.Inbox(settings, store, service, hub)

    async def stop(app: web.Application) -> None:
        await app[views.INBOX].hub.close_all()

    app.on_startup.append(start)
    app.on_shutdown.append(stop)

    async def logout(request: web.Request, staff):
        session = await auth.get_session(request)
        session_id = auth.session_id_of(session)
        response = await auth.logout(request, staff, store_of(request))
        if session_id:
            await request.app[views.INBOX].hub.end_session(session_id)
        return response

    async def login(request: web.Request):
        return await auth.login(request, store_of(request))

    async def websocket(request: web.Request):
        return await request.app[views.INBOX].hub.websocket(request)

    app.router.add_get("/inbox", page)
    app.router.add_post("/inbox/api/login", login)
    app.router.add_get("/inbox/ws", websocket)
    for method, path, handler, role in ROUTES:
        app.router.add_route(method, path, auth.staff_route(store_of, role)(handler or logout))
