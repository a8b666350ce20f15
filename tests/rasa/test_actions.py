"""The custom actions, run on trackers as Rasa would hand them over."""
import asyncio
import json

import pytest

from rasa_sdk import Tracker
from rasa_sdk.executor import CollectingDispatcher

from actions.callback import ActionSubmitCallback, ValidateCallbackForm, normalise_contact
from actions.conversation import ActionGreet
from actions.handoff import ActionHandoff
from actions.knowledge_answers import (
    ARTICLES,
    MIN_ANSWER_SCORE,
    ActionAnswerFaq,
    ActionFollowup,
    ActionSuggestArticles,
)


def tracker(latest_message=None, slots=None):
    return Tracker(
        sender_id="test", slots=slots or {}, latest_message=latest_message or {},
        events=[], paused=False, followup_action=None, active_loop={},
        latest_action_name="action_listen",
    )


def run(action, track):
    dispatcher = CollectingDispatcher()
    events = asyncio.run(action.run(dispatcher, track, {}))
    return dispatcher.messages, events


def faq_message(article_id, confidence=0.9, text="vraag", others=()):
    """What Rasa hands the action: intent faq and the article classifier's ranking."""
    ranking = [(article_id, confidence), *others]
    return {
        "text": text,
        "intent": {"name": "faq"},
        "article_ranking": [{"name": a, "confidence": c} for a, c in ranking],
        "entities": [],
    }


def article_ids(buttons):
    return [json.loads(b["payload"][len("/faq"):])["article"] for b in buttons if b["payload"].startswith("/faq")]


def test_faq_answer_is_the_article_with_its_link_and_related_buttons():
    message = faq_message("zorgplicht", text="de school zegt dat ze mijn kind niet kan helpen, zorgplicht?")
    messages, events = run(ActionAnswerFaq(), tracker(message))
    article = ARTICLES["zorgplicht"]
    assert messages[0]["text"] == article.reply_text
    assert "Meer weten: https://" in messages[0]["text"]
    payloads = [b["payload"] for b in messages[0]["buttons"]]
    assert payloads == [
        "/faq" + json.dumps({"article": r}) for r in article.related
    ]
    assert messages[1]["custom"] == {"topic": "zorgplicht"}
    assert {e["name"]: e["value"] for e in events} == {"topic": "zorgplicht", "misunderstood": 0}


def test_button_choice_answers_the_chosen_article():
    message = {
        "intent": {"name": "faq"},
        "entities": [{"entity": "article", "value": "tlv"}],
    }
    messages, _ = run(ActionAnswerFaq(), tracker(message))
    assert messages[0]["text"] == ARTICLES["tlv"].reply_text


def test_unknown_article_is_never_answered():
    messages, events = run(ActionAnswerFaq(), tracker(faq_message("bestaat_niet", text="qqq zzz")))
    assert messages[0]["response"] == "utter_ask_rephrase"
    assert [e["name"] for e in events] == ["misunderstood"]


def test_second_misunderstanding_in_a_row_offers_an_advisor():
    message = {"text": "qqq zzz", "intent": {"name": "nlu_fallback"}}
    messages, events = run(ActionSuggestArticles(), tracker(message, slots={"misunderstood": 1}))
    assert "adviseur" in messages[0]["text"]
    assert messages[0]["buttons"] == [{"title": "Praat met een adviseur", "payload": "/handoff"}]
    assert events[0]["value"] == 0


def test_introduction_only_the_first_time():
    messages, events = run(ActionGreet(), tracker(slots={"intro_shown": False}))
    assert "digitale assistent" in messages[0]["text"] and "geen mens" in messages[0]["text"]
    assert "BSN" in messages[0]["text"]
    assert events[0]["name"] == "intro_shown" and events[0]["value"] is True
    messages, events = run(ActionGreet(), tracker(slots={"intro_shown": True}))
    assert messages[0]["text"] == "Hoi! Wat is je vraag?" and events == []


