"""Opening hours of the Oudersteunpunt (data: knowledge/opening_hours.yml).

Open on school days from 10:00 to 17:00, Europe/Amsterdam. A school day is a
weekday that is not a public holiday, not in a school holiday of region Noord
and not an extra closing day. Plain Python: the gateway and the action server
both use it, always with an explicit `at` (the clock is injected, not patched).
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, replace
from functools import lru_cache
from pathlib import Path
from zoneinfo import ZoneInfo

import yaml

from knowledge import KNOWLEDGE_DIR

CALENDAR_FILE = KNOWLEDGE_DIR / "opening_hours.yml"
WEEKDAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
DAY_NAMES = ("maandag", "dinsdag", "woensdag", "donderdag", "vrijdag", "zaterdag", "zondag")
MONTH_NAMES = ("januari", "februari", "maart", "april", "mei", "juni", "juli", "augustus",
               "september", "oktober", "november", "december")
MAX_SEARCH_DAYS = 400


@dataclass(frozen=True)
class Calendar:
    tz: ZoneInfo
    open_time: dt.time
    close_time: dt.time
    weekdays: frozenset[int]
    closed_days: dict[dt.date, str]  # public holidays and extra closing days

    school_holidays: tuple[tuple[str, dt.date, dt.date], ...]

    def closed_reason(self, day: dt.date) -> str | None:
        """Why the Oudersteunpunt is closed all day, or None on a school day."""
        if day.weekday() not in self.weekdays:
            return "weekend"
        if day in self.closed_days:
            return self.closed_days[day]
        for name, first, last in self.school_holidays:
            if first <= day <= last:
                return name
        return None

    def is_open(self, at: dt.datetime) -> bool:
        local = _local(at, self.tz)
        return (
            self.closed_reason(local.date()) is None
            and self.open_time <= local.time() < self.close_time
        )

    def next_opening(self, at: dt.datetime) -> dt.datetime:
        """The first moment at or after `at` when the Oudersteunpunt is open."""
        if self.is_open(at):
            return at
        local = _local(at, self.tz)
        day = local.date()
        if local.time() >= self.open_time:
            day += dt.timedelta(days=1)
        for _ in range(MAX_SEARCH_DAYS):
            if self.closed_reason(day) is None:
                return dt.datetime.combine(day, self.open_time, tzinfo=self.tz)
            day += dt.timedelta(days=1)
        raise ValueError(f"no opening day within {MAX_SEARCH_DAYS} days of {at}")

    def with_closed_days(self, extra: dict[dt.date, str]) -> "Calendar":
        """This calendar plus extra closing days (kept by staff in the gateway's database)."""
        return replace(self, closed_days={**self.closed_days, **extra}) if extra else self

    def hours_text(self) -> str:
        return f"op schooldagen van {_clock(self.open_time)} tot {_clock(self.close_time)} uur"


def _local(at: dt.datetime, tz: ZoneInfo) -> dt.datetime:
    if at.tzinfo is None:
        raise ValueError("a time zone-aware datetime is needed")
    return at.astimezone(tz)


def _clock(t: dt.time) -> str:
    return f"{t.hour}.{t.minute:02d}" if t.hour >= 10 else f"{t.hour:02d}.{t.minute:02d}"


def describe_moment(moment: dt.datetime, now: dt.datetime, tz: ZoneInfo | None = None) -> str:
    """In Dutch words: "vandaag om 10.00 uur", "morgen om ...", "maandag 4 januari om ..."."""
    tz = tz or calendar().tz
    local, today = _local(moment, tz), _local(now, tz).date()
    clock = f"om {_clock(local.time())} uur"
    if local.date() == today:
        return f"vandaag {clock}"
    if local.date() == today + dt.timedelta(days=1):
        return f"morgen {clock}"
    day_name = DAY_NAMES[local.weekday()]
    if local.date() < today + dt.timedelta(days=7):
        return f"{day_name} {clock}"
    return f"{day_name} {local.day} {MONTH_NAMES[local.month - 1]} {clock}"


def _time(text: str) -> dt.time:
    return dt.time.fromisoformat(str(text))


def load_calendar(path: Path = CALENDAR_FILE) -> Calendar:
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    closed = {**(data.get("public_holidays") or {}), **(data.get("extra_closed_days") or {})}
    holidays = tuple(
        (str(h["name"]), h["from"], h["to"]) for h in data.get("school_holidays") or ()
    )
    for name, first, last in holidays:
        if not (isinstance(first, dt.date) and isinstance(last, dt.date) and first <= last):
            raise ValueError(f"{path.name}: school holiday {name!r} needs dates from <= to")
    for day in closed:
        if not isinstance(day, dt.date):
            raise ValueError(f"{path.name}: {day!r} is not a date (YYYY-MM-DD)")
    open_time, close_time = _time(data["open"]), _time(data["close"])
    if not open_time < close_time:
        raise ValueError(f"{path.name}: open must be before close")
    return Calendar(
        tz=ZoneInfo(data.get("timezone", "Europe/Amsterdam")),
        open_time=open_time,
        close_time=close_time,
        weekdays=frozenset(WEEKDAYS.index(d) for d in data["weekdays"]),
        closed_days={d: str(n) for d, n in closed.items()},
        school_holidays=holidays,
    )


@lru_cache(maxsize=1)
def calendar() -> Calendar:
    return load_calendar()


def is_open(at: dt.datetime) -> bool:
    return calendar().is_open(at)


def next_opening(at: dt.datetime) -> dt.datetime:
    return calendar().next_opening(at)
