"""Greeting and the request to speak to a person."""
from __future__ import annotations

from typing import Any, Dict, List, Text

from rasa_sdk import Action, Tracker
from rasa_sdk.events import SlotSet
from rasa_sdk.executor import CollectingDispatcher


INTRODUCTION = (
    "Hoi! Ik ben de digitale assistent van het Oudersteunpunt passend onderwijs "
    "Amsterdam-Diemen. Ik ben geen mens, maar een computerprogramma. "
    "Ik beantwoord vragen over extra hulp op school: zorgplicht, het OPP, de TLV, "
    "thuiszitten, de overstap naar de middelbare school en wat je kunt doen als je "
    "het ergens niet mee eens bent.\n"
    "Privacy: deel hier geen BSN, adres of medische gegevens. Wat is je vraag?"
)
SHORT_GREETING = "Hoi! Wat is je vraag?"


class ActionGreet(Action):
    def name(self) -> Text:
        return "action_greet"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[Text, Any]
    ) -> List[Dict[Text, Any]]:
        if tracker.get_slot("intro_shown"):
            dispatcher.utter_message(text=SHORT_GREETING)
            return []
        dispatcher.utter_message(text=INTRODUCTION)
        return [SlotSet("intro_shown", True)]
