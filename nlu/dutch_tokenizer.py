"""A Rasa tokenizer for informal Dutch that fills each token's lemma.

spaCy's Dutch models cannot be installed here, so this uses spacy.blank("nl")
(its rule-based Dutch tokenizer) with the lookup lemmatizer, whose tables come
from spacy-lookups-data. Rasa's CountVectorsFeaturizer counts lemmas when
tokens carry them (use_lemma defaults to True), so "aangevraagd" and
"aanvragen" become the same word feature without any other change.

An English word from knowledge/english_terms.yml gets its Dutch words added
to its lemma ("expel" -> "expel verwijderen verwijdering"): most example
questions are Dutch, and this lets an English question share their features.
"""
from __future__ import annotations

from typing import Any, Dict, List, Optional, Text

import spacy

from rasa.engine.graph import ExecutionContext
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.nlu.tokenizers.tokenizer import Token, Tokenizer
from rasa.shared.nlu.training_data.message import Message

from knowledge.english import ENGLISH_TERMS, TERMS_DIGEST

_NLP = None


def dutch_pipeline() -> "spacy.language.Language":
    """One shared blank Dutch pipeline with the lookup lemmatizer (loaded once)."""
    global _NLP
    if _NLP is None:
        nlp = spacy.blank("nl")
        nlp.add_pipe("lemmatizer", config={"mode": "lookup"})
        nlp.initialize()
        _NLP = nlp
    return _NLP


def lemma(text: Text, spacy_lemma: Text) -> Text:
    """The lower-cased lemma, with the Dutch meaning of an English word after it."""
    base = (spacy_lemma or text).lower()
    dutch = ENGLISH_TERMS.get(text.lower())
    return f"{base} {dutch}" if dutch else base


@DefaultV1Recipe.register(DefaultV1Recipe.ComponentType.MESSAGE_TOKENIZER, is_trainable=False)
class DutchLemmaTokenizer(Tokenizer):
    """Tokenizes with spaCy's Dutch rules and sets lower-cased lookup lemmas."""

    @staticmethod
    def get_default_config() -> Dict[Text, Any]:
        return {
            "intent_tokenization_flag": False,
            "intent_split_symbol": "_",
            "token_pattern": None,
            "prefix_separator_symbol": None,
            # Part of the configuration so that Rasa's training cache sees a new list.
            "english_terms": TERMS_DIGEST,
        }

    @staticmethod
    def supported_languages() -> Optional[List[Text]]:
        return ["nl"]

    @staticmethod
    def required_packages() -> List[Text]:
        return ["spacy", "spacy_lookups_data"]

    @classmethod
    def create(
        cls,
        config: Dict[Text, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
    ) -> "DutchLemmaTokenizer":
        return cls(config)

    def tokenize(self, message: Message, attribute: Text) -> List[Token]:
        text = message.get(attribute)
        tokens = [
            Token(t.text, t.idx, lemma=lemma(t.text, t.lemma_))
            for t in dutch_pipeline()(text)
            if not (t.is_punct or t.is_space)
        ]
        if not tokens:  # e.g. only punctuation or an emoji: keep the text as one token
            tokens = [Token(text, 0, lemma=text.lower())]
        return self._apply_token_pattern(tokens)
