"""The sentence meanings (nlu/sentence_encoder.py) as the article classifier uses them."""
import asyncio

import numpy as np
from rasa.core.agent import Agent

from nlu.linear_classifier import ARTICLE_RANKING
from nlu.sentence_encoder import encode
from tests.rasa.test_linear_classifier import train


def test_a_question_means_the_same_in_english_and_dutch():
    dutch = encode(["mijn zoon is geschorst", "wanneer moet ik mijn kind aanmelden"])
    english = encode(["my son got suspended from school", "how do I register my daughter at a school"])
    assert np.allclose(np.linalg.norm(dutch, axis=1), 1.0, atol=1e-5)
    similarity = english @ dutch.T
    # Each English question is nearest to the Dutch one about the same thing.
    assert similarity[0, 0] > similarity[0, 1] + 0.2
    assert similarity[1, 1] > similarity[1, 0] + 0.2


def test_the_meaning_finds_the_article_for_a_question_in_other_words(tmp_path):
    with_meanings = Agent.load(train(tmp_path / "meanings", sentence_weight=1.0))
    words_only = Agent.load(train(tmp_path / "words", sentence_weight=0.0))
    question = "my kid was sent home and suspended for three days"
    ranking = asyncio.run(with_meanings.parse_message(question))[ARTICLE_RANKING]
    assert ranking[0]["name"] == "schorsing"
    assert ranking[0]["confidence"] - ranking[1]["confidence"] > 0.2
    # The word and character counts alone hardly tell schorsing from leerplicht.
    alone = asyncio.run(words_only.parse_message(question))[ARTICLE_RANKING]
    assert alone[0]["confidence"] - alone[1]["confidence"] < 0.1


def test_a_meaning_alone_is_no_reason_to_guess(tmp_path):
    # An emoji has a meaning vector but no word the model knows: still no guess,
    # so the fallback asks the parent what they mean.
    model = Agent.load(train(tmp_path, sentence_weight=0.5))
    result = asyncio.run(model.parse_message("🙂"))
    assert result["intent"] == {"name": None, "confidence": 0.0}
    assert ARTICLE_RANKING not in result
