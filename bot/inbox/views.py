"""The inbox's JSON routes. Every handler gets the logged-in staff member; the
guard in bot.inbox.auth has already checked the session, the role and, for
changes, the CSRF token. Texts for staff are Dutch."""
from __future__ import annotations

import datetime as dt

from dataclasses import dataclass

from aiohttp import web

from bot.conversations import ConversationService
from bot.inbox import accounts, payloads
from bot.inbox.audit import record
from bot.inbox.auth import error, json_body
from bot.inbox.live import InboxHub
from bot.settings import Settings
from bot.store import StaffAccount, Store

MAX_STAFF_TEXT = 2000
CALLBACK_STATUSES = ("nieuw", "gebeld", "afgerond")

NOT_FOUND = "Dit gesprek bestaat niet (meer)."
CALLBACK_NOT_FOUND = "Dit terugbelverzoek bestaat niet (meer)."
NOT_WAITING = "Dit gesprek wacht niet (meer) op een adviseur."
CLAIM_FIRST = "Pak het gesprek eerst op. Dan kun je de ouder antwoorden."
EMPTY_TEXT = "Typ eerst een tekst."
WINDOW_CLOSED = (
    "De ouder heeft meer dan 24 uur niets gestuurd via WhatsApp. WhatsApp laat dan geen gewoon bericht toe, "
    "alleen de goedgekeurde sjabloon die vraagt of de ouder verder wil praten."
)
NO_TEMPLATE = (
    "Er is geen WhatsApp-sjabloon ingesteld (TWILIO_TEMPLATE_SID). Bel of mail de ouder, "
    "of wacht tot de ouder weer een bericht stuurt."
)
TOO_LONG = f"Je tekst is te lang (meer dan {MAX_STAFF_TEXT} tekens). Maak hem korter."


def claimed_by_other(first_name: str) -> str:
    return f"Dit gesprek is al opgepakt door {first_name}. Je kunt het niet ook oppakken."


def callback_claimed_by_other(first_name: str) -> str:
    return f"Dit terugbelverzoek is al opgepakt door {first_name}."


@dataclass
class Inbox:
    """What the routes need; made at start-up."""

    settings: Settings
    store: Store
    service: ConversationService
    hub: InboxHub


INBOX = web.AppKey("inbox", Inbox)


def inbox(request: web.Request) -> Inbox:
    return request.app[INBOX]


async def text_field(request: web.Request, name: str = "text") -> str | web.Response:
    value = (await json_body(request)).get(name)
    text = value.strip() if isinstance(value, str) else ""
    if not text:
        return error(400, EMPTY_TEXT)
    if len(text) > MAX_STAFF_TEXT:
        return error(400, TOO_LONG)
    return text


# --- Presence and queue ---

async def presence(request: web.Request, staff: StaffAccount) -> web.Response:
    """POST {"online": true|false}: the advisor's own choice; the inbox page keeps it alive."""
    online = (await json_body(request)).get("online")
    if not isinstance(online, bool):
        return error(400, "Kies online of offline.")
    app = inbox(request)
    await app.store.update_staff(staff.id, wants_online=online)
    await app.hub.set_online(staff, online)
    await record(app.store, staff, "presence", detail="online" if online else "offline")
    return web.json_response({"online": online})


async def queue(request: web.Request, staff: StaffAccount) -> web.Response:
    return web.json_response((await inbox(request).hub.queue_event()))


# --- One conversation ---

async def conversation(request: web.Request, staff: StaffAccount) -> web.Response:
    found = await payloads.conversation(inbox(request).store, request.match_info["id"])
    return web.json_response(found) if found else error(404, NOT_FOUND)


async def claim(request: web.Request, staff: StaffAccount) -> web.Response:
    app, conversation_id = inbox(request), request.match_info["id"]
    found = await app.store.conversation(conversation_id)
    if found is None:
        return error(404, NOT_FOUND)
    holder = await app.store.claim_holder("conversation", conversation_id)
    if holder is not None and holder.id != staff.id:
        return error(409, claimed_by_other(holder.first_name))
    if holder is None:
        if found.mode == "bot":
            return error(409, NOT_WAITING)
        claimed, holder_id = await app.store.claim("conversation", conversation_id, staff.id)
        if not claimed:  # another advisor was a moment faster
            other = await app.store.staff_account(holder_id)
            return error(409, claimed_by_other(other.first_name if other else "een collega"))
        await record(app.store, staff, "claim", conversation_id)
        await app.service.staff_joined(found, staff.first_name)
    return web.json_response(await payloads.conversation(app.store, conversation_id))


