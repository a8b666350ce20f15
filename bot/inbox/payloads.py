"""What the inbox's browser code receives: plain JSON, times in ISO 8601 (UTC)."""
from __future__ import annotations

import datetime as dt
import logging
from functools import lru_cache

from bot.store import StaffAccount, Store, StoredMessage

log = logging.getLogger(__name__)


@lru_cache(maxsize=1)
def topic_titles() -> dict[str, str]:
    """Article id -> title, so advisors read "Toelaatbaarheidsverklaring (TLV)" instead of "tlv"."""
    try:
        from knowledge.articles import load_articles

        return {article_id: article.title for article_id, article in load_articles().items()}
    except Exception as exc:  # the inbox still works with the bare ids
        log.warning("article titles unavailable for the inbox: %s", exc)
        return {}


def iso(moment: dt.datetime | None) -> str | None:
    return moment.isoformat() if moment else None


def advisor(staff: StaffAccount | None) -> dict | None:
    return {"username": staff.username, "first_name": staff.first_name} if staff else None


def topic(topic_id: str | None) -> dict | None:
    return {"id": topic_id, "title": topic_titles().get(topic_id, topic_id)} if topic_id else None


async def queue(store: Store) -> list[dict]:
    return [
        {
            "id": c["id"], "channel": c["channel"], "mode": c["mode"], "urgent": c["urgent"],
            "topic": topic(c["topic"]), "waiting_since": iso(c["waiting_since"]),
            "updated_at": iso(c["updated_at"]), "claimed_by": advisor(c["claimed_by"]),
            "preview": c["last_parent_text"],
        }
        for c in await store.staff_queue()
    ]


def message(m: StoredMessage) -> dict:
    return {
        "kind": "message", "id": m.id, "author": m.author, "name": m.name, "text": m.text,
        "buttons": [b.title for b in m.buttons], "time": iso(m.created_at),
        # WhatsApp/Telegram: "failed" means the parent did not get it (after retries).
        "delivery": m.delivery, "delivery_error": m.delivery_error,
    }


def note(n: dict) -> dict:
    return {"kind": "note", "id": n["id"], "author": n["author"], "text": n["text"], "time": iso(n["time"])}


async def conversation(store: Store, conversation_id: str) -> dict | None:
    details = await store.conversation_details(conversation_id)
    if details is None:
        return None
    transcript = [message(m) for m in await store.transcript(conversation_id, limit=5000)]
    notes = [note(n) for n in await store.notes("conversation", conversation_id)]
    timeline = sorted(transcript + notes, key=lambda item: (item["time"], item["kind"] == "note"))
    return {
        "conversation": {
            "id": details["id"], "channel": details["channel"], "mode": details["mode"],
            "urgent": details["urgent"], "topic": topic(details["topic"]),
            "waiting_since": iso(details["waiting_since"]), "created_at": iso(details["created_at"]),
            "claimed_by": advisor(await store.claim_holder("conversation", conversation_id)),
        },
        "timeline": timeline,
    }


def callback(c: dict) -> dict:
    return {
        **{k: c[k] for k in ("id", "conversation_id", "name", "contact", "moment", "question", "status")},
        "created_at": iso(c["created_at"]), "claimed_by": advisor(c["claimed_by"]),
        "notes": [note(n) for n in c["notes"]],
    }


def account(a: StaffAccount) -> dict:
    return {"id": a.id, "username": a.username, "first_name": a.first_name, "role": a.role, "active": a.active}


def audit_entry(e: dict) -> dict:
    return {**e, "time": iso(e["time"])}
