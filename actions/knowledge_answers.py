"""Answers from the knowledge base, suggestions when NLU is unsure, follow-ups.

Thin: articles, search and texts come from knowledge/.
"""
from __future__ import annotations

import json
from typing import Any, Dict, List, Optional, Text

from rasa_sdk import Action, Tracker
from rasa_sdk.events import SlotSet
from rasa_sdk.executor import CollectingDispatcher

from knowledge.articles import Article, load_articles
from knowledge.search import ArticleSearch

ARTICLES: Dict[str, Article] = load_articles()
SEARCH = ArticleSearch(list(ARTICLES.values()))

# Which article answers a message: a weighted sum of what two sources say,
# the article classifier's probability (nlu/linear_classifier.py) and the
# BM25 score scaled to the best hit. Weights from bench/article_weights.py on
# 5-fold cross-validation (9,609 questions): macro F1 0.883, against 0.881
# for the classifier alone.
WEIGHTS = {"classifier": 1.0, "search": 0.25}
# Below this combined score the assistant asks which article the parent means:
# 89.0% answered right, 9.2% wrong, 1.8% asked back.
MIN_ANSWER_SCORE = 0.36
SURE_SCORE = 0.77  # from here on (96.2% right) the answer comes with related questions only
MAX_SUGGESTIONS = 3
SUGGEST_TEXT = "Ik weet niet zeker wat je bedoelt. Bedoel je een van deze vragen?"
SOMETHING_ELSE = {"title": "Iets anders", "payload": "/handoff"}
PERSON_BUTTON = {"title": "Praat met een adviseur", "payload": "/handoff"}
OFFER_PERSON = (
    "Het lukt me niet goed om je vraag te begrijpen. Wil je met een adviseur van het "
    "Oudersteunpunt praten? Of stel je vraag op een andere manier."
)
# Follow-up kinds (intent followup_<kind>) answered by a fixed article when the
# current topic names none.
FOLLOWUP_DEFAULTS = {
    "oneens": "klacht_bezwaar_geschil",
    "wie": "wie_beslist",
    "hulp": "onafhankelijk_advies",
}
FOLLOWUP_WORDS = {  # what the kind adds to a search when no article is named
    "duur": "hoe lang duurt termijn weken",
    "oneens": "niet eens bezwaar klacht",
    "wie": "wie beslist",
    "hulp": "hulp advies",
    "kosten": "kosten betalen gratis",
}


def article_button(article: Article) -> Dict[str, str]:
    """A button that asks for this article; the gateway keeps the payload server-side."""
    return {"title": article.title, "payload": "/faq" + json.dumps({"article": article.id})}


def ranked_articles(tracker: Tracker) -> List[tuple[Text, float]]:
    """Articles for the latest message, best first, with their combined score."""
    return combined_ranking(tracker.latest_message or {}, SEARCH)


def source_scores(parse: Dict[Text, Any], search: ArticleSearch) -> Dict[Text, Dict[Text, float]]:
    """Per source (classifier, search) its score for each article it ranks."""
    classifier = {i["name"]: float(i["confidence"]) for i in parse.get("article_ranking") or []}
    hits = search.search(parse.get("text") or "", 5)
    found = {h.article.id: h.score / hits[0].score for h in hits}
    return {"classifier": classifier, "search": found}


def weighted_ranking(
    sources: Dict[Text, Dict[Text, float]], weights: Dict[Text, float] = WEIGHTS
) -> List[tuple[Text, float]]:
    """Known articles best first with their weighted score over the sources (also used by bench/)."""
    scores: Dict[Text, float] = {}
    for source, ranked in sources.items():
        for article_id, score in ranked.items():
            scores[article_id] = scores.get(article_id, 0.0) + weights[source] * score
    return sorted(((a, s) for a, s in scores.items() if a in ARTICLES), key=lambda x: -x[1])


def combined_ranking(parse: Dict[Text, Any], search: ArticleSearch) -> List[tuple[Text, float]]:
    """Articles for a parse result, best first (also used by bench/)."""
    return weighted_ranking(source_scores(parse, search))


