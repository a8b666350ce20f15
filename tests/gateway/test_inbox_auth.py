"""Staff inbox: accounts (CLI), login with a rate limit, sessions, roles and CSRF on every route."""
from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from bot.app import create_app
from bot.inbox.routes import ROUTES
from bot.inbox.accounts import AccountError, create_account
from bot.settings import Settings, SettingsError
from bot.store import Store
from tests.gateway.test_inbox_helpers import (  # noqa: F401 (fixtures)
    OPEN, PASSWORD, clock, login, parent, server, store,
)

ROOT = Path(__file__).resolve().parents[2]
SAMPLE = {"id": "0123456789abcdef0123456789abcdef"}


def concrete(path: str) -> str:
    path = path.replace("{day}", "2026-11-25")
    return path.replace("{id}", "1" if "callbacks" in path or "canned" in path or "accounts" in path else SAMPLE["id"])


def cli(*args, stdin="", db):
    env = {**os.environ, "DATABASE_URL": f"sqlite:///{db}", "PYTHONPATH": str(ROOT)}
    return subprocess.run(
        [sys.executable, "-m", "bot.inbox.accounts", *args], input=stdin, capture_output=True, text=True,
        env=env, cwd=ROOT, timeout=60,
    )


async def test_cli_manages_accounts_and_reads_the_password_from_stdin_only(tmp_path):
    db = tmp_path / "cli.db"
    made = cli("create", "Anna", "--name", "Anna", stdin=PASSWORD + "\n", db=db)
    assert made.returncode == 0, made.stderr
    assert "created advisor anna (Anna)" in made.stdout and "Warning" not in made.stderr
    assert cli("create", "bob", "--name", "Bob", stdin="short\n", db=db).returncode == 1  # too short
    assert cli("create", "bob", "--name", "Bob", "--password", "x" * 20, db=db).returncode == 2  # no such option
    assert cli("create", "anna", "--name", "Anna", stdin=PASSWORD + "\n", db=db).returncode == 1  # exists
    assert cli("create", "root", "--name", "Beheer", "--role", "admin", stdin=PASSWORD + "\n", db=db).returncode == 0
    listing = cli("list", db=db).stdout
    assert "anna" in listing and "admin" in listing and PASSWORD not in listing
    assert cli("disable", "anna", db=db).stdout.strip() == "anna disabled"
    assert cli("set-password", "anna", stdin="another long password\n", db=db).returncode == 0

    store = await Store.open(f"sqlite:///{db}")
    try:
        account, password_hash = await store.staff_credentials("anna")
        assert not account.active and password_hash.startswith("$argon2id$")
        assert PASSWORD not in password_hash
        actions = [e["action"] for e in await store.audit_entries()]
        assert {"account_create", "account_disable", "password_set"} <= set(actions)
    finally:
        await store.close()


async def test_account_rules(store):
    with pytest.raises(AccountError):
        await create_account(store, "a b", "Anna", "advisor", PASSWORD)
    with pytest.raises(AccountError):
        await create_account(store, "anna", "<b>Anna</b>", "advisor", PASSWORD)
    with pytest.raises(AccountError):
        await create_account(store, "anna", "Anna", "root", PASSWORD)
    with pytest.raises(AccountError):
        await create_account(store, "anna", "Anna", "advisor", "kort")


async def test_login_sets_a_hardened_session_cookie(login):
    staff = await login("anna")
    assert staff.me["first_name"] == "Anna" and staff.me["role"] == "advisor" and len(staff.me["csrf"]) > 30
    cookie = next(c for c in staff.client.session.cookie_jar if c.key == "osp_inbox")
    assert cookie["httponly"] and cookie["samesite"] == "Strict" and cookie["path"] == "/inbox"
    assert not cookie["secure"]  # plain HTTP on loopback (COOKIE_SECURE=auto)
    me = await staff.json("GET", "/inbox/api/me")
    assert me["username"] == "anna" and me["online"] is False


