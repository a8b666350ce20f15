"""Staff accounts: validation, argon2 password hashes, and the command line.

    python -m bot.inbox.accounts create <username> --name <first name> [--role advisor|admin]
    python -m bot.inbox.accounts list
    python -m bot.inbox.accounts disable <username>
    python -m bot.inbox.accounts enable <username>
    python -m bot.inbox.accounts set-password <username>

A password is never an argument and there is no default: it is asked twice
(getpass) on a terminal, or read as one line from standard input otherwise
(`printf '%s\\n' "$PASSWORD" | python -m bot.inbox.accounts create ...`).
"""
from __future__ import annotations

import argparse
import asyncio
import getpass
import re
import sys

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

from bot.store import AccountExists, StaffAccount, Store

ROLES = ("advisor", "admin")
MIN_PASSWORD = 12
MAX_PASSWORD = 256
_USERNAME = re.compile(r"^[a-z0-9][a-z0-9._-]{1,39}$")
_hasher = PasswordHasher()  # argon2id with the library's current defaults
# Verified against when the username is unknown, so both cases take the same time.
_DUMMY_HASH = _hasher.hash("not a real password, only for timing")


class AccountError(ValueError):
    """A bad username, name, role or password; the message says what to change."""


def normalise_username(username: str) -> str:
    return username.strip().lower()


def check_username(username: str) -> str:
    username = normalise_username(username)
    if not _USERNAME.match(username):
        raise AccountError("a username is 2-40 characters: a-z, 0-9, '.', '_' or '-'")
    return username


def check_first_name(first_name: str) -> str:
    first_name = " ".join(first_name.split())
    if not 1 <= len(first_name) <= 40 or any(c in first_name for c in "<>&\"'"):
        raise AccountError("a first name is 1-40 characters, without <, >, &, quotes")
    return first_name


def check_password(password: str) -> str:
    if not MIN_PASSWORD <= len(password) <= MAX_PASSWORD:
        raise AccountError(f"a password has {MIN_PASSWORD} to {MAX_PASSWORD} characters")
    return password


def hash_password(password: str) -> str:
    return _hasher.hash(check_password(password))


def verify_password(password_hash: str | None, password: str) -> bool:
    """Constant work whether or not the account exists."""
    try:
        return _hasher.verify(password_hash or _DUMMY_HASH, password) and password_hash is not None
    except (VerificationError, InvalidHashError):
        return False


def needs_rehash(password_hash: str) -> bool:
    return _hasher.check_needs_rehash(password_hash)


async def create_account(store: Store, username: str, first_name: str, role: str, password: str) -> StaffAccount:
    if role not in ROLES:
        raise AccountError(f"the role is one of: {', '.join(ROLES)}")
    username, first_name = check_username(username), check_first_name(first_name)
    password_hash = await asyncio.to_thread(hash_password, password)
    try:
        account = await store.create_staff(username, first_name, role, password_hash)
    except AccountExists:
        raise AccountError(f"the username {username!r} exists already") from None
    await store.add_audit("cli", "account_create", username, role)
    return account


async def set_password(store: Store, username: str, password: str) -> None:
    account = await _existing(store, username)
    password_hash = await asyncio.to_thread(hash_password, password)
    await store.update_staff(account.id, password_hash=password_hash)
    await store.delete_staff_sessions(account_id=account.id)  # every browser logs in again
    await store.add_audit("cli", "password_set", account.username)


async def set_active(store: Store, username: str, active: bool, actor: str = "cli") -> StaffAccount:
    account = await _existing(store, username)
    account = await store.update_staff(account.id, active=active, wants_online=False)
    if not active:
        await store.delete_staff_sessions(account_id=account.id)
        await store.set_presence(account.username, None)
    await store.add_audit(actor, "account_enable" if active else "account_disable", account.username)
    return account


async def _existing(store: Store, username: str) -> StaffAccount:
    found = await store.staff_credentials(normalise_username(username))
    if found is None:
        raise AccountError(f"no account {normalise_username(username)!r}")
    return found[0]


def read_password(stdin=sys.stdin) -> str:
    if stdin.isatty():
        first = getpass.getpass("Password: ")
        if getpass.getpass("Password again: ") != first:
            raise AccountError("the two passwords differ")
        return first
    return stdin.readline().rstrip("\r\n")


async def _run(args: argparse.Namespace) -> str:
    from bot.settings import Settings

    store = await Store.open(Settings.from_env().database_url)
    try:
        if args.command == "create":
            password = check_password(read_password())
            account = await create_account(store, args.username, args.name, args.role, password)
            return f"created {account.role} {account.username} ({account.first_name})"
        if args.command == "set-password":
            await set_password(store, args.username, check_password(read_password()))
            return f"password of {normalise_username(args.username)} changed; its sessions have ended"
        if args.command in ("disable", "enable"):
            account = await set_active(store, args.username, args.command == "enable")
            return f"{account.username} {'enabled' if account.active else 'disabled'}"
        rows = [f"{a.username:<24} {a.first_name:<20} {a.role:<8} {'active' if a.active else 'disabled'}"
                for a in await store.staff_accounts()]
        return "\n".join(rows) or "no accounts yet"
    finally:
        await store.close()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bot.inbox.accounts", description="Staff inbox accounts.")
    commands = parser.add_subparsers(dest="command", required=True)
    create = commands.add_parser("create", help="create an account (the password is asked, never an argument)")
    create.add_argument("username")
    create.add_argument("--name", required=True, help="first name, shown to parents as 'Adviseur <name>'")
    create.add_argument("--role", choices=ROLES, default="advisor")
    commands.add_parser("list", help="list the accounts")
    for name in ("disable", "enable", "set-password"):
        commands.add_parser(name).add_argument("username")
    args = parser.parse_args(argv)
    try:
        print(asyncio.run(_run(args)))
    except AccountError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
