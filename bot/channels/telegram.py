"""Telegram through the Bot API (python-telegram-bot): a webhook in, the outbox out.

Inbound: Telegram POSTs each update to /webhooks/telegram with the secret we
registered (header X-Telegram-Bot-Api-Secret-Token). Only text messages and
button presses from private chats are handled; everything else gets a 200 so
Telegram does not retry it. A message is stored before the 200 (Telegram does
not resend an acknowledged update), keyed by update_id so a redelivered update
is dropped; Rasa's answer follows in the background through the outbox.

Outbound: text of at most 4,096 characters per message, buttons as an inline
keyboard whose callback data is the button's opaque id (never a Rasa payload).

The webhook is registered by hand: python -m bot.channels.telegram set-webhook.
"""
from __future__ import annotations

import argparse
import asyncio
import datetime as dt
import hmac
import logging
import re
import sys

from aiohttp import web
from telegram import Bot, InlineKeyboardButton, InlineKeyboardMarkup, Update
from telegram.constants import ChatAction, ChatType
from telegram.error import BadRequest, ChatMigrated, Forbidden, InvalidToken, RetryAfter, TelegramError

from bot.channels.formatting import signed, split_text
from bot.channels.identity import conversation_key
from bot.conversations import Accepted, ConversationService, Inbound
from bot.outbox import Outbox, SendFailed
from bot.settings import Settings, SettingsError
from bot.store import Conversation, StoredMessage

log = logging.getLogger(__name__)
# httpx logs every request URL at INFO, and the URL holds the bot token; PTB's
# DEBUG log holds request parameters (chat ids, texts). Keep both out of our logs.
logging.getLogger("httpx").setLevel(logging.WARNING)
logging.getLogger("telegram").setLevel(logging.INFO)

CHANNEL = "telegram"
PATH = "/webhooks/telegram"
SECRET_HEADER = "X-Telegram-Bot-Api-Secret-Token"
MAX_CHARS = 4096  # Telegram's limit for one message
MAX_BODY_BYTES = 64 * 1024
MAX_CALLBACK_BYTES = 64  # Telegram's limit for callback_data
ALLOWED_UPDATES = ["message", "callback_query"]
_START = re.compile(r"^/start(?:@\w+)?(?:\s|$)")
_BUTTON_ID = re.compile(r"[0-9]{1,15}\.[0-9]{1,3}")  # "<message id>.<index>", as the store makes them

BUTTONS_ONLY_TEXT = "Maak een keuze:"  # Telegram needs text with a keyboard


def make_bot(settings: Settings) -> Bot:
    """The PTB client; TELEGRAM_API_URL (tests only) points it at a fake Bot API."""
    api = settings.telegram_api_url
    urls = {"base_url": f"{api}/bot", "base_file_url": f"{api}/file/bot"} if api else {}
    return Bot(settings.telegram_bot_token, **urls)


def _safe(exc: Exception, token: str) -> str:
    """An error for logs and the terminal, without the token (InvalidToken quotes it)."""
    text = f"{type(exc).__name__}: {exc}"
    return text.replace(token, "<token>") if token else text


def _private_chat_id(message) -> int | None:
    """The chat id of a private chat; None for groups, channels and malformed chats."""
    chat = message.chat
    return chat.id if chat.type == ChatType.PRIVATE and type(chat.id) is int else None


def _seconds(value: int | float | dt.timedelta) -> float:
    # PTB 22.x gives RetryAfter.retry_after as int or timedelta (PTB_TIMEDELTA).
    return value.total_seconds() if isinstance(value, dt.timedelta) else float(value)


