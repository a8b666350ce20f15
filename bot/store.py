"""The conversation store: conversations and every message in and out.

SQLite by default (embedded), PostgreSQL when DATABASE_URL says so. All times
are UTC.
"""
from __future__ import annotations

import datetime as dt
import uuid
from dataclasses import dataclass
from typing import Any, Callable

from sqlalchemy import (
    JSON, Boolean, Date, DateTime, ForeignKey, Index, Integer, String, Text, UniqueConstraint, delete, func, inspect, or_, select,
    text,
)
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncEngine, async_sessionmaker, create_async_engine
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column


def utcnow() -> dt.datetime:
    return dt.datetime.now(dt.timezone.utc)


class Base(DeclarativeBase):
    pass


class ConversationRow(Base):
    __tablename__ = "conversations"
    __table_args__ = (UniqueConstraint("channel", "channel_key"),)

    id: Mapped[str] = mapped_column(String(32), primary_key=True)
    channel: Mapped[str] = mapped_column(String(16))
    # Identifies the parent on the channel without personal data: a hash of the
    # widget key, or a keyed hash (HMAC) of a WhatsApp number or Telegram chat id.
    channel_key: Mapped[str] = mapped_column(String(64))
    # Where replies go on WhatsApp/Telegram (the number or chat id): personal
    # data, kept on this row only, so erasing the conversation erases it.
    address: Mapped[str | None] = mapped_column(String(100), nullable=True)
    mode: Mapped[str] = mapped_column(String(16), default="bot")  # bot, waiting, human
    urgent: Mapped[bool] = mapped_column(Boolean, default=False)  # a safety message came in
    topic: Mapped[str | None] = mapped_column(String(64), nullable=True)  # last recognised topic
    waiting_since: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True))
    updated_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True))


class CallbackRow(Base):
    """A parent's request to be called or mailed back (stored only with consent)."""

    __tablename__ = "callback_requests"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    conversation_id: Mapped[str] = mapped_column(ForeignKey("conversations.id", ondelete="CASCADE"))
    name: Mapped[str] = mapped_column(String(100))
    contact: Mapped[str] = mapped_column(String(100))  # phone number or e-mail address
    moment: Mapped[str] = mapped_column(String(200))
    question: Mapped[str] = mapped_column(Text)
    status: Mapped[str] = mapped_column(String(16), default="nieuw")  # nieuw, gebeld, afgerond
    created_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True))


class ClosingDayRow(Base):
    """An extra day the Oudersteunpunt is closed, set by an admin in the inbox."""

    __tablename__ = "closing_days"

    day: Mapped[dt.date] = mapped_column(Date, primary_key=True)
    reason: Mapped[str] = mapped_column(String(100))


class PresenceRow(Base):
    """An advisor who is online in the inbox, until `online_until` (renewed by the inbox)."""

    __tablename__ = "advisor_presence"

    advisor: Mapped[str] = mapped_column(String(100), primary_key=True)
    online_until: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True))


class MessageRow(Base):
    __tablename__ = "messages"
    __table_args__ = (
        # A provider's message id is stored once: a redelivered message is a duplicate.
        UniqueConstraint("conversation_id", "provider_message_id"),
        Index("ix_messages_conversation_time", "conversation_id", "id"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    conversation_id: Mapped[str] = mapped_column(ForeignKey("conversations.id", ondelete="CASCADE"))
    direction: Mapped[str] = mapped_column(String(3))  # "in" or "out"
    author: Mapped[str] = mapped_column(String(16))  # parent, bot, staff, system
    text: Mapped[str] = mapped_column(Text)
    buttons: Mapped[list | None] = mapped_column(JSON, nullable=True)
    payload: Mapped[str | None] = mapped_column(Text, nullable=True)
    provider_message_id: Mapped[str | None] = mapped_column(String(128), nullable=True)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True))
    sender_name: Mapped[str | None] = mapped_column(String(40), nullable=True)  # an advisor's first name
    # Outbound messages on WhatsApp/Telegram go through the outbox:
    # pending -> sent, or failed after the last retry (shown in the inbox).
    delivery: Mapped[str | None] = mapped_column(String(8), nullable=True)
    delivery_error: Mapped[str | None] = mapped_column(String(200), nullable=True)


