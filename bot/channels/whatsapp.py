"""WhatsApp through Twilio: a signed webhook in, the twilio SDK (async) out.

Inbound: Twilio POSTs a form to /webhooks/whatsapp. The X-Twilio-Signature is
checked with the twilio package's RequestValidator over our public URL (the
URL Twilio called, not the one behind a proxy), then AccountSid and To. A
message is stored before the 200, so Twilio never has to retry for a slow
Rasa; a redelivered MessageSid is ignored. The answer goes out afterwards
through the outbox.

Outbound: text of at most 1,600 characters per message (cut between paragraphs
or sentences), buttons as numbered options ("typ 2" picks the second). Outside
WhatsApp's 24-hour window only an approved template (ContentSid) may be sent;
the inbox asks for that instead of failing.
"""
from __future__ import annotations

import asyncio
import datetime as dt
import logging
import re

import aiohttp
from aiohttp import web
from twilio.base.exceptions import TwilioRestException
from twilio.http.async_http_client import AsyncTwilioHttpClient
from twilio.request_validator import RequestValidator
from twilio.rest import Client

from bot.channels.formatting import chosen_option, signed, split_text, with_numbered_options
from bot.channels.identity import conversation_key
from bot.conversations import ConversationService, Inbound
from bot.outbox import Outbox, SendFailed
from bot.settings import Settings
from bot.store import Conversation, StoredMessage

log = logging.getLogger(__name__)
logging.getLogger("twilio").setLevel(logging.WARNING)  # its request log holds phone numbers

CHANNEL = "whatsapp"
PATH = "/webhooks/whatsapp"
MAX_CHARS = 1600  # Twilio refuses longer WhatsApp bodies (error 21617)
WINDOW = dt.timedelta(hours=24)
TEMPLATE_MARKER = "whatsapp-template"
_MESSAGE_SID = re.compile(r"^(SM|MM)[0-9a-f]{32}$")
_ADDRESS = re.compile(r"^whatsapp:\+[1-9]\d{6,14}$")
EMPTY_TWIML = '<?xml version="1.0" encoding="UTF-8"?><Response></Response>'

TEMPLATE_TEXT = "[Sjabloon verstuurd: het Oudersteunpunt vraagt of je het gesprek wilt voortzetten.]"


class _ApiRedirect(AsyncTwilioHttpClient):
    """Sends the SDK's requests to another base URL (a fake Twilio API in tests)."""

    def __init__(self, base_url: str):
        super().__init__(timeout=15)
        self.base_url = base_url

    async def request(self, method, url, *args, **kwargs):
        return await super().request(method, url.replace("https://api.twilio.com", self.base_url, 1), *args, **kwargs)


