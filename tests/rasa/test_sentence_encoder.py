"""The sentence meanings (nlu/sentence_encoder.py) as the article classifier uses them."""
import asyncio
import tarfile

import numpy as np
from rasa.core.agent import Agent

from knowledge.articles import load_articles
from nlu.linear_classifier import ARTICLE_RANKING
from nlu import sentence_encoder
from nlu.sentence_encoder import centred, encode
from tests.rasa.test_linear_classifier import train


def test_a_question_means_the_same_in_english_and_dutch():
    mean = encode([q for a in load_articles().values() for q in a.questions[:5]]).mean(axis=0)
    dutch = centred(encode(["mijn zoon is geschorst", "wanneer moet ik mijn kind aanmelden"]), mean)
    english = centred(encode(["my son got suspended from school", "how do I register my daughter at a school"]), mean)
    assert np.allclose(np.linalg.norm(dutch, axis=1), 1.0, atol=1e-5)
    similarity = english @ dutch.T
    # Each English question is nearest to the Dutch one about the same thing.
    assert similarity[0, 0] > similarity[0, 1] + 0.2
    assert similarity[1, 1] > similarity[1, 0] + 0.2


def test_without_the_training_mean_all_questions_look_alike():
    # Why the featurizer centres: E5's raw vectors of two unrelated questions
    # are still close, which would give the meaning little to say.
    raw = encode(["mijn zoon is geschorst", "wanneer moet ik mijn kind aanmelden"])
    assert raw[0] @ raw[1] > 0.7
    # The same text is encoded once; a second call gives the same vector.
    assert np.array_equal(encode(["Mijn zoon is geschorst"])[0], raw[0])


def test_the_server_keeps_a_bounded_number_of_vectors(monkeypatch):
    # A server that runs for months must not keep every message it saw.
    monkeypatch.setattr(sentence_encoder, "CACHE_SIZE", 2)
    first = encode(["eerste vraag over school", "tweede vraag", "derde vraag"])
    assert len(sentence_encoder._CACHE) == 2
    assert np.allclose(encode(["eerste vraag over school"])[0], first[0], atol=1e-6)  # made again, the same


def test_the_meaning_finds_the_article_for_a_question_in_other_words(tmp_path):
    model = train(tmp_path / "meanings", sentence_weight=1.0)
    with_meanings = Agent.load(model)
    words_only = Agent.load(train(tmp_path / "words", sentence_weight=0.0))
    question = "my kid was sent home and suspended for three days"
    ranking = asyncio.run(with_meanings.parse_message(question))[ARTICLE_RANKING]
    alone = asyncio.run(words_only.parse_message(question))[ARTICLE_RANKING]
    # Fifteen Dutch examples and an English question: the word and character
    # counts alone hardly tell schorsing from leerplicht (a lead of about
    # 0.04); the meaning more than doubles the lead.
    assert ranking[0]["name"] == alone[0]["name"] == "schorsing"
    lead, lead_alone = (r[0]["confidence"] - r[1]["confidence"] for r in (ranking, alone))
    assert lead_alone < 0.05
    assert lead > 2 * lead_alone
    # The model keeps the training mean as a plain array (no pickle).
    with tarfile.open(model) as archive:
        assert any("SentenceEncoderFeaturizer" in n and n.endswith("/mean.npy") for n in archive.getnames())


def test_a_meaning_alone_is_no_reason_to_guess(tmp_path):
    # An emoji has a meaning vector but no word the model knows: still no guess,
    # so the fallback asks the parent what they mean.
    model = Agent.load(train(tmp_path, sentence_weight=0.5))
    result = asyncio.run(model.parse_message("🙂"))
    assert result["intent"] == {"name": None, "confidence": 0.0}
    assert ARTICLE_RANKING not in result