def handoff_tracker(now, advisors_online, waiting=0):
    metadata = {"now": now, "advisors_online": advisors_online, "waiting": waiting}
    return tracker({"text": "ik wil iemand spreken", "intent": {"name": "handoff"}, "metadata": metadata},
                   slots={"topic": "tlv"})


def test_handoff_in_office_hours_with_an_advisor_online_joins_the_queue():
    messages, _ = run(ActionHandoff(), handoff_tracker("2026-11-24T10:30:00+01:00", 1, waiting=2))
    assert "adviseur" in messages[0]["text"] and "2 andere ouders" in messages[0]["text"]
    assert messages[1]["custom"] == {"handoff": {"topic": "tlv"}}


@pytest.mark.parametrize(
    "now, online, when",
    [
        ("2026-11-27T17:00:00+01:00", 1, "maandag om 10.00 uur"),  # Friday after closing
        ("2026-11-24T09:59:00+01:00", 1, "vandaag om 10.00 uur"),
        ("2026-11-24T11:00:00+01:00", 0, "geen adviseur vrij"),  # open, but nobody online
        ("2026-12-18T17:30:00+01:00", 3, "maandag 4 januari om 10.00 uur"),  # Christmas holiday
    ],
)
def test_handoff_when_nobody_can_answer_gives_hours_contact_and_callback(now, online, when):
    messages, _ = run(ActionHandoff(), handoff_tracker(now, online))
    text = messages[0]["text"]
    for detail in ("020-330 63 20", "06-160 046 00", "info@oudersteunpunt020.nl", "10.00 tot 17.00", when):
        assert detail in text
    assert messages[0]["buttons"][0]["payload"] == "/request_callback"
    assert all("custom" not in m or not m["custom"] for m in messages)


@pytest.mark.parametrize(
    "typed, stored",
    [
        ("06-12345678", "0612345678"),
        ("06 1234 5678", "0612345678"),
        ("020-330 63 20", "0203306320"),
        ("+31 6 12345678", "+31612345678"),
        ("+31 (0)6 12345678", "+31612345678"),
        ("0031612345678", "0031612345678"),
        ("Ouder.Naam@Example.nl", "ouder.naam@example.nl"),
        ("0612345", None),
        ("12345678901", None),
        ("naam@", None),
        ("naam at example dot nl", None),
    ],
)
def test_phone_numbers_and_email_addresses_are_checked(typed, stored):
    assert normalise_contact(typed) == stored


def test_a_bad_contact_is_asked_again_in_dutch():
    dispatcher = CollectingDispatcher()
    result = ValidateCallbackForm().validate_callback_contact("bel me", dispatcher, tracker(), {})
    assert result == {"callback_contact": None}
    assert "06-12345678" in dispatcher.messages[0]["text"]


def callback_tracker(consent):
    slots = {
        "callback_name": "Fatima", "callback_contact": "0612345678",
        "callback_moment": "dinsdagochtend", "callback_question": "tlv aanvraag", "callback_consent": consent,
    }
    return tracker({"text": "ja", "metadata": {"now": "2026-11-24T20:00:00+01:00"}}, slots=slots)


def test_callback_with_consent_is_handed_to_the_gateway_and_forgotten_here():
    messages, events = run(ActionSubmitCallback(), callback_tracker(True))
    assert messages[0]["custom"]["callback"] == {
        "consent": True, "name": "Fatima", "contact": "0612345678",
        "moment": "dinsdagochtend", "question": "tlv aanvraag",
    }
    assert "morgen om 10.00 uur" in messages[1]["text"]
    assert all(e["value"] is None for e in events)


def test_callback_without_consent_stores_nothing():
    messages, events = run(ActionSubmitCallback(), callback_tracker(False))
    assert all(not m.get("custom") for m in messages)
    assert "niets opgeslagen" in messages[0]["text"]
    assert all(e["value"] is None for e in events)