def answer(
    dispatcher: CollectingDispatcher, article: Article, alternatives: List[Text] = ()
) -> List[Dict[Text, Any]]:
    """The article, with buttons for what the parent may have meant instead or may ask next."""
    ids = [*alternatives, *article.related]
    buttons = [article_button(ARTICLES[i]) for i in dict.fromkeys(ids) if i in ARTICLES and i != article.id]
    dispatcher.utter_message(text=article.reply_text, buttons=buttons[:MAX_SUGGESTIONS])
    dispatcher.utter_message(json_message={"topic": article.id})  # for the advisors' queue
    return [SlotSet("topic", article.id), SlotSet("misunderstood", 0)]


def suggest(
    dispatcher: CollectingDispatcher,
    tracker: Tracker,
    query: Text,
    first: List[Text] = (),
    exclude: Text = "",
) -> List[Dict[Text, Any]]:
    """Offers the best articles as buttons, plus "Iets anders" (contact and handoff).

    The second misunderstanding in a row offers an advisor instead.
    """
    misunderstood = int(tracker.get_slot("misunderstood") or 0) + 1
    if misunderstood >= 2:
        dispatcher.utter_message(text=OFFER_PERSON, buttons=[PERSON_BUTTON])
        return [SlotSet("misunderstood", 0)]
    ids: List[Text] = []
    for article_id in [*first, *(h.article.id for h in SEARCH.search(query, MAX_SUGGESTIONS))]:
        if article_id in ARTICLES and article_id != exclude and article_id not in ids:
            ids.append(article_id)
    if not ids:
        dispatcher.utter_message(response="utter_ask_rephrase")
    else:
        buttons = [article_button(ARTICLES[i]) for i in ids[:MAX_SUGGESTIONS]]
        dispatcher.utter_message(text=SUGGEST_TEXT, buttons=[*buttons, SOMETHING_ELSE])
    return [SlotSet("misunderstood", misunderstood)]


class ActionAnswerFaq(Action):
    def name(self) -> Text:
        return "action_answer_faq"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[Text, Any]
    ) -> List[Dict[Text, Any]]:
        chosen = next(tracker.get_latest_entity_values("article"), None)
        if chosen in ARTICLES:  # a button: certain
            return answer(dispatcher, ARTICLES[chosen])
        ranked = ranked_articles(tracker)
        if not ranked or ranked[0][1] < MIN_ANSWER_SCORE:
            text = (tracker.latest_message or {}).get("text") or ""
            return suggest(dispatcher, tracker, text, first=[a for a, _ in ranked[:2]])
        # When not sure, the runners-up come first among the buttons.
        alternatives = []
        if ranked[0][1] < SURE_SCORE:
            alternatives = [a for a, s in ranked[1:3] if s >= MIN_ANSWER_SCORE / 2]
        return answer(dispatcher, ARTICLES[ranked[0][0]], alternatives)


class ActionSuggestArticles(Action):
    """NLU is unsure which intent this is: offer the articles that match best."""

    def name(self) -> Text:
        return "action_suggest_articles"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[Text, Any]
    ) -> List[Dict[Text, Any]]:
        text = (tracker.latest_message or {}).get("text") or ""
        return suggest(dispatcher, tracker, text)


class ActionFollowup(Action):
    """'En hoe lang duurt dat?': a follow-up on the topic answered last."""

    def name(self) -> Text:
        return "action_followup"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[Text, Any]
    ) -> List[Dict[Text, Any]]:
        intent = ((tracker.latest_message or {}).get("intent") or {}).get("name") or ""
        kind = intent.replace("followup_", "", 1)
        topic = ARTICLES.get(tracker.get_slot("topic") or "")
        target = topic.followups.get(kind) if topic else None
        target = target or FOLLOWUP_DEFAULTS.get(kind)
        if target in ARTICLES and (topic is None or target != topic.id):
            return answer(dispatcher, ARTICLES[target])
        text = (tracker.latest_message or {}).get("text") or ""
        query = f"{topic.title if topic else ''} {FOLLOWUP_WORDS.get(kind, '')} {text}"
        return suggest(dispatcher, tracker, query, exclude=topic.id if topic else "")