class WhatsAppChannel:
    def __init__(self, settings: Settings, service: ConversationService, outbox: Outbox):
        self.settings = settings
        self.service = service
        self.outbox = outbox
        self.validator = RequestValidator(settings.twilio_auth_token)
        self.http = _ApiRedirect(settings.twilio_api_url) if settings.twilio_api_url else AsyncTwilioHttpClient(timeout=15)
        self.client = Client(settings.twilio_account_sid, settings.twilio_auth_token, http_client=self.http)
        self._tasks: set[asyncio.Task] = set()
        self._parts_sent: dict[int, int] = {}  # message id -> parts already sent (a retry resumes there)
        service.register_channel(CHANNEL, self)
        outbox.register(CHANNEL, self)

    async def start(self) -> None:
        pass

    async def close(self) -> None:
        await self.idle()
        await self.http.close()

    async def idle(self) -> None:
        """Waits until every accepted message has been answered (tests, shutdown)."""
        while self._tasks:
            await asyncio.gather(*list(self._tasks), return_exceptions=True)

    # --- Inbound ---

    def public_url(self, request: web.Request) -> str:
        """The URL Twilio signed: our public address, whatever proxy is in front."""
        query = request.rel_url.query_string
        return f"{self.settings.public_url}{PATH}" + (f"?{query}" if query else "")

    async def webhook(self, request: web.Request) -> web.Response:
        try:
            form = await request.post()
        except ValueError:
            form = {}
        params = {key: form[key] for key in form if isinstance(form[key], str)}
        signature = request.headers.get("X-Twilio-Signature", "")
        if not signature or not self.validator.validate(self.public_url(request), params, signature):
            log.warning("whatsapp webhook refused: %s signature", "missing" if not signature else "invalid")
            return web.Response(status=403)
        if params.get("AccountSid") != self.settings.twilio_account_sid or params.get("To") != self.settings.twilio_whatsapp_from:
            log.warning("whatsapp webhook refused: not for our account or number")
            return web.Response(status=403)
        sender, sid = params.get("From", ""), params.get("MessageSid", "")
        if not _ADDRESS.match(sender) or not _MESSAGE_SID.match(sid):
            log.warning("whatsapp webhook: malformed From or MessageSid")
            return web.Response(status=400, text="malformed From or MessageSid")

        conversation = await self.service.store.conversation_for(
            CHANNEL, conversation_key(self.settings.channel_key_secret, CHANNEL, sender), address=sender
        )
        text = params.get("Body", "")
        if _number(params.get("NumMedia")) and not text.strip():
            reply = await self.service.accept_media_only(conversation, sid)
            if reply is not None:
                await self.outbox.put(conversation, [reply])
            return web.Response(text=EMPTY_TWIML, content_type="application/xml")
        button = await chosen_option(self.service.store, conversation.id, text)
        accepted = await self.service.accept(conversation, Inbound(text=text, client_message_id=sid, button_id=button))
        if accepted is None:
            log.info("whatsapp: duplicate MessageSid ignored")
        else:
            self._in_background(self._answer(conversation, accepted))
        return web.Response(text=EMPTY_TWIML, content_type="application/xml")

    def _in_background(self, work) -> None:
        task = asyncio.create_task(work)
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    async def _answer(self, conversation: Conversation, accepted) -> None:
        try:
            replies = await self.service.respond(accepted)
        except Exception:  # the message is stored; the inbox shows it
            log.exception("whatsapp: answering a message failed in conversation %s", conversation.id)
            return
        await self.outbox.put(conversation, replies)

    # --- Outbound ---

    async def deliver(self, conversation: Conversation, message: StoredMessage) -> None:
        await self.outbox.put(conversation, [message])

    async def typing(self, conversation: Conversation, who: str) -> None:
        """WhatsApp through Twilio has no typing indicator for us to send."""

    async def reply_window_open(self, conversation: Conversation) -> bool:
        """WhatsApp allows free text only within 24 hours of the parent's last message."""
        last = await self.service.store.last_parent_message_at(conversation.id)
        return last is not None and self.service.clock() - last < WINDOW

    def template_available(self) -> bool:
        return bool(self.settings.twilio_template_sid)

    async def send_template(self, conversation: Conversation, first_name: str) -> StoredMessage:
        message = await self.service.store.add_message(
            conversation.id, "out", "staff", TEMPLATE_TEXT, payload=TEMPLATE_MARKER, sender_name=first_name
        )
        await self.outbox.put(conversation, [message])
        return message

    async def send(self, conversation: Conversation, message: StoredMessage) -> None:
        if not conversation.address:
            raise SendFailed("no WhatsApp number for this conversation", permanent=True)
        if message.payload == TEMPLATE_MARKER:
            await self._create(conversation, content_sid=self.settings.twilio_template_sid)
            return
        parts = split_text(signed(message, with_numbered_options(message)), MAX_CHARS)
        done = self._parts_sent.get(message.id, 0)
        for part in parts[done:]:
            await self._create(conversation, body=part)
            done += 1
            self._parts_sent[message.id] = done
        self._parts_sent.pop(message.id, None)

    async def _create(self, conversation: Conversation, **content) -> None:
        try:
            await self.client.messages.create_async(
                from_=self.settings.twilio_whatsapp_from, to=conversation.address, **content
            )
        except TwilioRestException as exc:
            retryable = exc.status == 429 or exc.status >= 500
            raise SendFailed(f"Twilio {exc.status} (code {exc.code})", permanent=not retryable) from None
        except (asyncio.TimeoutError, aiohttp.ClientError, OSError) as exc:
            raise SendFailed(f"Twilio unreachable ({type(exc).__name__})") from None


def _number(raw: str | None) -> int:
    try:
        return max(0, min(int(raw or 0), 10))
    except ValueError:
        return 0
