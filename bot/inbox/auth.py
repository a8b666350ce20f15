"""Staff sessions, login with a rate limit, roles and CSRF protection.

Sessions are server-side (aiohttp-session with the gateway's database as its
storage): the cookie holds a random token, the database only its SHA-256
hash. Logging out, disabling an account or changing a password ends sessions
at once, every gateway process sees the same sessions, and there is no
signing key to configure or leak. The cookie is HttpOnly, SameSite=Strict,
limited to /inbox, and Secure behind HTTPS (COOKIE_SECURE).

CSRF: a synchronizer token kept in the session; every state change sends it
in the X-CSRF-Token header, and a request with a foreign Origin is refused.
"""
from __future__ import annotations

import asyncio
import datetime as dt
import functools
import hashlib
import hmac
import json
import logging
import secrets
import time
from typing import Awaitable, Callable
from urllib.parse import urlparse

from aiohttp import web
from aiohttp_session import AbstractStorage, Session, get_session, new_session

from bot.inbox import accounts
from bot.inbox.audit import record
from bot.store import StaffAccount, Store, utcnow

log = logging.getLogger(__name__)

COOKIE_NAME = "osp_inbox"
CSRF_HEADER = "X-CSRF-Token"
SAFE_METHODS = ("GET", "HEAD", "OPTIONS")
LOGIN_WINDOW = dt.timedelta(minutes=15)
LOGIN_MAX_FAILURES = 5

NOT_LOGGED_IN = "Je bent niet (meer) ingelogd. Log opnieuw in."
WRONG_ROLE = "Dit mag alleen een beheerder."
CSRF_FAILED = "De beveiligingscode van de pagina klopt niet. Laad de pagina opnieuw."
BAD_LOGIN = "Je gebruikersnaam of wachtwoord klopt niet."
TOO_MANY = "Te vaak een verkeerd wachtwoord. Probeer het over 15 minuten opnieuw."
UNREADABLE = "Dat verzoek kon ik niet lezen. Laad de pagina opnieuw."

Handler = Callable[[web.Request, StaffAccount], Awaitable[web.StreamResponse]]
STAFF = web.RequestKey("inbox_staff", object)  # the request's StaffAccount or None, once looked up


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def error(status: int, text: str) -> web.Response:
    return web.json_response({"error": text}, status=status)


class DatabaseSessionStorage(AbstractStorage):
    def __init__(self, store: Callable[[], Store], *, secure: bool, max_age: int):
        super().__init__(
            cookie_name=COOKIE_NAME, max_age=max_age, path="/inbox", secure=secure, httponly=True,
            samesite="Strict",
        )
        self._store = store

    async def load_session(self, request: web.Request) -> Session:
        token = self.load_cookie(request)
        if token and len(token) <= 100:
            data = await self._store().staff_session(token_hash(token), utcnow())
            if data is not None:
                return Session(token, data=data, new=False, max_age=self.max_age)
        return Session(None, data=None, new=True, max_age=self.max_age)

    async def save_session(self, request: web.Request, response: web.StreamResponse, session: Session) -> None:
        if session.empty:
            if session.identity:
                await self._store().delete_staff_sessions(session_id=token_hash(session.identity))
            self.save_cookie(response, "")
            return
        if session.identity is None:
            session.set_new_identity(secrets.token_urlsafe(32))
        expires = dt.datetime.fromtimestamp(time.time() + self.max_age, dt.timezone.utc)
        await self._store().save_staff_session(
            token_hash(session.identity), session["account_id"], self._get_session_data(session), expires
        )
        self.save_cookie(response, session.identity, max_age=self.max_age)


async def current_staff(request: web.Request, store: Store) -> StaffAccount | None:
    """The logged-in, active staff member of this request, or None."""
    if STAFF in request:
        return request[STAFF]
    session = await get_session(request)
    account_id = session.get("account_id")
    staff = await store.staff_account(account_id) if isinstance(account_id, int) else None
    if staff is not None and not staff.active:
        staff = None
    request[STAFF] = staff
    return staff


def same_origin(request: web.Request) -> bool:
    """A browser names the page that sent a request; it must be this gateway."""
    origin = request.headers.get("Origin")
    return origin is None or urlparse(origin).netloc == request.host


