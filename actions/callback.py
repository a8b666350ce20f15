"""The callback request form: name, phone or e-mail, moment, question, consent.

Nothing is stored until the parent consents; the gateway stores the request
from the {"callback": ...} payload. "stop" cancels at any step (rules.yml).
"""
from __future__ import annotations

import re
from typing import Any, Dict, List, Optional, Text

from rasa_sdk import Action, FormValidationAction, Tracker
from rasa_sdk.events import SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from knowledge.office_hours import describe_moment
from actions.handoff import gateway_context

FORM_SLOTS = ("callback_name", "callback_contact", "callback_moment", "callback_question", "callback_consent")
_PHONE_SEPARATORS = re.compile(r"[\s().-]")
_EMAIL = re.compile(r"^[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}$")
_DUTCH_PHONE = re.compile(r"^(?:0[1-9]\d{8}|(?:\+|00)31[1-9]\d{8})$")


def normalise_contact(value: str) -> Optional[str]:
    """A Dutch phone number (06, landline, +31, 0031) or an e-mail address, tidied; else None."""
    value = value.strip()
    if "@" in value:
        return value.lower() if _EMAIL.match(value) else None
    digits = _PHONE_SEPARATORS.sub("", value.replace("(0)", ""))
    return digits if _DUTCH_PHONE.match(digits) else None


def reset_form() -> List[Dict[Text, Any]]:
    return [SlotSet(slot, None) for slot in FORM_SLOTS]


class ValidateCallbackForm(FormValidationAction):
    def name(self) -> Text:
        return "validate_callback_form"

    def validate_callback_name(self, value: Any, dispatcher, tracker, domain: DomainDict) -> Dict[Text, Any]:
        name = " ".join(str(value or "").split())
        if not 1 <= len(name) <= 60 or any(ch.isdigit() for ch in name):
            dispatcher.utter_message(text="Dat lijkt geen naam. Hoe mogen we je noemen? Je voornaam is genoeg.")
            return {"callback_name": None}
        return {"callback_name": name}

    def validate_callback_contact(self, value: Any, dispatcher, tracker, domain: DomainDict) -> Dict[Text, Any]:
        contact = normalise_contact(str(value or ""))
        if contact is None:
            dispatcher.utter_message(
                text="Dat nummer of e-mailadres klopt niet. Typ een Nederlands telefoonnummer, "
                "zoals 06-12345678 of 020-1234567, of een e-mailadres, zoals naam@voorbeeld.nl."
            )
            return {"callback_contact": None}
        return {"callback_contact": contact}

    def validate_callback_moment(self, value: Any, dispatcher, tracker, domain: DomainDict) -> Dict[Text, Any]:
        moment = " ".join(str(value or "").split())[:200]
        if not moment:
            return {"callback_moment": None}
        return {"callback_moment": moment}

    def validate_callback_question(self, value: Any, dispatcher, tracker, domain: DomainDict) -> Dict[Text, Any]:
        question = " ".join(str(value or "").split())
        if len(question) < 3:
            dispatcher.utter_message(text="Vertel in een paar woorden waar je vraag over gaat.")
            return {"callback_question": None}
        return {"callback_question": question[:1000]}


class ActionSubmitCallback(Action):
    def name(self) -> Text:
        return "action_submit_callback"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[Text, Any]
    ) -> List[Dict[Text, Any]]:
        if tracker.get_slot("callback_consent") is not True:
            dispatcher.utter_message(
                text="Zonder je toestemming bewaar ik je gegevens niet. Ik heb niets opgeslagen. "
                "Je kunt het Oudersteunpunt ook zelf bellen, appen of mailen."
            )
            return reset_form()
        context = gateway_context(tracker)
        dispatcher.utter_message(
            json_message={
                "callback": {
                    "consent": True,
                    "name": tracker.get_slot("callback_name"),
                    "contact": tracker.get_slot("callback_contact"),
                    "moment": tracker.get_slot("callback_moment"),
                    "question": tracker.get_slot("callback_question"),
                }
            }
        )
        dispatcher.utter_message(
            text=f"Dank je, {tracker.get_slot('callback_name')}. Je terugbelverzoek is ontvangen. "
            "Een adviseur neemt contact met je op, op zijn vroegst "
            f"{describe_moment(context.calendar.next_opening(context.now), context.now)}."
        )
        # The details now live in the gateway's store only.
        return reset_form()


class ActionCancelCallback(Action):
    def name(self) -> Text:
        return "action_cancel_callback"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[Text, Any]
    ) -> List[Dict[Text, Any]]:
        dispatcher.utter_message(text="Oké, ik ben gestopt. Ik heb niets bewaard. Heb je nog een andere vraag?")
        return reset_form()