async def _mine(request: web.Request, staff: StaffAccount, allow_unclaimed: bool = False):
    """The conversation if this advisor has it (or, when allowed, nobody has it yet); else an error."""
    app, conversation_id = inbox(request), request.match_info["id"]
    found = await app.store.conversation(conversation_id)
    if found is None:
        return None, error(404, NOT_FOUND)
    if found.mode == "bot":
        return None, error(409, NOT_WAITING)
    holder = await app.store.claim_holder("conversation", conversation_id)
    if holder is not None and holder.id != staff.id:
        return None, error(409, claimed_by_other(holder.first_name))
    if holder is None and not allow_unclaimed:
        return None, error(409, CLAIM_FIRST)
    return found, None


async def send_message(request: web.Request, staff: StaffAccount) -> web.Response:
    found, problem = await _mine(request, staff)
    if problem:
        return problem
    text = await text_field(request)
    if isinstance(text, web.Response):
        return text
    app = inbox(request)
    if not await app.service.reply_window_open(found):
        return web.json_response(
            {"error": WINDOW_CLOSED, "template_available": app.service.template_available(found)}, status=409
        )
    message = await app.service.send_staff_message(found, staff.first_name, text)
    await record(app.store, staff, "reply", found.id)
    return web.json_response(payloads.message(message))


async def send_template(request: web.Request, staff: StaffAccount) -> web.Response:
    """Outside WhatsApp's 24-hour window: the approved template invites the parent to write back."""
    found, problem = await _mine(request, staff)
    if problem:
        return problem
    app = inbox(request)
    if await app.service.reply_window_open(found):
        return error(409, "Het gesprek is open: stuur gewoon een bericht.")
    if not app.service.template_available(found):
        return error(409, NO_TEMPLATE)
    message = await app.service.send_staff_template(found, staff.first_name)
    await record(app.store, staff, "template", found.id)
    return web.json_response(payloads.message(message))


async def add_note(request: web.Request, staff: StaffAccount) -> web.Response:
    app, conversation_id = inbox(request), request.match_info["id"]
    if await app.store.conversation(conversation_id) is None:
        return error(404, NOT_FOUND)
    text = await text_field(request)
    if isinstance(text, web.Response):
        return text
    note = await app.store.add_note("conversation", conversation_id, staff.first_name, text)
    await record(app.store, staff, "note", conversation_id)
    await app.hub.on_service_event("conversation", conversation_id)
    return web.json_response(payloads.note(note))


async def _end_staff_part(request: web.Request, staff: StaffAccount, action: str) -> web.Response:
    """Hand back to the assistant or close: the parent is told, the audit log records it."""
    found, problem = await _mine(request, staff, allow_unclaimed=True)
    if problem:
        return problem
    app = inbox(request)
    await (app.service.hand_back if action == "hand_back" else app.service.close)(found)
    await record(app.store, staff, action, found.id)
    return web.json_response({"ok": True})


async def hand_back(request: web.Request, staff: StaffAccount) -> web.Response:
    return await _end_staff_part(request, staff, "hand_back")


async def close(request: web.Request, staff: StaffAccount) -> web.Response:
    return await _end_staff_part(request, staff, "close")


async def delete_conversation(request: web.Request, staff: StaffAccount) -> web.Response:
    """Admin: a parent asked for their conversation to be deleted."""
    app, conversation_id = inbox(request), request.match_info["id"]
    if not await app.store.delete_conversation(conversation_id):
        return error(404, NOT_FOUND)
    await record(app.store, staff, "delete_conversation", conversation_id)
    await app.hub.broadcast(await app.hub.queue_event())
    await app.hub.broadcast({"type": "callbacks"})
    return web.json_response({"ok": True})


# --- Callback requests ---

def _callback_id(request: web.Request) -> int | None:
    raw = request.match_info["id"]
    return int(raw) if raw.isdigit() and len(raw) < 10 else None


async def callbacks(request: web.Request, staff: StaffAccount) -> web.Response:
    status = request.query.get("status") or None
    if status not in (None, *CALLBACK_STATUSES):
        return error(400, "Kies nieuw, gebeld of afgerond.")
    found = await inbox(request).store.callback_list(status)
    return web.json_response({"callbacks": [payloads.callback(c) for c in found]})


async def claim_callback(request: web.Request, staff: StaffAccount) -> web.Response:
    app, callback_id = inbox(request), _callback_id(request)
    if callback_id is None or not await app.store.callback_exists(callback_id):
        return error(404, CALLBACK_NOT_FOUND)
    claimed, holder_id = await app.store.claim("callback", str(callback_id), staff.id)
    if not claimed and holder_id != staff.id:
        other = await app.store.staff_account(holder_id)
        return error(409, callback_claimed_by_other(other.first_name if other else "een collega"))
    if claimed:
        await record(app.store, staff, "callback_claim", str(callback_id))
        await app.hub.broadcast({"type": "callbacks"})
    return web.json_response({"ok": True})


async def callback_status(request: web.Request, staff: StaffAccount) -> web.Response:
    app, callback_id = inbox(request), _callback_id(request)
    status = (await json_body(request)).get("status")
    if status not in CALLBACK_STATUSES:
        return error(400, "Kies nieuw, gebeld of afgerond.")
    if callback_id is None or not await app.store.set_callback_status(callback_id, status):
        return error(404, CALLBACK_NOT_FOUND)
    await record(app.store, staff, "callback_status", str(callback_id), status)
    await app.hub.broadcast({"type": "callbacks"})
    return web.json_response({"ok": True, "status": status})


