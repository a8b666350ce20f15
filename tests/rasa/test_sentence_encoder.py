"""The sentence meanings (nlu/sentence_encoder.py) as the article classifier uses them."""
import asyncio

import numpy as np
from rasa.core.agent import Agent
from rasa.model_training import train_nlu
from rasa.shared.utils.io import write_yaml

from nlu.linear_classifier import ARTICLE_RANKING
from nlu.sentence_encoder import encode
from tests.rasa.test_linear_classifier import QUESTIONS


def test_a_question_means_the_same_in_english_and_dutch():
    dutch = encode(["mijn zoon is geschorst", "wanneer moet ik mijn kind aanmelden"])
    english = encode(["my son got suspended from school", "how do I register my daughter at a school"])
    assert np.allclose(np.linalg.norm(dutch, axis=1), 1.0, atol=1e-5)
    similarity = english @ dutch.T
    # Each English question is nearest to the Dutch one about the same thing.
    assert similarity[0, 0] > similarity[0, 1] + 0.2
    assert similarity[1, 1] > similarity[1, 0] + 0.2


def train(tmp_path, sentence_weight):
    tmp_path.mkdir()
    config = {
        "recipe": "default.v1", "language": "nl", "assistant_id": "test",
        "pipeline": [
            {"name": "WhitespaceTokenizer"},
            {"name": "CountVectorsFeaturizer"},
            {"name": "CountVectorsFeaturizer", "analyzer": "char_wb", "min_ngram": 2, "max_ngram": 4},
            {"name": "nlu.sentence_encoder.SentenceEncoderFeaturizer"},
            {"name": "nlu.linear_classifier.LinearIntentClassifier"},
            {"name": "nlu.linear_classifier.ArticleClassifier", "sentence_weight": sentence_weight},
        ],
        "policies": [],
    }
    nlu = {"version": "3.1", "nlu": [
        {"intent": f"faq/{article}", "examples": "".join(f"- {q}\n" for q in examples)}
        for article, examples in QUESTIONS.items()
    ] + [{"intent": "greet", "examples": "- hallo\n- hoi\n- goedemorgen\n"}]}
    write_yaml(config, tmp_path / "config.yml")
    write_yaml(nlu, tmp_path / "nlu.yml")
    return Agent.load(train_nlu(str(tmp_path / "config.yml"), str(tmp_path / "nlu.yml"), str(tmp_path / "models")))


def test_the_meaning_finds_the_article_for_a_question_in_other_words(tmp_path):
    with_meanings = train(tmp_path / "meanings", sentence_weight=1.0)
    words_only = train(tmp_path / "words", sentence_weight=0.0)
    question = "my kid was sent home and suspended for three days"
    ranking = asyncio.run(with_meanings.parse_message(question))[ARTICLE_RANKING]
    assert ranking[0]["name"] == "schorsing"
    assert ranking[0]["confidence"] - ranking[1]["confidence"] > 0.2
    # The word and character counts alone hardly tell schorsing from leerplicht.
    alone = asyncio.run(words_only.parse_message(question))[ARTICLE_RANKING]
    assert alone[0]["confidence"] - alone[1]["confidence"] < 0.1
