"""A second opinion on which knowledge article answers a message.

The ResponseSelector (a small neural network) learns from about 70 example
questions per article. With that little data a linear model over the same
features generalises better to wordings it has not seen: in 5-fold
cross-validation (bench/nlu_crossval.py) it picks the right article more often,
and the two together with BM25 best of all. This component is that linear
model: TF-IDF weighting of the pipeline's own sparse sentence features (the
CountVectorsFeaturizers' word and character n-gram counts) and a multinomial
logistic regression over the articles (retrieval intent faq/<id>).

It adds `article_ranking` to the parse result: [{"name": id, "confidence": p}],
best first. actions/knowledge_answers.py combines it with the ResponseSelector
and the search. The model is stored as plain arrays (no pickle), like Rasa's
own components avoid untrusted files.
"""
from __future__ import annotations

import json
from typing import Any, Dict, List, Optional, Text, Type

import numpy as np
import scipy.sparse
from sklearn.linear_model import LogisticRegression

from rasa.engine.graph import ExecutionContext, GraphComponent
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.nlu.featurizers.featurizer import Featurizer
from rasa.shared.nlu.constants import INTENT_RESPONSE_KEY, TEXT
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData

OUTPUT_KEY = "article_ranking"
RANKING_LENGTH = 10


@DefaultV1Recipe.register(DefaultV1Recipe.ComponentType.INTENT_CLASSIFIER, is_trainable=True)
class ArticleClassifier(GraphComponent):
    @classmethod
    def required_components(cls) -> List[Type]:
        return [Featurizer]

    @staticmethod
    def get_default_config() -> Dict[Text, Any]:
        return {
            "retrieval_intent": "faq",
            # Inverse regularisation strength; 10 was best of 3, 10 and 30 in
            # cross-validation on the articles' questions.
            "C": 10.0,
        }

    def __init__(
        self,
        config: Dict[Text, Any],
        model_storage: ModelStorage,
        resource: Resource,
        articles: Optional[List[Text]] = None,
        idf: Optional[np.ndarray] = None,
        weights: Optional[np.ndarray] = None,
        bias: Optional[np.ndarray] = None,
    ) -> None:
        self._config = config
        self._model_storage = model_storage
        self._resource = resource
        self._articles = articles or []
        self._idf, self._weights, self._bias = idf, weights, bias

    @classmethod
    def create(
        cls,
        config: Dict[Text, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
    ) -> "ArticleClassifier":
        return cls(config, model_storage, resource)

    def _prefix(self) -> Text:
        return f"{self._config['retrieval_intent']}/"

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

    def train(self, training_data: TrainingData) -> Resource:
        examples = [
            m for m in training_data.intent_examples
            if (m.get(INTENT_RESPONSE_KEY) or "").startswith(self._prefix())
        ]
        counts = self._counts(examples)
        labels = [m.get(INTENT_RESPONSE_KEY)[len(self._prefix()):] for m in examples]
        if counts is None or len(set(labels)) < 2:
            return self._resource  # nothing to learn: process() adds no ranking
        self._idf = self._fit_idf(counts)
        model = LogisticRegression(C=self._config["C"], max_iter=3000)
        model.fit(self._features(counts), labels)
        self._articles = [str(c) for c in model.classes_]
        self._weights, self._bias = model.coef_, model.intercept_
        self.persist()
        return self._resource

    @staticmethod
    def _fit_idf(counts: scipy.sparse.csr_matrix) -> np.ndarray:
        """Smoothed inverse document frequency, as scikit-learn's TfidfTransformer has it."""
        documents = np.asarray((counts > 0).sum(axis=0)).ravel()
        return np.log((1 + counts.shape[0]) / (1 + documents)) + 1.0

    def _features(self, counts: scipy.sparse.csr_matrix) -> scipy.sparse.csr_matrix:
        """TF-IDF with sublinear term frequency: 1 + log(count), times idf, l2-normalised."""
        x = counts.astype(np.float64).tocsr(copy=True)
        x.eliminate_zeros()
        x.data = 1.0 + np.log(x.data)
        x = x.multiply(self._idf).tocsr()
        norms = np.sqrt(np.asarray(x.multiply(x).sum(axis=1))).ravel()
        norms[norms == 0] = 1.0
        return scipy.sparse.diags(1.0 / norms) @ x

    def process(self, messages: List[Message]) -> List[Message]:
        if self._weights is None:
            return messages
        for message in messages:
            counts = self._counts([message])
            if counts is None:
                continue
            scores = np.asarray(self._features(counts) @ self._weights.T).ravel() + self._bias
            probabilities = np.exp(scores - scores.max())
            probabilities /= probabilities.sum()
            best = np.argsort(-probabilities)[:RANKING_LENGTH]
            message.set(
                OUTPUT_KEY,
                [{"name": self._articles[i], "confidence": float(probabilities[i])} for i in best],
                add_to_output=True,
            )
        return messages

    def persist(self) -> None:
        with self._model_storage.write_to(self._resource) as directory:
            (directory / "articles.json").write_text(json.dumps(self._articles), encoding="utf-8")
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
    ) -> "ArticleClassifier":
        try:
            with model_storage.read_from(resource) as directory:
                return cls(
                    config, model_storage, resource,
                    articles=json.loads((directory / "articles.json").read_text(encoding="utf-8")),
                    idf=np.load(directory / "idf.npy", allow_pickle=False),
                    weights=np.load(directory / "weights.npy", allow_pickle=False),
                    bias=np.load(directory / "bias.npy", allow_pickle=False),
                )
        except (ValueError, FileNotFoundError):
            return cls(config, model_storage, resource)  # trained without articles