async def csrf_ok(request: web.Request) -> bool:
    session = await get_session(request)
    expected, sent = session.get("csrf"), request.headers.get(CSRF_HEADER, "")
    return bool(expected) and hmac.compare_digest(str(expected), sent) and same_origin(request)


def staff_route(store: Callable[[web.Request], Store], role: str = "advisor"):
    """Guards an inbox route: a session of the right role, and a CSRF token on every change."""

    def wrap(handler: Handler):
        @functools.wraps(handler)
        async def guarded(request: web.Request) -> web.StreamResponse:
            staff = await current_staff(request, store(request))
            if staff is None:
                return error(401, NOT_LOGGED_IN)
            if role == "admin" and staff.role != "admin":
                return error(403, WRONG_ROLE)
            if request.method not in SAFE_METHODS and not await csrf_ok(request):
                return error(403, CSRF_FAILED)
            return await handler(request, staff)

        guarded.inbox_role = role
        return guarded

    return wrap


async def json_body(request: web.Request) -> dict:
    """The JSON object a state change sends; a form post from another site is never JSON."""
    if request.content_type != "application/json":
        raise web.HTTPBadRequest(text=json.dumps({"error": UNREADABLE}), content_type="application/json")
    try:
        data = await request.json()
    except ValueError:
        data = None
    if not isinstance(data, dict):
        raise web.HTTPBadRequest(text=json.dumps({"error": UNREADABLE}), content_type="application/json")
    return data


def me_payload(staff: StaffAccount, session: Session) -> dict:
    return {
        "username": staff.username, "first_name": staff.first_name, "role": staff.role,
        "online": staff.wants_online, "csrf": session["csrf"],
    }


def login_key(username: str, request: web.Request) -> str:
    return token_hash(f"{username}|{request.remote or ''}")


async def login(request: web.Request, store: Store) -> web.Response:
    """POST /inbox/api/login {"username", "password"}."""
    if not same_origin(request):
        return error(403, CSRF_FAILED)
    data = await json_body(request)
    username = accounts.normalise_username(str(data.get("username") or ""))[:40]
    password = str(data.get("password") or "")[: accounts.MAX_PASSWORD]
    key, now = login_key(username, request), utcnow()
    if await store.login_failures(key, now - LOGIN_WINDOW) >= LOGIN_MAX_FAILURES:
        log.warning("inbox login refused: too many failures")
        return error(429, TOO_MANY)
    found = await store.staff_credentials(username) if username else None
    staff, password_hash = found if found else (None, None)
    good = await asyncio.to_thread(accounts.verify_password, password_hash, password)
    if not good or staff is None or not staff.active:
        await store.add_login_failure(key)
        await store.clear_login_failures(None, before=now - LOGIN_WINDOW)
        log.warning("inbox login failed")
        return error(401, BAD_LOGIN)
    await store.clear_login_failures(key)
    if accounts.needs_rehash(password_hash):
        await store.update_staff(staff.id, password_hash=await asyncio.to_thread(accounts.hash_password, password))

    old = await get_session(request)
    if old.identity:  # never keep a session id from before the login
        await store.delete_staff_sessions(session_id=token_hash(old.identity))
    session = await new_session(request)
    session["account_id"] = staff.id
    session["csrf"] = secrets.token_urlsafe(32)
    # Online is a choice made after logging in, never left over from an earlier day.
    staff = await store.update_staff(staff.id, wants_online=False)
    await record(store, staff, "login")
    return web.json_response(me_payload(staff, session))


async def logout(request: web.Request, staff: StaffAccount, store: Store) -> web.Response:
    session = await get_session(request)
    await store.update_staff(staff.id, wants_online=False)
    await store.set_presence(staff.username, None)
    await record(store, staff, "logout")
    session.invalidate()
    return web.json_response({"ok": True})


async def me(request: web.Request, staff: StaffAccount) -> web.Response:
    return web.json_response(me_payload(staff, await get_session(request)))


def session_id_of(request_session: Session) -> str | None:
    return token_hash(request_session.identity) if request_session.identity else None