@dataclass(frozen=True)
class Conversation:
    id: str
    channel: str
    mode: str
    urgent: bool = False
    address: str | None = None  # reply address on WhatsApp/Telegram; never logged


@dataclass(frozen=True)
class Button:
    id: str  # "<message id>.<index>": what a client sends back
    title: str
    payload: str  # never leaves the gateway


@dataclass(frozen=True)
class StoredMessage:
    id: int
    conversation_id: str
    direction: str
    author: str
    text: str
    buttons: tuple[Button, ...]
    created_at: dt.datetime
    name: str | None = None  # the advisor's first name on a staff message
    delivery: str | None = None  # outbox state on WhatsApp/Telegram: pending, sent, failed
    delivery_error: str | None = None
    payload: str | None = None  # gateway-internal (a button's payload, a template marker); never public

    def public(self) -> dict[str, Any]:
        """What a client may see: no payloads."""
        return {
            "author": self.author,
            "text": self.text,
            "buttons": [{"id": b.id, "title": b.title} for b in self.buttons],
            "time": self.created_at.isoformat(),
            **({"name": self.name} if self.name else {}),
        }


class SchemaError(RuntimeError):
    """The database was made by an older version of the gateway."""


def _missing_columns(sync_conn) -> list[str]:
    inspector = inspect(sync_conn)
    missing = []
    for table in Base.metadata.sorted_tables:
        present = {c["name"] for c in inspector.get_columns(table.name)}
        missing += [f"{table.name}.{c.name}" for c in table.columns if c.name not in present]
    return missing


def async_database_url(url: str) -> str:
    if url.startswith("sqlite:///"):
        return "sqlite+aiosqlite:///" + url[len("sqlite:///"):]
    if url.startswith(("postgresql://", "postgres://")):
        return "postgresql+asyncpg://" + url.split("://", 1)[1]
    return url


def _conversation(row: ConversationRow) -> Conversation:
    return Conversation(row.id, row.channel, row.mode, bool(row.urgent), row.address)


def _aware(moment: dt.datetime) -> dt.datetime:
    # SQLite returns naive datetimes; everything is stored in UTC.
    return moment if moment.tzinfo else moment.replace(tzinfo=dt.timezone.utc)


def _message(row: MessageRow) -> StoredMessage:
    buttons = tuple(
        Button(id=f"{row.id}.{i}", title=b["title"], payload=b["payload"])
        for i, b in enumerate(row.buttons or [])
    )
    return StoredMessage(
        row.id, row.conversation_id, row.direction, row.author, row.text, buttons, _aware(row.created_at),
        row.sender_name, row.delivery, row.delivery_error, row.payload,
    )


