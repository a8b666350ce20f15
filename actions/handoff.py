"""Handoff to an advisor in office hours; the opening hours and a callback offer outside them.

The gateway sends, with every message, the time and how many advisors are
online (metadata); the gateway also acts on the {"handoff": ...} payload by
putting the conversation in the queue. Rasa and the actions never see a clock
of their own in tests.
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any, Dict, List, Text

from rasa_sdk import Action, Tracker
from rasa_sdk.events import SlotSet
from rasa_sdk.executor import CollectingDispatcher

from knowledge.contact import contact
from knowledge.office_hours import Calendar, calendar, describe_moment

CALLBACK_BUTTONS = [
    {"title": "Ja, bel of mail mij terug", "payload": "/request_callback"},
    {"title": "Nee, dank je", "payload": "/deny"},
]


@dataclass(frozen=True)
class GatewayContext:
    """What the gateway saw when it passed the message on (metadata)."""

    now: dt.datetime
    advisors_online: int
    waiting: int
    calendar: Calendar  # the opening hours plus the extra closing days staff set


def gateway_context(tracker: Tracker) -> GatewayContext:
    metadata = (tracker.latest_message or {}).get("metadata") or {}
    try:
        now = dt.datetime.fromisoformat(metadata["now"])
        if now.tzinfo is None:
            raise ValueError
    except (KeyError, TypeError, ValueError):
        now = dt.datetime.now(dt.timezone.utc)
    extra = {}
    for day, reason in (metadata.get("closed_days") or {}).items():
        try:
            extra[dt.date.fromisoformat(day)] = str(reason)
        except (TypeError, ValueError):
            continue
    return GatewayContext(
        now, int(metadata.get("advisors_online") or 0), int(metadata.get("waiting") or 0),
        calendar().with_closed_days(extra),
    )


def waiting_text(waiting: int) -> str:
    if waiting == 0:
        return "Er wacht nu niemand anders, dus het duurt waarschijnlijk niet lang."
    if waiting == 1:
        return "Er is nu 1 andere ouder voor je."
    return f"Er zijn nu {waiting} andere ouders voor je."


def nobody_text(now: dt.datetime, hours: Calendar) -> str:
    """No advisor can take the chat: when they can, how to reach them, the callback offer."""
    if hours.is_open(now):
        when = "Er is op dit moment geen adviseur vrij voor de chat. Bellen of appen kan wel."
    else:
        opening = describe_moment(hours.next_opening(now), now)
        when = (
            f"Het Oudersteunpunt is nu gesloten. Het is er {hours.hours_text()}. "
            f"De adviseurs zijn er weer {opening}."
        )
    return f"{when}\n{contact().as_text()}\nWil je dat een adviseur je terugbelt of mailt?"


class ActionHandoff(Action):
    def name(self) -> Text:
        return "action_handoff"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[Text, Any]
    ) -> List[Dict[Text, Any]]:
        context = gateway_context(tracker)
        now, waiting = context.now, context.waiting
        if context.calendar.is_open(now) and context.advisors_online > 0:
            dispatcher.utter_message(
                text="Ik zet je door naar een adviseur van het Oudersteunpunt. De adviseur antwoordt "
                f"hier, in dit gesprek. {waiting_text(waiting)} Ik beantwoord je vragen zolang niet meer."
            )
            dispatcher.utter_message(json_message={"handoff": {"topic": tracker.get_slot("topic")}})
        else:
            dispatcher.utter_message(text=nobody_text(now, context.calendar), buttons=CALLBACK_BUTTONS)
        return [SlotSet("misunderstood", 0)]
