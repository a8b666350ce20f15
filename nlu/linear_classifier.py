"""Linear classifiers over the pipeline's word, character and meaning features.

With a few thousand example messages a linear model generalises better to
wordings it has not seen than a small neural network over the same features:
in 5-fold cross-validation (bench/nlu_crossval.py) logistic regression picked
the right article more often than Rasa's ResponseSelector and the right
intent more often than DIET, especially "out of scope" for everyday
questions that share a word with school topics. Both components here are
that model: TF-IDF weighting of the CountVectorsFeaturizers' sparse sentence
features (word, word-pair and character n-gram counts), followed by the
message's meaning vector when nlu/sentence_encoder.py runs before them
(scaled by `sentence_weight`: 0.5 did better than 0.35 or 0.7 in a
scikit-learn stand-in on the article questions), and a multinomial logistic
regression.

- LinearIntentClassifier sets `intent` and `intent_ranking`, as DIET would, for the
  FallbackClassifier and the dialogue policies.
- ArticleClassifier picks the knowledge article for a faq message (retrieval
  intent faq/<id>) and adds `article_ranking`: [{"name": id, "confidence": p}],
  best first. actions/knowledge_answers.py combines it with the search.

The models are stored as plain arrays (no pickle), as Rasa's own components
avoid untrusted files.
"""
from __future__ import annotations

import json
from typing import Any, Dict, List, Optional, Text, Tuple, Type

import numpy as np
import scipy.sparse
from sklearn.linear_model import LogisticRegression

from rasa.engine.graph import ExecutionContext, GraphComponent
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.nlu.featurizers.featurizer import Featurizer
from rasa.shared.nlu.constants import INTENT, INTENT_RESPONSE_KEY, TEXT
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData

ARTICLE_RANKING = "article_ranking"
RANKING_LENGTH = 10