class Store:
    def __init__(self, engine: AsyncEngine, clock: Callable[[], dt.datetime] = utcnow):
        self.engine = engine
        self._session = async_sessionmaker(engine, expire_on_commit=False)
        # Times of conversation events (messages, waiting, claims, notes) follow
        # the gateway's clock, so a test's injected clock is one consistent time.
        self.now = clock

    @classmethod
    async def open(cls, database_url: str, clock: Callable[[], dt.datetime] = utcnow) -> "Store":
        url = async_database_url(database_url)
        if url.startswith("sqlite+aiosqlite:///"):
            from pathlib import Path

            path = url[len("sqlite+aiosqlite:///"):]
            if path and path != ":memory:":
                Path(path).parent.mkdir(parents=True, exist_ok=True)
        engine = create_async_engine(url, pool_pre_ping=True)
        async with engine.begin() as conn:
            await conn.run_sync(Base.metadata.create_all)
            missing = await conn.run_sync(_missing_columns)
        if missing:
            await engine.dispose()
            raise SchemaError(
                f"the database has an older schema (missing: {', '.join(missing)}). "
                "Migrate it, or for a development database delete var/gateway.db."
            )
        return cls(engine, clock)

    async def close(self) -> None:
        await self.engine.dispose()

    async def ping(self) -> None:
        async with self.engine.connect() as conn:
            await conn.execute(text("SELECT 1"))

    async def conversation_for(
        self, channel: str, channel_key: str, create: bool = True, address: str | None = None
    ) -> Conversation | None:
        """The conversation of a parent on a channel; `address` (where replies go) is kept current."""
        async with self._session() as session:
            row = await session.scalar(
                select(ConversationRow).where(
                    ConversationRow.channel == channel, ConversationRow.channel_key == channel_key
                )
            )
            if row is None and create:
                now = self.now()
                row = ConversationRow(
                    id=uuid.uuid4().hex, channel=channel, channel_key=channel_key,
                    mode="bot", created_at=now, updated_at=now, address=address,
                )
                session.add(row)
                try:
                    await session.commit()
                except IntegrityError:  # created by a concurrent request
                    await session.rollback()
                    return await self.conversation_for(channel, channel_key, create=False, address=address)
            elif row is not None and address is not None and row.address != address:
                row.address = address
                await session.commit()
            return _conversation(row) if row else None

    async def set_delivery(self, message_id: int, status: str, error: str | None = None) -> None:
        async with self._session() as session:
            row = await session.get(MessageRow, message_id)
            if row is not None:
                row.delivery, row.delivery_error = status, (error or None) and error[:200]
                await session.commit()

    async def pending_deliveries(self, channels: list[str]) -> list[tuple[Conversation, StoredMessage]]:
        """Outbound messages not yet sent (e.g. the gateway stopped mid-retry), oldest first."""
        async with self._session() as session:
            rows = await session.execute(
                select(ConversationRow, MessageRow)
                .join(MessageRow, MessageRow.conversation_id == ConversationRow.id)
                .where(MessageRow.delivery == "pending", ConversationRow.channel.in_(channels))
                .order_by(MessageRow.id)
            )
            return [(_conversation(c), _message(m)) for c, m in rows.all()]

    async def unanswered(self, channels: list[str], since: dt.datetime) -> list[tuple[Conversation, StoredMessage]]:
        """Conversations with the assistant whose last message is a parent's, stored after `since`:
        the gateway stopped between storing the message and answering it."""
        async with self._session() as session:
            last = (
                select(MessageRow.conversation_id, func.max(MessageRow.id).label("last_id"))
                .group_by(MessageRow.conversation_id).subquery()
            )
            rows = await session.execute(
                select(ConversationRow, MessageRow)
                .join(last, last.c.conversation_id == ConversationRow.id)
                .join(MessageRow, MessageRow.id == last.c.last_id)
                .where(
                    ConversationRow.channel.in_(channels), ConversationRow.mode == "bot",
                    MessageRow.direction == "in", MessageRow.created_at >= since,
                )
                .order_by(MessageRow.id)
            )
            return [(_conversation(c), _message(m)) for c, m in rows.all()]

    async def last_parent_message_at(self, conversation_id: str) -> dt.datetime | None:
        async with self._session() as session:
            moment = await session.scalar(
                select(func.max(MessageRow.created_at)).where(
                    MessageRow.conversation_id == conversation_id, MessageRow.direction == "in"
                )
            )
            return _aware(moment) if moment else None

    async def add_message(
        self,
        conversation_id: str,
        direction: str,
        author: str,
        text: str,
        buttons: list[dict[str, str]] | None = None,
        payload: str | None = None,
        provider_message_id: str | None = None,
        sender_name: str | None = None,
    ) -> StoredMessage | None:
        """Stores a message; returns None when provider_message_id was stored before."""
        async with self._session() as session:
            now = self.now()
            conversation = await session.get(ConversationRow, conversation_id)
            conversation.updated_at = now
            row = MessageRow(
                conversation_id=conversation_id, direction=direction, author=author, text=text,
                buttons=buttons or None, payload=payload,
                provider_message_id=provider_message_id, created_at=now, sender_name=sender_name,
            )
            session.add(row)
            try:
                await session.commit()
            except IntegrityError:
                await session.rollback()
                return None
            return _message(row)

    async def transcript(self, conversation_id: str, limit: int = 200) -> list[StoredMessage]:
        async with self._session() as session:
            rows = await session.scalars(
                select(MessageRow)
                .where(MessageRow.conversation_id == conversation_id)
                .order_by(MessageRow.id.desc())
                .limit(limit)
            )
            return [_message(r) for r in reversed(rows.all())]

    async def button(self, conversation_id: str, button_id: str) -> Button | None:
        """A button the assistant sent in this conversation, or None."""
        message_id, _, index = button_id.partition(".")
        # Ids are ours ("<message id>.<index>"); anything else, or a number too
        # big for the database, is simply not a button of this conversation.
        if not (message_id.isdigit() and index.isdigit() and len(message_id) <= 15 and len(index) <= 3):
            return None
        async with self._session() as session:
            row = await session.get(MessageRow, int(message_id))
        if row is None or row.conversation_id != conversation_id or row.direction != "out":
            return None
        buttons = _message(row).buttons
        return buttons[int(index)] if int(index) < len(buttons) else None

    async def conversation(self, conversation_id: str) -> Conversation | None:
        async with self._session() as session:
            row = await session.get(ConversationRow, conversation_id)
            return _conversation(row) if row else None

    async def update_conversation(self, conversation_id: str, **changes) -> Conversation:
        """Sets mode, urgent or topic; entering "waiting" starts the waiting time."""
        async with self._session() as session:
            row = await session.get(ConversationRow, conversation_id)
            if changes.get("mode") == "waiting" and row.mode != "waiting":
                row.waiting_since = self.now()
            if changes.get("mode") == "bot":
                row.waiting_since = None
            for name, value in changes.items():
                setattr(row, name, value)
            row.updated_at = self.now()
            await session.commit()
            return _conversation(row)

    async def waiting_count(self) -> int:
        """How many conversations wait for an advisor."""
        async with self._session() as session:
            return await session.scalar(
                select(func.count()).select_from(ConversationRow).where(ConversationRow.mode == "waiting")
            )

    async def add_callback(self, conversation_id: str, name: str, contact: str, moment: str, question: str) -> int:
        async with self._session() as session:
            row = CallbackRow(
                conversation_id=conversation_id, name=name, contact=contact, moment=moment,
                question=question, status="nieuw", created_at=self.now(),
            )
            session.add(row)
            await session.commit()
            return row.id

    async def callbacks(self) -> list[dict]:
        async with self._session() as session:
            rows = await session.scalars(select(CallbackRow).order_by(CallbackRow.id))
            return [
                {"id": r.id, "conversation_id": r.conversation_id, "name": r.name, "contact": r.contact,
                 "moment": r.moment, "question": r.question, "status": r.status}
                for r in rows
            ]

    async def set_presence(self, advisor: str, online_until: dt.datetime | None) -> None:
        """Marks an advisor online until a moment (None: offline now)."""
        if online_until is not None:
            online_until = online_until.astimezone(dt.timezone.utc)  # SQLite keeps no time zone
        async with self._session() as session:
            row = await session.get(PresenceRow, advisor)
            if online_until is None:
                if row:
                    await session.delete(row)
            elif row:
                row.online_until = online_until
            else:
                session.add(PresenceRow(advisor=advisor, online_until=online_until))
            await session.commit()

    async def advisors_online(self, now: dt.datetime) -> int:
        async with self._session() as session:
            rows = await session.scalars(select(PresenceRow))
            return sum(1 for r in rows if _aware(r.online_until) > now)

    # --- Staff inbox: accounts, sessions, claims, notes, canned answers, audit log ---

    async def create_staff(self, username: str, first_name: str, role: str, password_hash: str) -> "StaffAccount":
        """Raises AccountExists when the username is taken."""
        async with self._session() as session:
            row = StaffAccountRow(
                username=username, first_name=first_name, role=role, password_hash=password_hash,
                active=True, wants_online=False, created_at=utcnow(),
            )
            session.add(row)
            try:
                await session.commit()
            except IntegrityError:
                raise AccountExists(username) from None
            return _staff(row)

    async def staff_credentials(self, username: str) -> tuple["StaffAccount", str] | None:
        """The account and its password hash, for logging in."""
        async with self._session() as session:
            row = await session.scalar(select(StaffAccountRow).where(StaffAccountRow.username == username))
            return (_staff(row), row.password_hash) if row else None

    async def staff_account(self, account_id: int) -> "StaffAccount | None":
        async with self._session() as session:
            row = await session.get(StaffAccountRow, account_id)
            return _staff(row) if row else None

    async def staff_accounts(self) -> list["StaffAccount"]:
        async with self._session() as session:
            rows = await session.scalars(select(StaffAccountRow).order_by(StaffAccountRow.username))
            return [_staff(r) for r in rows]

    async def update_staff(self, account_id: int, **changes) -> "StaffAccount | None":
        """Sets first_name, role, password_hash, active or wants_online."""
        async with self._session() as session:
            row = await session.get(StaffAccountRow, account_id)
            if row is None:
                return None
            for name, value in changes.items():
                setattr(row, name, value)
            await session.commit()
            return _staff(row)

    async def save_staff_session(self, session_id: str, account_id: int, data: dict, expires_at: dt.datetime) -> None:
        async with self._session() as session:
            row = await session.get(StaffSessionRow, session_id)
            if row is None:
                session.add(StaffSessionRow(id=session_id, account_id=account_id, data=data, expires_at=expires_at))
            else:
                row.account_id, row.data, row.expires_at = account_id, data, expires_at
            await session.commit()

    async def staff_session(self, session_id: str, now: dt.datetime) -> dict | None:
        """The data of a session that has not expired, or None."""
        async with self._session() as session:
            row = await session.get(StaffSessionRow, session_id)
            if row is None or _aware(row.expires_at) <= now:
                return None
            return dict(row.data or {})

    async def delete_staff_sessions(self, session_id: str | None = None, account_id: int | None = None) -> None:
        """Ends one session, or every session of an account, and drops expired ones."""
        async with self._session() as session:
            condition = StaffSessionRow.expires_at < utcnow()
            if session_id is not None:
                condition = condition | (StaffSessionRow.id == session_id)
            if account_id is not None:
                condition = condition | (StaffSessionRow.account_id == account_id)
            await session.execute(delete(StaffSessionRow).where(condition))
            await session.commit()

    async def add_login_failure(self, key: str) -> None:
        async with self._session() as session:
            session.add(LoginFailureRow(key=key, at=utcnow()))
            await session.commit()

    async def login_failures(self, key: str, since: dt.datetime) -> int:
        async with self._session() as session:
            return await session.scalar(
                select(func.count()).select_from(LoginFailureRow)
                .where(LoginFailureRow.key == key, LoginFailureRow.at > since)
            )

    async def clear_login_failures(self, key: str | None, before: dt.datetime | None = None) -> None:
        """Forgets the failures of a key (after a good login), and everybody's before `before`."""
        async with self._session() as session:
            condition = LoginFailureRow.key == (key or "")
            if before is not None:
                condition = condition | (LoginFailureRow.at < before)
            await session.execute(delete(LoginFailureRow).where(condition))
            await session.commit()

    async def claim(self, kind: str, target: str, account_id: int) -> tuple[bool, int]:
        """Claims a conversation or callback request for one advisor: (claimed now, holder's account id)."""
        async with self._session() as session:
            session.add(ClaimRow(kind=kind, target=target, account_id=account_id, claimed_at=self.now()))
            try:
                await session.commit()
                return True, account_id
            except IntegrityError:
                await session.rollback()
        holder = await self.claim_holder(kind, target)
        return False, holder.id if holder else 0

    async def claim_holder(self, kind: str, target: str) -> "StaffAccount | None":
        async with self._session() as session:
            row = await session.get(ClaimRow, (kind, target))
            if row is None:
                return None
            account = await session.get(StaffAccountRow, row.account_id)
            return _staff(account) if account else None

    async def release(self, kind: str, target: str) -> None:
        async with self._session() as session:
            await session.execute(delete(ClaimRow).where(ClaimRow.kind == kind, ClaimRow.target == target))
            await session.commit()

    async def add_note(self, kind: str, target: str, author: str, text: str) -> dict:
        async with self._session() as session:
            row = NoteRow(kind=kind, target=target, author=author, text=text, created_at=self.now())
            session.add(row)
            await session.commit()
            return _note(row)

    async def notes(self, kind: str, target: str) -> list[dict]:
        async with self._session() as session:
            rows = await session.scalars(
                select(NoteRow).where(NoteRow.kind == kind, NoteRow.target == target).order_by(NoteRow.id)
            )
            return [_note(r) for r in rows]

    async def canned_answers(self) -> list[dict]:
        async with self._session() as session:
            rows = await session.scalars(select(CannedAnswerRow).order_by(CannedAnswerRow.title))
            return [{"id": r.id, "title": r.title, "text": r.text} for r in rows]

    async def add_canned_answer(self, title: str, text: str) -> int:
        async with self._session() as session:
            row = CannedAnswerRow(title=title, text=text, created_at=utcnow())
            session.add(row)
            await session.commit()
            return row.id

    async def delete_canned_answer(self, answer_id: int) -> bool:
        async with self._session() as session:
            result = await session.execute(delete(CannedAnswerRow).where(CannedAnswerRow.id == answer_id))
            await session.commit()
            return result.rowcount > 0

    async def add_audit(self, actor: str, action: str, target: str = "", detail: str = "") -> None:
        """Who did what to what; never parent text."""
        async with self._session() as session:
            session.add(AuditRow(at=utcnow(), actor=actor, action=action, target=target[:64], detail=detail[:200]))
            await session.commit()

    async def audit_entries(self, limit: int = 200) -> list[dict]:
        async with self._session() as session:
            rows = await session.scalars(select(AuditRow).order_by(AuditRow.id.desc()).limit(limit))
            return [
                {"time": _aware(r.at), "actor": r.actor, "action": r.action, "target": r.target, "detail": r.detail}
                for r in rows
            ]

    async def staff_queue(self) -> list[dict]:
        """Conversations that wait for or are with an advisor, and urgent ones (a safety message,
        also when no advisor was online): urgent first, then waiting by longest wait, then the
        ones advisors have claimed."""
        async with self._session() as session:
            rows = (await session.execute(
                select(ConversationRow, StaffAccountRow)
                .outerjoin(ClaimRow, (ClaimRow.kind == "conversation") & (ClaimRow.target == ConversationRow.id))
                .outerjoin(StaffAccountRow, StaffAccountRow.id == ClaimRow.account_id)
                .where(or_(ConversationRow.mode.in_(("waiting", "human")), ConversationRow.urgent.is_(True)))
            )).all()
            queue = []
            for conversation, advisor in rows:
                last_parent = await session.scalar(
                    select(MessageRow.text)
                    .where(MessageRow.conversation_id == conversation.id, MessageRow.author == "parent")
                    .order_by(MessageRow.id.desc()).limit(1)
                )
                queue.append({
                    "id": conversation.id, "channel": conversation.channel, "mode": conversation.mode,
                    "urgent": bool(conversation.urgent), "topic": conversation.topic,
                    "waiting_since": _aware(conversation.waiting_since) if conversation.waiting_since else None,
                    "updated_at": _aware(conversation.updated_at),
                    "claimed_by": _staff(advisor) if advisor else None,
                    "last_parent_text": (last_parent or "")[:160],
                })
        far = dt.datetime.max.replace(tzinfo=dt.timezone.utc)
        queue.sort(key=lambda c: (not c["urgent"], c["mode"] != "waiting", c["waiting_since"] or c["updated_at"] or far))
        return queue

    async def conversation_details(self, conversation_id: str) -> dict | None:
        async with self._session() as session:
            row = await session.get(ConversationRow, conversation_id)
            if row is None:
                return None
            return {
                "id": row.id, "channel": row.channel, "mode": row.mode, "urgent": bool(row.urgent),
                "topic": row.topic, "created_at": _aware(row.created_at),
                "waiting_since": _aware(row.waiting_since) if row.waiting_since else None,
            }

    async def callback_list(self, status: str | None = None) -> list[dict]:
        """Callback requests, newest first, with who claimed them and their notes."""
        async with self._session() as session:
            query = select(CallbackRow).order_by(CallbackRow.id.desc())
            if status:
                query = query.where(CallbackRow.status == status)
            callbacks = (await session.scalars(query)).all()
            holders = {
                claim.target: _staff(account)
                for claim, account in (await session.execute(
                    select(ClaimRow, StaffAccountRow)
                    .join(StaffAccountRow, StaffAccountRow.id == ClaimRow.account_id)
                    .where(ClaimRow.kind == "callback")
                )).all()
            }
        return [
            {
                "id": c.id, "conversation_id": c.conversation_id, "name": c.name, "contact": c.contact,
                "moment": c.moment, "question": c.question, "status": c.status,
                "created_at": _aware(c.created_at), "claimed_by": holders.get(str(c.id)),
                "notes": await self.notes("callback", str(c.id)),
            }
            for c in callbacks
        ]

    async def set_callback_status(self, callback_id: int, status: str) -> bool:
        async with self._session() as session:
            row = await session.get(CallbackRow, callback_id)
            if row is None:
                return False
            row.status = status
            await session.commit()
            return True

    async def callback_exists(self, callback_id: int) -> bool:
        async with self._session() as session:
            return await session.get(CallbackRow, callback_id) is not None

    async def delete_conversation(self, conversation_id: str) -> bool:
        """Deletes a conversation with everything about it (a parent's request to be forgotten)."""
        async with self._session() as session:
            if await session.get(ConversationRow, conversation_id) is None:
                return False
            callback_ids = [str(i) for i in await session.scalars(
                select(CallbackRow.id).where(CallbackRow.conversation_id == conversation_id))]
            targets = (ClaimRow.kind == "conversation") & (ClaimRow.target == conversation_id)
            note_targets = (NoteRow.kind == "conversation") & (NoteRow.target == conversation_id)
            if callback_ids:
                targets = targets | ((ClaimRow.kind == "callback") & ClaimRow.target.in_(callback_ids))
                note_targets = note_targets | ((NoteRow.kind == "callback") & NoteRow.target.in_(callback_ids))
            await session.execute(delete(ClaimRow).where(targets))
            await session.execute(delete(NoteRow).where(note_targets))
            await session.execute(delete(CallbackRow).where(CallbackRow.conversation_id == conversation_id))
            await session.execute(delete(MessageRow).where(MessageRow.conversation_id == conversation_id))
            await session.execute(delete(ConversationRow).where(ConversationRow.id == conversation_id))
            await session.commit()
            return True


