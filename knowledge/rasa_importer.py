"""Rasa training-data importer that reads the knowledge articles directly.

Listed in config.yml next to RasaFileImporter. Every article becomes the
retrieval intent faq/<id>: its questions are the NLU examples and its answer
the response utter_faq/<id> that the ResponseSelector learns. There is no
generated or hand-kept copy of the articles anywhere else.

Rasa side only (imports rasa); the rest of knowledge/ stays plain Python.
"""
from __future__ import annotations

from typing import Dict, List, Optional, Text

from rasa.shared.core.domain import Domain
from rasa.shared.core.training_data.structures import StoryGraph
from rasa.shared.importers.importer import TrainingDataImporter
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData

from knowledge.articles import load_articles

RETRIEVAL_INTENT = "faq"


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
        examples = [
            Message.build(text=question, intent=f"{RETRIEVAL_INTENT}/{article.id}")
            for article in self._articles.values()
            for question in article.questions
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