async def callback_note(request: web.Request, staff: StaffAccount) -> web.Response:
    app, callback_id = inbox(request), _callback_id(request)
    if callback_id is None or not await app.store.callback_exists(callback_id):
        return error(404, CALLBACK_NOT_FOUND)
    text = await text_field(request)
    if isinstance(text, web.Response):
        return text
    note = await app.store.add_note("callback", str(callback_id), staff.first_name, text)
    await record(app.store, staff, "callback_note", str(callback_id))
    await app.hub.broadcast({"type": "callbacks"})
    return web.json_response(payloads.note(note))


# --- Canned answers (everybody reads, admins manage) ---

async def canned(request: web.Request, staff: StaffAccount) -> web.Response:
    return web.json_response({"canned": await inbox(request).store.canned_answers()})


async def add_canned(request: web.Request, staff: StaffAccount) -> web.Response:
    data = await json_body(request)
    title = data.get("title").strip() if isinstance(data.get("title"), str) else ""
    if not 1 <= len(title) <= 80:
        return error(400, "Geef het standaardantwoord een titel (hoogstens 80 tekens).")
    text = await text_field(request)
    if isinstance(text, web.Response):
        return text
    app = inbox(request)
    answer_id = await app.store.add_canned_answer(title, text)
    await record(app.store, staff, "canned_create", str(answer_id))
    return web.json_response({"id": answer_id, "title": title, "text": text})


async def delete_canned(request: web.Request, staff: StaffAccount) -> web.Response:
    app, raw = inbox(request), request.match_info["id"]
    if not (raw.isdigit() and len(raw) < 10 and await app.store.delete_canned_answer(int(raw))):
        return error(404, "Dit standaardantwoord bestaat niet (meer).")
    await record(app.store, staff, "canned_delete", raw)
    return web.json_response({"ok": True})


# --- Extra closing days (everybody reads, admins manage) ---

def _day(raw: object) -> dt.date | None:
    try:
        return dt.date.fromisoformat(raw) if isinstance(raw, str) and len(raw) == 10 else None
    except ValueError:
        return None


async def closing_days(request: web.Request, staff: StaffAccount) -> web.Response:
    app = inbox(request)
    days = await app.store.closing_days(since=app.service.clock().date() - dt.timedelta(days=30))
    return web.json_response({"days": [{"day": d.isoformat(), "reason": r} for d, r in days.items()]})


async def add_closing_day(request: web.Request, staff: StaffAccount) -> web.Response:
    data = await json_body(request)
    day = _day(data.get("day"))
    reason = data.get("reason").strip() if isinstance(data.get("reason"), str) else ""
    if day is None:
        return error(400, "Kies een datum.")
    if not 1 <= len(reason) <= 100:
        return error(400, "Geef een reden (hoogstens 100 tekens), bijvoorbeeld 'Studiedag'.")
    app = inbox(request)
    await app.store.set_closing_day(day, reason)
    await record(app.store, staff, "closing_day_set", day.isoformat())
    return web.json_response({"day": day.isoformat(), "reason": reason})


async def delete_closing_day(request: web.Request, staff: StaffAccount) -> web.Response:
    app, day = inbox(request), _day(request.match_info["day"])
    if day is None or not await app.store.delete_closing_day(day):
        return error(404, "Deze sluitingsdag bestaat niet (meer).")
    await record(app.store, staff, "closing_day_delete", day.isoformat())
    return web.json_response({"ok": True})


# --- Accounts and audit log (admins) ---

async def account_list(request: web.Request, staff: StaffAccount) -> web.Response:
    return web.json_response({"accounts": [payloads.account(a) for a in await inbox(request).store.staff_accounts()]})


async def account_active(request: web.Request, staff: StaffAccount) -> web.Response:
    """POST {"active": bool}: switch an account on or off (new accounts come from the CLI)."""
    app, raw = inbox(request), request.match_info["id"]
    active = (await json_body(request)).get("active")
    account = await app.store.staff_account(int(raw)) if raw.isdigit() and len(raw) < 10 else None
    if account is None or not isinstance(active, bool):
        return error(404, "Dit account bestaat niet.")
    if account.id == staff.id and not active:
        return error(409, "Je kunt je eigen account niet uitzetten.")
    account = await accounts.set_active(app.store, account.username, active, actor=staff.username)
    await app.hub.broadcast(await app.hub.queue_event())
    return web.json_response(payloads.account(account))


async def audit_log(request: web.Request, staff: StaffAccount) -> web.Response:
    entries = await inbox(request).store.audit_entries()
    return web.json_response({"entries": [payloads.audit_entry(e) for e in entries]})
