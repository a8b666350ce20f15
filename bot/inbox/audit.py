"""The audit log: who claimed, answered, closed or deleted what, and when.

Entries name the staff member, the action and the target (a conversation id,
callback id, account or canned answer), never parent text.
"""
from __future__ import annotations

import logging

from bot.store import StaffAccount, Store

log = logging.getLogger(__name__)

ACTIONS = {
    "login", "logout", "presence", "claim", "reply", "template", "note", "hand_back", "close", "delete_conversation",
    "callback_claim", "callback_status", "callback_note", "canned_create", "canned_delete",
    "closing_day_set", "closing_day_delete",
    "account_create", "account_enable", "account_disable", "password_set",
}


async def record(store: Store, staff: StaffAccount, action: str, target: str = "", detail: str = "") -> None:
    assert action in ACTIONS, action
    await store.add_audit(staff.username, action, target, detail)
    log.info("audit: %s %s", action, target)  # the log names no person; the audit table does