class LinearClassifier(GraphComponent):
    """Training, prediction and storage; subclasses say what is learned and where it goes."""

    @classmethod
    def required_components(cls) -> List[Type]:
        return [Featurizer]

    def __init__(
        self,
        config: Dict[Text, Any],
        model_storage: ModelStorage,
        resource: Resource,
        labels: Optional[List[Text]] = None,
        idf: Optional[np.ndarray] = None,
        weights: Optional[np.ndarray] = None,
        bias: Optional[np.ndarray] = None,
    ) -> None:
        self._config = config
        self._model_storage = model_storage
        self._resource = resource
        self._labels = labels or []
        self._idf, self._weights, self._bias = idf, weights, bias

    @classmethod
    def create(
        cls,
        config: Dict[Text, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
    ) -> "LinearClassifier":
        return cls(config, model_storage, resource)

    def labelled_examples(self, training_data: TrainingData) -> List[Tuple[Message, Text]]:
        raise NotImplementedError

    def set_prediction(self, message: Message, ranking: List[Dict[Text, Any]]) -> None:
        raise NotImplementedError

    @staticmethod
    def _counts(messages: List[Message]) -> Optional[scipy.sparse.csr_matrix]:
        if not messages:
            return None
        rows = []
        for message in messages:
            _, sentence = message.get_sparse_features(TEXT)
            if sentence is None:
                return None
            rows.append(sentence.features.tocsr())
        return scipy.sparse.vstack(rows).tocsr()

    @staticmethod
    def _meanings(messages: List[Message]) -> Optional[np.ndarray]:
        """The dense sentence features (nlu/sentence_encoder.py), one row per message; None without them."""
        rows = []
        for message in messages:
            _, sentence = message.get_dense_features(TEXT)
            if sentence is None:
                return None
            rows.append(sentence.features.reshape(1, -1))
        return np.vstack(rows) if rows else None

    def train(self, training_data: TrainingData) -> Resource:
        examples = self.labelled_examples(training_data)
        counts = self._counts([m for m, _ in examples])
        meanings = self._meanings([m for m, _ in examples])
        labels = [label for _, label in examples]
        if counts is None or len(set(labels)) < 2:
            return self._resource  # nothing to learn: process() predicts nothing
        self._idf = self._fit_idf(counts)
        model = LogisticRegression(C=self._config["C"], max_iter=3000)
        model.fit(self._features(counts, meanings), labels)
        self._labels = [str(c) for c in model.classes_]
        self._weights, self._bias = model.coef_, model.intercept_
        if len(self._labels) == 2:  # scikit-learn keeps one row (the second class) for two
            self._weights = np.vstack([np.zeros_like(self._weights), self._weights])
            self._bias = np.concatenate([np.zeros_like(self._bias), self._bias])
        self.persist()
        return self._resource

    @staticmethod
    def _fit_idf(counts: scipy.sparse.csr_matrix) -> np.ndarray:
        """Smoothed inverse document frequency, as scikit-learn's TfidfTransformer has it."""
        documents = np.asarray((counts > 0).sum(axis=0)).ravel()
        return np.log((1 + counts.shape[0]) / (1 + documents)) + 1.0

    def _features(
        self, counts: scipy.sparse.csr_matrix, meanings: Optional[np.ndarray] = None
    ) -> scipy.sparse.csr_matrix:
        """TF-IDF with sublinear term frequency: 1 + log(count), times idf, l2-normalised.

        With sentence meanings (unit vectors), those follow the TF-IDF columns,
        scaled by `sentence_weight`: below 1 the words still lead.
        """
        x = counts.astype(np.float64).tocsr(copy=True)
        x.eliminate_zeros()
        x.data = 1.0 + np.log(x.data)
        x = x.multiply(self._idf).tocsr()
        norms = np.sqrt(np.asarray(x.multiply(x).sum(axis=1))).ravel()
        norms[norms == 0] = 1.0
        x = scipy.sparse.diags(1.0 / norms) @ x
        weight = self._config["sentence_weight"]
        if meanings is None or not weight:
            return x.tocsr()
        return scipy.sparse.hstack([x, scipy.sparse.csr_matrix(weight * meanings)]).tocsr()

    def process(self, messages: List[Message]) -> List[Message]:
        if self._weights is None:
            return messages
        for message in messages:
            counts = self._counts([message])
            if counts is None or counts.nnz == 0:  # no word or n-gram it knows: no guess
                self.set_prediction(message, [])
                continue
            x = self._features(counts, self._meanings([message]))
            if x.shape[1] != self._weights.shape[1]:
                raise ValueError("the sentence features differ from training: retrain the model")
            scores = np.asarray(x @ self._weights.T).ravel() + self._bias
            probabilities = np.exp(scores - scores.max())
            probabilities /= probabilities.sum()
            best = np.argsort(-probabilities)[:RANKING_LENGTH]
            self.set_prediction(
                message, [{"name": self._labels[i], "confidence": float(probabilities[i])} for i in best]
            )
        return messages

    def persist(self) -> None:
        with self._model_storage.write_to(self._resource) as directory:
            (directory / "labels.json").write_text(json.dumps(self._labels), encoding="utf-8")
            np.save(directory / "idf.npy", self._idf)
            np.save(directory / "weights.npy", self._weights)
            np.save(directory / "bias.npy", self._bias)

    @classmethod
    def load(
        cls,
        config: Dict[Text, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
        **kwargs: Any,
    ) -> "LinearClassifier":
        try:
            with model_storage.read_from(resource) as directory:
                return cls(
                    config, model_storage, resource,
                    labels=json.loads((directory / "labels.json").read_text(encoding="utf-8")),
                    idf=np.load(directory / "idf.npy", allow_pickle=False),
                    weights=np.load(directory / "weights.npy", allow_pickle=False),
                    bias=np.load(directory / "bias.npy", allow_pickle=False),
                )
        except (ValueError, FileNotFoundError):
            return cls(config, model_storage, resource)  # trained without enough examples


@DefaultV1Recipe.register(DefaultV1Recipe.ComponentType.INTENT_CLASSIFIER, is_trainable=True)
class LinearIntentClassifier(LinearClassifier):
    @staticmethod
    def get_default_config() -> Dict[Text, Any]:
        return {
            # Inverse regularisation strength: 30 was better than 10 in cross-validation.
            "C": 30.0,
            # Weight of the sentence meanings next to the word counts (0: words only).
            "sentence_weight": 0.5,
            # The intent of a message without any word or n-gram the model knows
            # (an emoji, "???"); None leaves it to the FallbackClassifier.
            "intent_without_features": None,
        }

    def labelled_examples(self, training_data: TrainingData) -> List[Tuple[Message, Text]]:
        return [(m, m.get(INTENT)) for m in training_data.intent_examples]

    def set_prediction(self, message: Message, ranking: List[Dict[Text, Any]]) -> None:
        if not ranking:
            name = self._config["intent_without_features"]
            ranking = [{"name": name, "confidence": 1.0 if name else 0.0}]
        message.set(INTENT, ranking[0], add_to_output=True)
        message.set("intent_ranking", ranking, add_to_output=True)


@DefaultV1Recipe.register(DefaultV1Recipe.ComponentType.INTENT_CLASSIFIER, is_trainable=True)
class ArticleClassifier(LinearClassifier):
    @staticmethod
    def get_default_config() -> Dict[Text, Any]:
        # 10 was best of 3, 10 and 30 in cross-validation on the articles' questions.
        return {"retrieval_intent": "faq", "C": 10.0, "sentence_weight": 0.5}

    def labelled_examples(self, training_data: TrainingData) -> List[Tuple[Message, Text]]:
        prefix = f"{self._config['retrieval_intent']}/"
        return [
            (m, m.get(INTENT_RESPONSE_KEY)[len(prefix):])
            for m in training_data.intent_examples
            if (m.get(INTENT_RESPONSE_KEY) or "").startswith(prefix)
        ]

    def set_prediction(self, message: Message, ranking: List[Dict[Text, Any]]) -> None:
        if ranking:
            message.set(ARTICLE_RANKING, ranking, add_to_output=True)
