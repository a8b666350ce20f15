"""The conversation service: store every message, route it, store the replies.

The widget calls `handle_parent_message`, which returns the stored replies for
the channel to deliver. Webhook channels (WhatsApp, Telegram) call `accept`
before they acknowledge the provider and `respond` afterwards. Messages of one
conversation are answered one at a time, in order. Routing by the conversation's mode:
- a safety message gets the emergency referral first, in every mode;
- "bot": the message goes to Rasa; its custom payloads (handoff, callback) are
  acted on here;
- "waiting" / "human": the message waits for an advisor; Rasa does not see it.
"""
from __future__ import annotations

import asyncio
import datetime as dt
import logging
import re
from collections import defaultdict
from dataclasses import dataclass
from typing import Awaitable, Callable, Protocol

from bot.privacy import BSN_WARNING, MEDICAL_ADVICE, looks_medical, mask_bsn
from bot.rasa_client import RasaClient, RasaReply, RasaUnavailable
from bot.store import Button, Conversation, Store, StoredMessage
from knowledge.contact import contact
from knowledge.office_hours import calendar
from knowledge.safety import detect, referral_text

log = logging.getLogger(__name__)

_LEADING_SLASHES = re.compile(r"^[\s/]+")
Clock = Callable[[], dt.datetime]


def system_clock() -> dt.datetime:
    return dt.datetime.now(dt.timezone.utc)


def escape_for_rasa(text: str) -> str:
    """Parent text must never reach Rasa as '/intent{...}' (a forced intent)."""
    return _LEADING_SLASHES.sub("", text) if text.lstrip().startswith("/") else text


def rasa_down_text() -> str:
    return (
        "Sorry, door een storing kan ik je vraag nu niet beantwoorden. "
        "Probeer het over een paar minuten nog eens.\n\n" + contact().as_text()
    )


def too_long_text(limit: int) -> str:
    return (
        f"Je bericht is te lang voor mij (meer dan {limit} tekens). "
        "Kun je je vraag korter maken? Een paar zinnen is genoeg."
    )


MEDIA_ONLY_TEXT = (
    "Ik kan geen foto's, spraakberichten of bestanden lezen. "
    "Typ je vraag in een bericht, dan help ik je verder."
)
MEDIA_PLACEHOLDER = "[media]"  # what the transcript shows for a photo, voice message or file
EMPTY_TEXT = "Ik heb geen tekst ontvangen. Typ je vraag, dan help ik je verder."
UNKNOWN_CHOICE_NOTE = "[een keuze die niet (meer) bestaat]"  # what staff see in the transcript
UNKNOWN_BUTTON = "Die keuze ken ik niet (meer). Typ je vraag, dan help ik je verder."
WAITING_NOTE = "Je bericht staat klaar voor de adviseur. Die antwoordt hier, in dit gesprek."
URGENT_QUEUED = "Je gesprek staat bovenaan de lijst van de adviseurs van het Oudersteunpunt."
HANDED_BACK = (
    "De adviseur heeft het gesprek teruggegeven aan de digitale assistent. "
    "Je kunt mij weer een vraag stellen."
)
CLOSED = (
    "De adviseur heeft het gesprek afgesloten. Bedankt voor je vragen! "
    "Heb je nog een vraag? Typ hem hier, dan helpt de digitale assistent je."
)


def advisor_joined_text(first_name: str) -> str:
    return f"{first_name}, adviseur van het Oudersteunpunt, is er nu. Je praat nu met een mens."


class Delivery(Protocol):
    """How a channel gets staff messages and typing to a parent (widget, WhatsApp, Telegram)."""

    async def deliver(self, conversation: Conversation, message: StoredMessage) -> None: ...

    async def typing(self, conversation: Conversation, who: str) -> None: ...


# Told about changes staff should see live: ("conversation", id) or ("callbacks", "").
Listener = Callable[[str, str], Awaitable[None]]


@dataclass
class Inbound:
    """One message from a parent, as every channel delivers it."""

    text: str = ""
    client_message_id: str | None = None  # the provider's id (widget id, MessageSid, update_id): dedup
    button_id: str | None = None
    # A payload the channel adapter itself sets (e.g. "/greet" for Telegram's
    # /start); never taken from the parent's text.
    payload: str | None = None