class TelegramChannel:
    def __init__(self, settings: Settings, service: ConversationService, outbox: Outbox):
        self.settings = settings
        self.service = service
        self.outbox = outbox
        self.bot = make_bot(settings)
        self._tasks: set[asyncio.Task] = set()  # a reference, so running tasks are not collected
        self._parts_sent: dict[int, int] = {}  # message id -> parts already sent (a retry resumes there)
        service.register_channel(CHANNEL, self)
        outbox.register(CHANNEL, self)

    async def start(self) -> None:
        try:
            await self.bot.initialize()  # calls getMe: checks the token
        except InvalidToken:
            log.error("telegram: the Bot API refused TELEGRAM_BOT_TOKEN; messages to parents will fail")
        except TelegramError as exc:
            # The gateway still takes updates in; the outbox retries sends.
            log.warning("telegram: Bot API not reachable at start (%s); going on", type(exc).__name__)

    async def close(self, timeout: float = 5.0) -> None:
        """Gives answers in progress a moment, then stops them; their messages stay stored."""
        if self._tasks:
            _, pending = await asyncio.wait(list(self._tasks), timeout=timeout)
            for task in pending:
                task.cancel()
            await asyncio.gather(*pending, return_exceptions=True)
        try:
            await self.bot.shutdown()
        except Exception as exc:
            log.warning("telegram: shutdown: %s", _safe(exc, self.settings.telegram_bot_token))

    async def idle(self) -> None:
        """Waits until every accepted update has been handled (tests)."""
        while self._tasks:
            await asyncio.gather(*list(self._tasks), return_exceptions=True)

    def _in_background(self, work) -> None:
        task = asyncio.create_task(work)
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    # --- Inbound ---

    async def webhook(self, request: web.Request) -> web.Response:
        given = request.headers.get(SECRET_HEADER, "")
        if not given or not hmac.compare_digest(given.encode(), self.settings.telegram_webhook_secret.encode()):
            log.warning("telegram webhook refused: %s secret token", "missing" if not given else "wrong")
            return web.Response(status=403, text="forbidden")
        if (request.content_length or 0) > MAX_BODY_BYTES:
            return web.Response(status=413, text="update too large")
        try:
            data = await request.json()
        except (ValueError, RecursionError):
            log.warning("telegram webhook: body is not JSON")
            return web.Response(status=400, text="not JSON")
        if not isinstance(data, dict) or type(data.get("update_id")) is not int:
            log.warning("telegram webhook: no update_id")
            return web.Response(status=400, text="no update_id")
        try:
            update = Update.de_json(data, self.bot)
        except (KeyError, TypeError, ValueError, AttributeError) as exc:
            log.warning("telegram webhook: unreadable update %s (%s)", data["update_id"], type(exc).__name__)
            return web.Response(status=400, text="unreadable update")

        # Store errors propagate (500): Telegram then redelivers, and update_id dedups.
        if update.callback_query is not None:
            await self._on_button(update)
        elif update.message is not None and _private_chat_id(update.message) is not None:
            await self._on_message(update)
        else:
            log.info("telegram: update %s ignored (not a private message or button)", update.update_id)
        return web.Response(text="ok")

    async def _conversation(self, chat_id: int) -> Conversation:
        address = str(chat_id)
        key = conversation_key(self.settings.channel_key_secret, CHANNEL, address)
        return await self.service.store.conversation_for(CHANNEL, key, address=address)

    async def _on_message(self, update: Update) -> None:
        message = update.message
        client_id = f"tg-{update.update_id}"
        text = message.text if isinstance(message.text, str) else None
        media = any((message.photo, message.voice, message.audio, message.document, message.video, message.video_note))
        if text is None and not media:
            log.info("telegram: update %s ignored (no text: sticker, location, service message...)", update.update_id)
            return
        conversation = await self._conversation(message.chat.id)
        if text is None:
            # Stored like any message, so the inbox shows it; Rasa cannot read it.
            reply = await self.service.accept_media_only(conversation, client_id)
            if reply is not None:
                await self.outbox.put(conversation, [reply])
            return
        if _START.match(text):
            # Telegram's first message is "/start": Rasa greets (a payload the gateway sets, not the parent).
            inbound = Inbound(text="/start", client_message_id=client_id, payload="/greet")
        else:
            inbound = Inbound(text=text, client_message_id=client_id)
        await self._accept(conversation, inbound)

    async def _on_button(self, update: Update) -> None:
        query = update.callback_query
        # Always answered, or the parent's app shows a spinner on the button.
        self._in_background(self._answer_callback(query.id))
        chat_id = _private_chat_id(query.message) if query.message is not None else None
        if chat_id is None or not isinstance(query.data, str):
            log.info("telegram: button update %s ignored", update.update_id)
            return
        conversation = await self._conversation(chat_id)
        # The service looks the id up in this conversation; an unknown id gets a clear answer.
        # Data that cannot be our id is not looked up (a 30-digit "id" overflows the database).
        button_id = query.data if _BUTTON_ID.fullmatch(query.data) else "unknown"
        await self._accept(conversation, Inbound(client_message_id=f"tg-{update.update_id}", button_id=button_id))

    async def _accept(self, conversation: Conversation, inbound: Inbound) -> None:
        accepted = await self.service.accept(conversation, inbound)
        if accepted is None:
            log.info("telegram: redelivered update ignored in conversation %s", conversation.id)
        else:
            self._in_background(self._answer(accepted))

    async def _answer(self, accepted: Accepted) -> None:
        try:
            replies = await self.service.respond(accepted)
            await self.outbox.put(accepted.conversation, replies)
        except Exception:  # the message is stored; the inbox shows it
            log.exception("telegram: answering a message failed in conversation %s", accepted.conversation.id)

    async def _answer_callback(self, query_id: str) -> None:
        try:
            await self.bot.answer_callback_query(query_id)
        except TelegramError as exc:  # only the spinner stays a little longer
            log.warning("telegram: answerCallbackQuery failed (%s)", type(exc).__name__)

    # --- Outbound ---

    async def deliver(self, conversation: Conversation, message: StoredMessage) -> None:
        await self.outbox.put(conversation, [message])

    async def typing(self, conversation: Conversation, who: str) -> None:
        if not conversation.address:
            return
        try:
            await self.bot.send_chat_action(chat_id=int(conversation.address), action=ChatAction.TYPING)
        except TelegramError as exc:
            log.warning("telegram: typing failed in conversation %s (%s)", conversation.id, type(exc).__name__)

    async def send(self, conversation: Conversation, message: StoredMessage) -> None:
        """The outbox's sender: one stored message, cut into parts; raises SendFailed."""
        if not conversation.address:
            raise SendFailed("no Telegram chat id for this conversation", permanent=True)
        text = signed(message, message.text)
        keyboard = self._keyboard(message)
        parts = split_text(text, MAX_CHARS) or ([BUTTONS_ONLY_TEXT] if keyboard else [])
        done = self._parts_sent.get(message.id, 0)
        for index in range(done, len(parts)):
            last = index == len(parts) - 1
            try:
                await self._send_part(int(conversation.address), parts[index], keyboard if last else None)
            except SendFailed as exc:
                if exc.permanent:
                    self._parts_sent.pop(message.id, None)
                raise
            self._parts_sent[message.id] = index + 1
        self._parts_sent.pop(message.id, None)

    @staticmethod
    def _keyboard(message: StoredMessage) -> InlineKeyboardMarkup | None:
        rows = [
            [InlineKeyboardButton(button.title, callback_data=button.id)]
            for button in message.buttons
            if len(button.id.encode()) <= MAX_CALLBACK_BYTES
        ]
        return InlineKeyboardMarkup(rows) if rows else None

    async def _send_part(self, chat_id: int, text: str, keyboard: InlineKeyboardMarkup | None) -> None:
        try:
            await self.bot.send_message(chat_id=chat_id, text=text, reply_markup=keyboard)
        except RetryAfter as exc:
            raise SendFailed("Telegram rate limit (429)", retry_after=_seconds(exc.retry_after)) from None
        except Forbidden:
            raise SendFailed("Telegram 403: the parent blocked the bot", permanent=True) from None
        except (BadRequest, ChatMigrated) as exc:  # BadRequest before NetworkError: it is a subclass
            raise SendFailed(f"Telegram refused the message: {exc.message}", permanent=True) from None
        except InvalidToken:
            raise SendFailed("Telegram refused the bot token", permanent=True) from None
        except TelegramError as exc:  # TimedOut, NetworkError (5xx, connection): try again later
            raise SendFailed(f"Telegram unreachable ({type(exc).__name__})") from None