async def test_cookie_is_secure_behind_https(aiohttp_client, fake_rasa, settings_for):
    settings = settings_for(fake_rasa.url, cookie_secure="true")
    client = await aiohttp_client(create_app(settings))
    from bot.app import STORE

    await create_account(client.app[STORE], "anna", "Anna", "advisor", PASSWORD)
    response = await client.post("/inbox/api/login", json={"username": "anna", "password": PASSWORD})
    assert "Secure" in response.headers["Set-Cookie"] and "HttpOnly" in response.headers["Set-Cookie"]
    assert Settings(host="0.0.0.0").secure_cookies and not Settings(host="127.0.0.1").secure_cookies


def test_inbox_settings_are_validated():
    assert Settings.from_env({"COOKIE_SECURE": "TRUE", "PRESENCE_TIMEOUT_SECONDS": "90"}).presence_timeout == 90
    for env in ({"COOKIE_SECURE": "yes"}, {"PRESENCE_TIMEOUT_SECONDS": "5"}, {"INBOX_SESSION_HOURS": "0"}):
        with pytest.raises(SettingsError):
            Settings.from_env(env)


async def test_wrong_password_and_unknown_user_get_the_same_dutch_answer(server, aiohttp_client, login):
    await login("anna")
    client = await aiohttp_client(server)
    for username in ("anna", "nobody"):
        response = await client.post("/inbox/api/login", json={"username": username, "password": "wrong password!"})
        assert response.status == 401
        assert (await response.json())["error"] == "Je gebruikersnaam of wachtwoord klopt niet."
    assert not [c for c in client.session.cookie_jar if c.key == "osp_inbox"]


async def test_login_is_rate_limited_per_username_and_address(server, aiohttp_client, login):
    await login("anna")
    await login("bram")
    client = await aiohttp_client(server)
    for _ in range(5):
        response = await client.post("/inbox/api/login", json={"username": "anna", "password": "guess guess guess"})
        assert response.status == 401
    blocked = await client.post("/inbox/api/login", json={"username": "anna", "password": PASSWORD})
    assert blocked.status == 429
    assert "over 15 minuten" in (await blocked.json())["error"]
    other = await client.post("/inbox/api/login", json={"username": "bram", "password": PASSWORD})
    assert other.status == 200  # another account is not locked out


async def test_login_refuses_forms_and_foreign_origins(server, aiohttp_client, login):
    await login("anna")
    client = await aiohttp_client(server)
    form = await client.post("/inbox/api/login", data={"username": "anna", "password": PASSWORD})
    assert form.status == 400
    foreign = await client.post(
        "/inbox/api/login", json={"username": "anna", "password": PASSWORD}, headers={"Origin": "https://evil.example"}
    )
    assert foreign.status == 403


async def test_logout_ends_the_session_on_the_server(server, aiohttp_client, login, store):
    staff = await login("anna")
    token = next(c.value for c in staff.client.session.cookie_jar if c.key == "osp_inbox")
    replay = await aiohttp_client(server)  # somebody with a copy of the cookie
    copied = {"Cookie": f"osp_inbox={token}"}
    assert (await replay.get("/inbox/api/me", headers=copied)).status == 200
    await staff.json("POST", "/inbox/api/presence", {"online": True})
    assert await store.advisors_online(OPEN) == 1

    await staff.json("POST", "/inbox/api/logout")
    assert (await staff.get("/inbox/api/me")).status == 401
    assert (await replay.get("/inbox/api/me", headers=copied)).status == 401  # the copy is worthless now
    assert await store.advisors_online(OPEN) == 0  # logging out is going offline


async def test_a_new_login_gets_a_new_session_id(login, server):
    staff = await login("anna")
    before = next(c.value for c in staff.client.session.cookie_jar if c.key == "osp_inbox")
    response = await staff.client.post("/inbox/api/login", json={"username": "anna", "password": PASSWORD})
    assert response.status == 200
    after = next(c.value for c in staff.client.session.cookie_jar if c.key == "osp_inbox")
    assert after != before