# --- Staff inbox tables ---

    async def closing_days(self, since: dt.date | None = None) -> dict[dt.date, str]:
        """Extra closing days (from `since` on), by date."""
        async with self._session() as session:
            query = select(ClosingDayRow).order_by(ClosingDayRow.day)
            if since is not None:
                query = query.where(ClosingDayRow.day >= since)
            return {r.day: r.reason for r in await session.scalars(query)}

    async def set_closing_day(self, day: dt.date, reason: str) -> None:
        async with self._session() as session:
            row = await session.get(ClosingDayRow, day)
            if row:
                row.reason = reason
            else:
                session.add(ClosingDayRow(day=day, reason=reason))
            await session.commit()

    async def delete_closing_day(self, day: dt.date) -> bool:
        async with self._session() as session:
            row = await session.get(ClosingDayRow, day)
            if row is None:
                return False
            await session.delete(row)
            await session.commit()
            return True


class AccountExists(ValueError):
    """A staff account with this username exists already."""


class StaffAccountRow(Base):
    """An advisor or admin of the inbox. Passwords are stored as argon2 hashes only."""

    __tablename__ = "staff_accounts"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    username: Mapped[str] = mapped_column(String(40), unique=True)
    first_name: Mapped[str] = mapped_column(String(40))  # what parents see: "Adviseur <first name>"
    role: Mapped[str] = mapped_column(String(16))  # advisor, admin
    password_hash: Mapped[str] = mapped_column(String(255))
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    wants_online: Mapped[bool] = mapped_column(Boolean, default=False)  # the advisor's own choice
    created_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True))


