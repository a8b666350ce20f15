"""Rasa training-data importer that reads the knowledge articles directly.

Listed in config.yml next to RasaFileImporter. Every article becomes the
retrieval intent faq/<id>: its questions, its title and the sentences of its
answer are the NLU examples (the article classifier of config.yml learns
them), and its answer is the response utter_faq/<id>. There is no generated
or hand-kept copy of the articles anywhere else.

Rasa side only (imports rasa); the rest of knowledge/ stays plain Python.
"""
from __future__ import annotations

import re

from typing import Dict, List, Optional, Text

from rasa.shared.core.domain import Domain
from rasa.shared.core.training_data.structures import StoryGraph
from rasa.shared.importers.importer import TrainingDataImporter
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData

from knowledge.articles import Article, load_articles, normalise_question
from knowledge.readability import sentences, words

RETRIEVAL_INTENT = "faq"
MIN_PHRASE_WORDS = 4
# The closing referral ("Bel het Oudersteunpunt: 020-...") is about contact, not
# about the article's topic; it only teaches that articles about the
# Oudersteunpunt itself.
REFERRAL = re.compile(r"oudersteunpunt|@|https?://|\d{3}-\d", re.IGNORECASE)


def article_phrases(articles: List[Article]) -> Dict[Text, List[Text]]:
    """Per article its title and answer sentences, as extra training examples.

    A parent often uses the words of the answer itself ("wat is een
    ontwikkelingsperspectiefplan", "binnen 6 weken een plek"): in 5-fold
    cross-validation these examples raised the article choice on held-out
    questions. Sentences shared by several articles (the closing "Hulp
    nodig?"), referrals and very short ones teach nothing and are left out.
    """
    candidates = {
        a.id: [a.title, *(s.strip().lstrip("-• ") for s in sentences(a.answer))] for a in articles
    }
    seen: Dict[Text, int] = {}
    for texts in candidates.values():
        for text in {normalise_question(t) for t in texts}:
            seen[text] = seen.get(text, 0) + 1
    phrases = {}
    for article in articles:
        questions = {normalise_question(q) for q in article.questions}
        kept: Dict[Text, Text] = {}
        for text in candidates[article.id]:
            key = normalise_question(text)
            referral = REFERRAL.search(text) and not REFERRAL.search(article.title)
            if len(words(text)) >= MIN_PHRASE_WORDS and seen[key] == 1 and key not in questions and not referral:
                kept.setdefault(key, text)
        phrases[article.id] = list(kept.values())
    return phrases


class KnowledgeImporter(TrainingDataImporter):
    def __init__(
        self,
        config_file: Optional[Text] = None,
        domain_path: Optional[Text] = None,
        training_data_paths: Optional[List[Text]] = None,
    ) -> None:
        # A broken article stops training with the validator's message.
        self._articles = load_articles()

    def get_domain(self) -> Domain:
        return Domain.from_dict(
            {
                "responses": {
                    f"utter_{RETRIEVAL_INTENT}/{a.id}": [{"text": a.reply_text}]
                    for a in self._articles.values()
                },
            }
        )

    def get_nlu_data(self, language: Optional[Text] = "nl") -> TrainingData:
        phrases = article_phrases(list(self._articles.values()))
        examples = [
            Message.build(text=text, intent=f"{RETRIEVAL_INTENT}/{article.id}")
            for article in self._articles.values()
            for text in [*article.questions, *phrases[article.id]]
        ]
        return TrainingData(training_examples=examples)

    def get_stories(self, exclusion_percentage: Optional[int] = None) -> StoryGraph:
        return StoryGraph([])

    def get_conversation_tests(self) -> StoryGraph:
        return StoryGraph([])

    def get_config(self) -> Dict:
        return {}

    def get_config_file_for_auto_config(self) -> Optional[Text]:
        return None
