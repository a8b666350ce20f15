"""The linear intent and article classifiers trained and loaded as Rasa does, on a small made-up knowledge base."""
import asyncio
import tarfile

import numpy as np
import scipy.sparse
from rasa.core.agent import Agent
from rasa.model_training import train_nlu
from rasa.shared.utils.io import write_yaml
from sklearn.feature_extraction.text import TfidfTransformer

from nlu.linear_classifier import ARTICLE_RANKING, ArticleClassifier

QUESTIONS = {
    "tlv": ["wat is een tlv", "tlv aanvragen hoe", "wie vraagt de toelaatbaarheidsverklaring aan",
            "tlv nodig voor het sbo", "school wil een tlv"],
    "schorsing": ["mijn zoon is geschorst", "hoe lang mag een schorsing duren", "geschorst zonder brief",
                  "schorsing van drie dagen", "mag school mijn kind schorsen"],
    "leerplicht": ["mijn kind wil niet naar school", "leerplichtambtenaar belt mij", "verzuim melding",
                   "spijbelen wat nu", "boete leerplicht"],
}


def train(tmp_path, questions=QUESTIONS, without_features=None, sentence_weight=None):
    """A small NLU model; with a sentence_weight, also the sentence meanings (nlu/sentence_encoder.py)."""
    meanings = [] if sentence_weight is None else [{"name": "nlu.sentence_encoder.SentenceEncoderFeaturizer"}]
    config = {
        "recipe": "default.v1", "language": "nl", "assistant_id": "test",
        "pipeline": [
            {"name": "WhitespaceTokenizer"},
            {"name": "CountVectorsFeaturizer"},
            {"name": "CountVectorsFeaturizer", "analyzer": "char_wb", "min_ngram": 2, "max_ngram": 4},
            *meanings,
            {"name": "nlu.linear_classifier.LinearIntentClassifier", "intent_without_features": without_features},
            {"name": "nlu.linear_classifier.ArticleClassifier", "sentence_weight": sentence_weight or 0.0},
        ],
        "policies": [],
    }
    nlu = {"version": "3.1", "nlu": [
        {"intent": f"faq/{article}", "examples": "".join(f"- {q}\n" for q in examples)}
        for article, examples in questions.items()
    ] + [{"intent": "greet", "examples": "- hallo\n- hoi\n- goedemorgen\n"}]}
    tmp_path.mkdir(parents=True, exist_ok=True)
    write_yaml(config, tmp_path / "config.yml")
    write_yaml(nlu, tmp_path / "nlu.yml")
    return train_nlu(str(tmp_path / "config.yml"), str(tmp_path / "nlu.yml"), str(tmp_path / "models"))


def parse(model, text):
    return asyncio.run(Agent.load(model).parse_message(text))


def test_ranks_the_articles_for_an_unseen_wording_and_stores_no_pickle(tmp_path):
    model = train(tmp_path)

    ranking = parse(model, "is mijn dochter geschorst als ze drie dagen thuis moet blijven")[ARTICLE_RANKING]
    assert ranking[0]["name"] == "schorsing"
    assert [r["name"] for r in ranking] == sorted(QUESTIONS, key=lambda a: -next(
        r["confidence"] for r in ranking if r["name"] == a))
    assert abs(sum(r["confidence"] for r in ranking) - 1.0) < 1e-6  # all three articles ranked
    assert parse(model, "wie vraagt een tlv aan")[ARTICLE_RANKING][0]["name"] == "tlv"

    with tarfile.open(model) as archive:
        stored = [n for n in archive.getnames() if "ArticleClassifier" in n]
    assert {n.rsplit("/", 1)[-1] for n in stored} >= {"labels.json", "idf.npy", "weights.npy", "bias.npy"}
    assert not any(n.endswith((".pkl", ".pickle", ".joblib")) for n in stored)


def test_without_article_questions_it_adds_no_ranking(tmp_path):
    model = train(tmp_path, questions={"tlv": QUESTIONS["tlv"]})
    result = parse(model, "hallo")
    assert ARTICLE_RANKING not in result
    # Two intents: the probabilities are those of a two-class logistic regression.
    assert result["intent"]["name"] == "greet"
    assert [i["name"] for i in result["intent_ranking"]] == ["greet", "faq"]
    assert abs(sum(i["confidence"] for i in result["intent_ranking"]) - 1.0) < 1e-6


def test_the_intent_is_set_as_dialogue_and_fallback_expect_it(tmp_path):
    model = train(tmp_path)
    result = parse(model, "hoi daar")
    assert result["intent"]["name"] == "greet"
    ranking = result["intent_ranking"]
    assert ranking[0] == result["intent"] and {i["name"] for i in ranking} == {"greet", "faq"}
    assert parse(model, "mijn dochter is geschorst, mag dat")["intent"]["name"] == "faq"
    # Nothing the features know: no intent at all rather than a guess (the fallback answers).
    assert parse(model, "🙂")["intent"] == {"name": None, "confidence": 0.0}
    assert ARTICLE_RANKING not in parse(model, "🙂")


def test_a_message_without_known_features_gets_the_configured_intent(tmp_path):
    model = train(tmp_path, without_features="greet")
    assert parse(model, "🙂")["intent"] == {"name": "greet", "confidence": 1.0}
    assert parse(model, "wie vraagt een tlv aan")["intent"]["name"] == "faq"


def test_tf_idf_is_the_standard_sublinear_weighting():
    # Training and parsing share one transform; it must weigh words as
    # scikit-learn's TfidfTransformer(sublinear_tf=True) does (tested there).
    counts = scipy.sparse.csr_matrix(np.array([[2, 0, 1, 0], [0, 3, 1, 0], [1, 1, 0, 0], [0, 0, 0, 0]]))
    classifier = ArticleClassifier.__new__(ArticleClassifier)
    classifier._config = ArticleClassifier.get_default_config()
    classifier._idf = ArticleClassifier._fit_idf(counts)
    expected = TfidfTransformer(sublinear_tf=True).fit(counts)
    assert np.allclose(classifier._idf, expected.idf_)
    assert np.allclose(classifier._features(counts).toarray(), expected.transform(counts).toarray())