class StaffSessionRow(Base):
    """A logged-in browser. `id` is a hash of the cookie value, never the value itself."""

    __tablename__ = "staff_sessions"

    id: Mapped[str] = mapped_column(String(64), primary_key=True)
    account_id: Mapped[int] = mapped_column(ForeignKey("staff_accounts.id", ondelete="CASCADE"), index=True)
    data: Mapped[dict] = mapped_column(JSON)
    expires_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True))


class LoginFailureRow(Base):
    """A failed login, keyed by a hash of username and IP address (for the rate limit)."""

    __tablename__ = "staff_login_failures"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    key: Mapped[str] = mapped_column(String(64), index=True)
    at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True))


class ClaimRow(Base):
    """One advisor per conversation or callback request: the primary key refuses a second claim."""

    __tablename__ = "staff_claims"

    kind: Mapped[str] = mapped_column(String(16), primary_key=True)  # conversation, callback
    target: Mapped[str] = mapped_column(String(32), primary_key=True)
    account_id: Mapped[int] = mapped_column(ForeignKey("staff_accounts.id", ondelete="CASCADE"))
    claimed_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True))


class NoteRow(Base):
    """An internal note on a conversation or callback request; never sent to the parent."""

    __tablename__ = "staff_notes"
    __table_args__ = (Index("ix_staff_notes_target", "kind", "target"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    kind: Mapped[str] = mapped_column(String(16))
    target: Mapped[str] = mapped_column(String(32))
    author: Mapped[str] = mapped_column(String(40))  # the advisor's first name
    text: Mapped[str] = mapped_column(Text)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True))


class CannedAnswerRow(Base):
    __tablename__ = "canned_answers"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    title: Mapped[str] = mapped_column(String(80))
    text: Mapped[str] = mapped_column(Text)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True))


class AuditRow(Base):
    """Who claimed, answered, closed or deleted what, and when."""

    __tablename__ = "audit_log"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True))
    actor: Mapped[str] = mapped_column(String(40))  # a staff username, or "cli"
    action: Mapped[str] = mapped_column(String(32))
    target: Mapped[str] = mapped_column(String(64))
    detail: Mapped[str] = mapped_column(String(200))


@dataclass(frozen=True)
class StaffAccount:
    id: int
    username: str
    first_name: str
    role: str
    active: bool
    wants_online: bool


def _staff(row: StaffAccountRow) -> StaffAccount:
    return StaffAccount(row.id, row.username, row.first_name, row.role, bool(row.active), bool(row.wants_online))


def _note(row: NoteRow) -> dict:
    return {"id": row.id, "author": row.author, "text": row.text, "time": _aware(row.created_at)}