async def test_a_disabled_account_is_logged_out_at_once(login):
    admin = await login("root", role="admin")
    anna = await login("anna")
    accounts = (await admin.json("GET", "/inbox/api/accounts"))["accounts"]
    anna_id = next(a["id"] for a in accounts if a["username"] == "anna")
    await admin.json("POST", f"/inbox/api/accounts/{anna_id}/active", {"active": False})
    assert (await anna.get("/inbox/api/me")).status == 401


async def test_the_route_table_guards_every_inbox_route(server):
    """No /inbox route escapes the guard: only the page, the login and the socket are outside ROUTES."""
    declared = {(m, p) for m, p, _, _ in ROUTES}
    for route in server.app.router.routes():
        path = route.resource.canonical if route.resource else ""
        if not path.startswith("/inbox") or route.method == "HEAD":
            continue
        if (route.method, path) in {("GET", "/inbox"), ("POST", "/inbox/api/login"), ("GET", "/inbox/ws")}:
            continue
        assert (route.method, path) in declared, path
        assert getattr(route.handler, "inbox_role", None) in ("advisor", "admin"), path


@pytest.mark.parametrize("method,path", [(m, p) for m, p, _, _ in ROUTES] + [("GET", "/inbox/ws")])
async def test_every_route_needs_a_session(server, aiohttp_client, method, path):
    client = await aiohttp_client(server)
    response = await client.request(method, concrete(path), json={})
    assert response.status == 401
    assert (await response.json())["error"] == "Je bent niet (meer) ingelogd. Log opnieuw in."


@pytest.mark.parametrize("method,path", [(m, p) for m, p, _, role in ROUTES if role == "admin"])
async def test_admin_routes_refuse_advisors(login, method, path):
    staff = await login("anna")
    response = await (staff.get(concrete(path)) if method == "GET" else
                      staff.client.request(method, concrete(path), json={}, headers=staff.headers()))
    assert response.status == 403
    assert (await response.json())["error"] == "Dit mag alleen een beheerder."


@pytest.mark.parametrize("method,path", [(m, p) for m, p, _, _ in ROUTES if m != "GET"])
async def test_every_change_needs_the_csrf_token(login, method, path):
    staff = await login("root", role="admin")
    for headers in ({}, {"X-CSRF-Token": "not-the-token"},
                    {"X-CSRF-Token": staff.me["csrf"], "Origin": "https://evil.example"}):
        response = await staff.client.request(method, concrete(path), json={}, headers=headers)
        assert response.status == 403, headers
        assert "beveiligingscode" in (await response.json())["error"]
    assert (await staff.get("/inbox/api/me")).status == 200  # still logged in: nothing happened


async def test_the_inbox_socket_refuses_foreign_origins(login):
    staff = await login("anna")
    response = await staff.client.get("/inbox/ws", headers={"Origin": "https://evil.example"})
    assert response.status == 403


async def test_the_page_is_public_strict_and_uncached(server, aiohttp_client):
    client = await aiohttp_client(server)
    response = await client.get("/inbox")
    assert response.status == 200 and "Inloggen" in await response.text()
    csp = response.headers["Content-Security-Policy"]
    assert "script-src 'self'" in csp and "frame-ancestors 'none'" in csp
    assert response.headers["Cache-Control"] == "no-store"
    for asset in ("inbox.js", "inbox.css"):
        assert (await client.get(f"/static/{asset}")).status == 200


def test_inbox_assets_never_insert_html():
    script = (ROOT / "bot" / "static" / "inbox.js").read_text()
    for unsafe in ("innerHTML", "outerHTML", "insertAdjacentHTML", "document.write", "eval("):
        assert unsafe not in script
    page = (ROOT / "bot" / "static" / "inbox.html").read_text()
    assert "http://" not in page and "https://" not in page  # no CDN: everything from the gateway