def test_unsure_answer_becomes_suggestions_with_something_else():
    # NLU barely prefers lwoo; search finds nothing for these words.
    message = faq_message("lwoo", confidence=MIN_ANSWER_SCORE / 4, text="qqq zzz", others=[("thuiszitten", 0.01)])
    messages, events = run(ActionAnswerFaq(), tracker(message))
    buttons = messages[0]["buttons"]
    assert messages[0]["text"].startswith("Ik weet niet zeker wat je bedoelt")
    assert article_ids(buttons) == ["lwoo", "thuiszitten"]
    assert buttons[-1] == {"title": "Iets anders", "payload": "/handoff"}
    assert events == [{"event": "slot", "timestamp": None, "name": "misunderstood", "value": 1}]


def test_search_can_outvote_an_unsure_classifier():
    # The classifier leans towards lwoo, but the words clearly say "my child is at home".
    message = faq_message(
        "lwoo", confidence=0.3, text="mijn dochter zit al twee maanden thuis, geen school",
        others=[("thuiszitten", 0.15)],
    )
    messages, events = run(ActionAnswerFaq(), tracker(message))
    assert messages[0]["text"] == ARTICLES["thuiszitten"].reply_text
    assert "lwoo" in article_ids(messages[0]["buttons"])  # the runner-up is offered
    assert events[0]["value"] == "thuiszitten"


def test_a_confident_classifier_outvotes_the_search():
    # The same words, but the classifier is sure: its article is the answer.
    message = faq_message(
        "schorsing", confidence=0.95, text="mijn dochter zit al twee maanden thuis, geen school",
        others=[("thuiszitten", 0.02)],
    )
    messages, events = run(ActionAnswerFaq(), tracker(message))
    assert messages[0]["text"] == ARTICLES["schorsing"].reply_text
    assert events[0]["value"] == "schorsing"


def test_nlu_fallback_suggests_articles_found_by_search():
    message = {"text": "bezwaar tegen de tlv, hoeveel tijd heb ik", "intent": {"name": "nlu_fallback"}}
    messages, _ = run(ActionSuggestArticles(), tracker(message))
    assert "tlv_bezwaar" in article_ids(messages[0]["buttons"])


def test_nothing_found_asks_to_rephrase():
    messages, _ = run(ActionSuggestArticles(), tracker({"text": "qqq zzz", "intent": {"name": "nlu_fallback"}}))
    assert messages[0]["response"] == "utter_ask_rephrase"


def followup(kind, topic, text="en dan?"):
    message = {"text": text, "intent": {"name": f"followup_{kind}"}, "entities": []}
    return tracker(message, slots={"topic": topic})


def test_followup_on_the_topic_answered_last():
    messages, events = run(ActionFollowup(), followup("duur", "tlv", "en hoe lang duurt dat?"))
    assert messages[0]["text"] == ARTICLES["tlv_duur"].reply_text
    assert events[0]["value"] == "tlv_duur"


def test_followup_disagree_without_a_named_article_uses_the_general_route():
    topic = next(a for a in ARTICLES.values() if "oneens" not in a.followups and a.id != "klacht_bezwaar_geschil")
    messages, _ = run(ActionFollowup(), followup("oneens", topic.id))
    assert messages[0]["text"] == ARTICLES["klacht_bezwaar_geschil"].reply_text


def test_followup_without_a_topic_offers_suggestions():
    messages, _ = run(ActionFollowup(), followup("duur", None, "hoe lang duurt dat"))
    assert messages[0]["text"].startswith("Ik weet niet zeker wat je bedoelt")


def test_an_extra_closing_day_from_the_inbox_closes_the_chat():
    track = handoff_tracker("2026-11-24T10:30:00+01:00", 2)
    track.latest_message["metadata"]["closed_days"] = {"2026-11-24": "Studiedag", "kapot": "x"}
    messages, _ = run(ActionHandoff(), track)
    assert "gesloten" in messages[0]["text"] and "morgen om 10.00 uur" in messages[0]["text"]
    assert all(not m.get("custom") for m in messages)