# --- Command line: register the webhook with Telegram (no HTTP endpoint does this) ---


async def _run(command: str, settings: Settings) -> int:
    bot = make_bot(settings)
    url = f"{settings.public_url}{PATH}"
    async with bot:
        if command == "set-webhook":
            await bot.set_webhook(
                url=url, secret_token=settings.telegram_webhook_secret,
                allowed_updates=ALLOWED_UPDATES, drop_pending_updates=False,
            )
            print(f"Webhook ingesteld / set: {url}")
        elif command == "delete-webhook":
            await bot.delete_webhook(drop_pending_updates=False)
            print("Webhook verwijderd / deleted")
        else:
            info = await bot.get_webhook_info()
            print(f"url: {info.url or '(geen / none)'}")
            print(f"pending updates: {info.pending_update_count}")
            print(f"allowed updates: {', '.join(info.allowed_updates or ()) or '(all)'}")
            if info.last_error_message:
                print(f"last error: {info.last_error_date} {info.last_error_message}")
            if info.url and info.url != url:
                print(f"Let op / note: PUBLIC_URL expects {url}")
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m bot.channels.telegram",
        description="Registers the gateway's webhook with the Telegram Bot API (settings from the environment).",
    )
    commands = parser.add_subparsers(dest="command", required=True)
    commands.add_parser("set-webhook", help=f"let Telegram send updates to PUBLIC_URL{PATH}, with the secret")
    commands.add_parser("delete-webhook", help="stop Telegram sending updates (pending ones are kept)")
    commands.add_parser("info", help="show the registered webhook (getWebhookInfo)")
    args = parser.parse_args(argv)
    try:
        settings = Settings.from_env()
    except SettingsError as exc:
        print(f"Foute instelling / bad setting: {exc}", file=sys.stderr)
        return 2
    if not settings.telegram_on:
        print(
            "Telegram staat uit: zet TELEGRAM_BOT_TOKEN en TELEGRAM_WEBHOOK_SECRET.\n"
            "Telegram is off: set TELEGRAM_BOT_TOKEN and TELEGRAM_WEBHOOK_SECRET.",
            file=sys.stderr,
        )
        return 2
    if args.command == "set-webhook" and not settings.public_url.startswith("https://"):
        print("Telegram wil een https-adres: zet PUBLIC_URL=https://... / Telegram needs an https PUBLIC_URL.",
              file=sys.stderr)
        return 2
    try:
        return asyncio.run(_run(args.command, settings))
    except TelegramError as exc:
        print(f"De Bot API gaf een fout / Bot API error: {_safe(exc, settings.telegram_bot_token)}", file=sys.stderr)
        return 1


if __name__ == "__main__":
    sys.exit(main())