@dataclass
class Accepted:
    """A parent message that is stored and waits for its answer."""

    conversation: Conversation
    message: StoredMessage
    text: str
    button: Button | None
    had_bsn: bool
    payload: str | None = None
    unknown_button: bool = False


class ConversationService:
    def __init__(self, store: Store, rasa: RasaClient, max_message_chars: int, clock: Clock = system_clock):
        self.store = store
        self.rasa = rasa
        self.max_message_chars = max_message_chars
        self.clock = clock
        self._locks: defaultdict[str, asyncio.Lock] = defaultdict(asyncio.Lock)
        self.channels: dict[str, Delivery] = {}
        self.listeners: list[Listener] = []

    async def handle_parent_message(
        self, conversation: Conversation, inbound: Inbound
    ) -> list[StoredMessage] | None:
        """Stores the message and returns the stored replies; None for a duplicate."""
        accepted = await self.accept(conversation, inbound)
        return None if accepted is None else await self.respond(accepted)

    async def accept(self, conversation: Conversation, inbound: Inbound) -> Accepted | None:
        """Stores the message (BSN masked); None when the provider sent it before.

        Webhook channels call this before they acknowledge the provider, and
        `respond` afterwards, so a slow Rasa never makes the provider retry.
        """
        button = await self.store.button(conversation.id, inbound.button_id) if inbound.button_id else None
        text, had_bsn = mask_bsn(button.title if button else inbound.text.strip())
        shown = text or mask_bsn(inbound.text)[0] or (UNKNOWN_CHOICE_NOTE if inbound.button_id else "")
        stored = await self.store.add_message(
            conversation.id, "in", "parent", shown,
            payload=button.payload if button else inbound.payload,
            provider_message_id=inbound.client_message_id,
        )
        if stored is None:
            log.info("duplicate message ignored in conversation %s", conversation.id)
            return None
        return Accepted(
            conversation, stored, text, button, had_bsn, inbound.payload,
            unknown_button=bool(inbound.button_id) and button is None,
        )

    async def accept_media_only(self, conversation: Conversation, client_message_id: str) -> StoredMessage | None:
        """A photo, voice message or file without text (WhatsApp, Telegram): stored so the
        inbox shows it, answered with a request to type; None for a duplicate."""
        accepted = await self.accept(conversation, Inbound(text=MEDIA_PLACEHOLDER, client_message_id=client_message_id))
        if accepted is None:
            return None
        reply = await self._system_reply(conversation, MEDIA_ONLY_TEXT)
        if conversation.mode != "bot":  # an advisor may be waiting for this parent
            await self.announce("conversation", conversation.id)
        return reply

    async def answer_unanswered(self, channels: list[str], within: dt.timedelta) -> list[tuple[Conversation, list[StoredMessage]]]:
        """After a restart: answers parent messages that were stored but never answered
        (the gateway stopped in between). Older ones are left to the inbox."""
        answered = []
        for conversation, message in await self.store.unanswered(channels, since=self.clock() - within):
            log.info("answering message %s left unanswered by a restart", message.id)
            # The stored text is already masked; a button's payload was stored with it.
            accepted = Accepted(conversation, message, message.text, None, False, message.payload)
            answered.append((conversation, await self.respond(accepted)))
        return answered

    async def respond(self, accepted: Accepted) -> list[StoredMessage]:
        """Answers an accepted message; messages of one conversation are answered in order."""
        conversation = accepted.conversation
        async with self._locks[conversation.id]:
            # The mode may have changed while this message waited for the lock.
            conversation = await self.store.conversation(conversation.id) or conversation
            replies = await self._respond(conversation, accepted)
        if self.listeners:
            after = await self.store.conversation(conversation.id)
            if conversation.mode != "bot" or (after and (after.mode != "bot" or after.urgent)):
                await self.announce("conversation", conversation.id)
        return replies

    async def _respond(self, conversation: Conversation, accepted: Accepted) -> list[StoredMessage]:
        text, button = accepted.text, accepted.button
        if accepted.unknown_button:
            return [await self._system_reply(conversation, UNKNOWN_BUTTON)]
        if not text:
            return [await self._system_reply(conversation, EMPTY_TEXT)]
        if len(text) > self.max_message_chars:
            return [await self._system_reply(conversation, too_long_text(self.max_message_chars))]

        signal = None if button else detect(text)
        if signal:
            return [await self._safety_referral(conversation, signal)]
        replies = [await self._system_reply(conversation, BSN_WARNING)] if accepted.had_bsn else []
        if not button and looks_medical(text) and not await self._said_before(conversation, MEDICAL_ADVICE):
            replies.append(await self._system_reply(conversation, MEDICAL_ADVICE))

        if conversation.mode != "bot":
            # In "human" mode an advisor is in the conversation: no note needed.
            if conversation.mode == "waiting" and await self._needs_waiting_note(conversation):
                replies.append(await self._system_reply(conversation, WAITING_NOTE))
            return replies

        message_for_rasa = accepted.payload or (button.payload if button else escape_for_rasa(text))
        if not message_for_rasa.strip():
            return [*replies, await self._system_reply(conversation, EMPTY_TEXT)]
        return [*replies, *await self._ask_rasa(conversation, message_for_rasa)]

    async def _ask_rasa(self, conversation: Conversation, message: str) -> list[StoredMessage]:
        now = self.clock()
        closed = await self.store.closing_days(since=now.date() - dt.timedelta(days=1))
        metadata = {
            "channel": conversation.channel,
            "now": now.isoformat(),
            "advisors_online": await self.store.advisors_online(now),
            "waiting": await self.store.waiting_count(),
            # Extra closing days staff set in the inbox, for the handoff decision.
            "closed_days": {day.isoformat(): reason for day, reason in closed.items()},
        }
        try:
            replies = await self.rasa.send(conversation.id, message, metadata)
        except RasaUnavailable as exc:
            log.error("Rasa unavailable for conversation %s: %s", conversation.id, exc)
            return [await self._system_reply(conversation, rasa_down_text())]
        if not any(r.text or r.buttons for r in replies):
            # Every turn of the assistant says something; nothing means a failed
            # custom action (e.g. the action server is down). Never leave silence.
            log.error("Rasa gave no reply in conversation %s", conversation.id)
            return [await self._system_reply(conversation, rasa_down_text())]
        out = []
        for reply in replies:
            if reply.custom:
                await self._act_on(conversation, reply)
            if reply.text or reply.buttons:
                out.append(
                    await self.store.add_message(conversation.id, "out", "bot", reply.text, buttons=reply.buttons)
                )
        return out

    async def _act_on(self, conversation: Conversation, reply: RasaReply) -> None:
        """Custom payloads from the actions: the gateway owns the queue and the callbacks."""
        custom = reply.custom or {}
        if isinstance(custom.get("topic"), str):
            await self.store.update_conversation(conversation.id, topic=custom["topic"][:64])
        if isinstance(custom.get("handoff"), dict):
            await self.store.update_conversation(conversation.id, mode="waiting")
            log.info("conversation %s joined the advisor queue", conversation.id)
        callback = custom.get("callback")
        if isinstance(callback, dict) and callback.get("consent") is True:
            fields = {k: str(callback.get(k) or "")[:2000] for k in ("name", "contact", "moment", "question")}
            callback_id = await self.store.add_callback(conversation.id, **fields)
            log.info("callback request %s stored for conversation %s", callback_id, conversation.id)
            await self.announce("callbacks", "")

    async def _safety_referral(self, conversation: Conversation, signal) -> StoredMessage:
        now = self.clock()
        open_now = calendar().with_closed_days(await self.store.closing_days(since=now.date())).is_open(now)
        queued = conversation.mode != "bot" or (open_now and await self.store.advisors_online(now) > 0)
        changes = {"urgent": True, **({"mode": "waiting"} if conversation.mode == "bot" and queued else {})}
        await self.store.update_conversation(conversation.id, **changes)
        log.warning("safety message in conversation %s: %s", conversation.id, ",".join(sorted(signal.kinds)))
        text = referral_text(signal) + (f"\n{URGENT_QUEUED}" if queued else "")
        return await self._system_reply(conversation, text)

    async def _said_before(self, conversation: Conversation, text: str) -> bool:
        return any(m.direction == "out" and m.text == text for m in await self.store.transcript(conversation.id))

    async def _needs_waiting_note(self, conversation: Conversation) -> bool:
        """Once per wait: not again while the last message to the parent is the note."""
        recent = await self.store.transcript(conversation.id, limit=50)
        last_out = next((m for m in reversed(recent) if m.direction == "out"), None)
        return last_out is None or last_out.text != WAITING_NOTE

    async def _system_reply(self, conversation: Conversation, text: str) -> StoredMessage:
        return await self.store.add_message(conversation.id, "out", "system", text)

    # --- Staff side: the inbox talks to parents through these ---

    def register_channel(self, channel: str, delivery: Delivery) -> None:
        self.channels[channel] = delivery

    async def _deliver(self, conversation: Conversation, message: StoredMessage) -> None:
        delivery = self.channels.get(conversation.channel)
        if delivery is None:
            log.warning("no delivery for channel %s; message %s is stored only", conversation.channel, message.id)
            return
        await delivery.deliver(conversation, message)

    async def staff_joined(self, conversation: Conversation, first_name: str) -> StoredMessage:
        """An advisor claimed the conversation: mode "human", and the parent is told who is there."""
        async with self._locks[conversation.id]:
            await self.store.update_conversation(conversation.id, mode="human")
            message = await self._system_reply(conversation, advisor_joined_text(first_name))
        await self._deliver(conversation, message)
        await self.announce("conversation", conversation.id)
        return message

    async def send_staff_message(self, conversation: Conversation, first_name: str, text: str) -> StoredMessage:
        """Stores an advisor's message (author "staff", with their first name) and delivers it."""
        async with self._locks[conversation.id]:
            message = await self.store.add_message(conversation.id, "out", "staff", text, sender_name=first_name)
        await self._deliver(conversation, message)
        await self.announce("conversation", conversation.id)
        return message

    async def reply_window_open(self, conversation: Conversation) -> bool:
        """False when the channel allows no free text now (WhatsApp, 24 hours after the parent's last message)."""
        check = getattr(self.channels.get(conversation.channel), "reply_window_open", None)
        return True if check is None else await check(conversation)

    def template_available(self, conversation: Conversation) -> bool:
        check = getattr(self.channels.get(conversation.channel), "template_available", None)
        return bool(check and check())

    async def send_staff_template(self, conversation: Conversation, first_name: str) -> StoredMessage:
        """Outside the window: the channel's approved template, which invites the parent to answer."""
        async with self._locks[conversation.id]:
            message = await self.channels[conversation.channel].send_template(conversation, first_name)
        await self.announce("conversation", conversation.id)
        return message

    async def staff_typing(self, conversation: Conversation) -> None:
        delivery = self.channels.get(conversation.channel)
        if delivery is not None:
            await delivery.typing(conversation, "staff")

    async def hand_back(self, conversation: Conversation) -> StoredMessage:
        """The assistant answers again; the parent is told."""
        return await self._end_staff_part(conversation, HANDED_BACK)

    async def close(self, conversation: Conversation) -> StoredMessage:
        """The advisor is done; the parent is told. The transcript stays for the retention period."""
        return await self._end_staff_part(conversation, CLOSED)

    async def _end_staff_part(self, conversation: Conversation, text: str) -> StoredMessage:
        async with self._locks[conversation.id]:
            await self.store.update_conversation(conversation.id, mode="bot", urgent=False)
            await self.store.release("conversation", conversation.id)
            message = await self._system_reply(conversation, text)
        await self._deliver(conversation, message)
        await self.announce("conversation", conversation.id)
        return message

    async def announce(self, kind: str, target: str) -> None:
        for listener in list(self.listeners):
            try:
                await listener(kind, target)
            except Exception:  # the inbox must never break a parent's conversation
                log.exception("inbox listener failed for %s", kind)
