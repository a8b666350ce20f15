"""Text for WhatsApp and Telegram: the advisor's name, numbered options, and splitting long messages."""
from __future__ import annotations

import re

from bot.store import Store, StoredMessage

_NUMBER_REPLY = re.compile(r"^\s*(?:optie\s*)?(\d{1,2})\s*[.)]?\s*$", re.IGNORECASE)
_SENTENCE_END = re.compile(r"(?<=[.!?])\s+")


def signed(message: StoredMessage, text: str) -> str:
    """An advisor's message starts with their first name, so the parent sees who writes."""
    return f"{message.name} (adviseur):\n{text}" if message.author == "staff" and message.name else text


def with_numbered_options(message: StoredMessage) -> str:
    """The message text, and its buttons as a numbered list the parent answers with a number."""
    if not message.buttons:
        return message.text
    options = "\n".join(f"{n}. {button.title}" for n, button in enumerate(message.buttons, start=1))
    intro = "Typ het nummer van je keuze:"
    return f"{message.text}\n\n{intro}\n{options}" if message.text else f"{intro}\n{options}"


async def chosen_option(store: Store, conversation_id: str, text: str) -> str | None:
    """The button id a reply like "2" picks from the options of the assistant's last turn, or None.

    Only options sent after the parent's previous message count: a number typed
    later in the conversation is just a number.
    """
    match = _NUMBER_REPLY.match(text)
    if not match:
        return None
    number = int(match.group(1))
    for message in reversed(await store.transcript(conversation_id, limit=20)):
        if message.direction == "in":
            return None
        if message.buttons:
            return message.buttons[number - 1].id if 1 <= number <= len(message.buttons) else None
    return None


def split_text(text: str, limit: int) -> list[str]:
    """Parts of at most `limit` characters, cut between paragraphs, else between sentences, else words."""
    text = text.strip()
    if len(text) <= limit:
        return [text] if text else []
    parts: list[str] = []
    for unit, joiner in ((p, "\n\n") for p in text.split("\n\n")):
        pieces = [unit] if len(unit) <= limit else _split_long(unit, limit)
        for piece in pieces:
            if parts and len(parts[-1]) + len(joiner) + len(piece) <= limit:
                parts[-1] += joiner + piece
            else:
                parts.append(piece)
            joiner = " "
    return parts


def _split_long(paragraph: str, limit: int) -> list[str]:
    out: list[str] = []
    for sentence in _SENTENCE_END.split(paragraph):
        while len(sentence) > limit:  # one very long sentence: cut at the last space
            cut = sentence.rfind(" ", 0, limit)
            cut = cut if cut > 0 else limit
            out.append(sentence[:cut].rstrip())
            sentence = sentence[cut:].lstrip()
        if out and len(out[-1]) + 1 + len(sentence) <= limit:
            out[-1] += " " + sentence
        elif sentence:
            out.append(sentence)
    return out
