from rasa.engine.graph import ExecutionContext, GraphSchema
from rasa.engine.storage.local_model_storage import LocalModelStorage
from rasa.engine.storage.resource import Resource
from rasa.nlu.featurizers.sparse_featurizer.count_vectors_featurizer import CountVectorsFeaturizer
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData

from nlu.dutch_tokenizer import DutchLemmaTokenizer


def tokens(text):
    tokenizer = DutchLemmaTokenizer(DutchLemmaTokenizer.get_default_config())
    return tokenizer.tokenize(Message(data={"text": text}), "text")


def test_verbs_get_their_dutch_lemma():
    by_text = {
        t.text: t.lemma
        for t in tokens("De school heeft een TLV aangevraagd, zegt de juf. Hij is geschorst en weigert")
    }
    assert by_text["aangevraagd"] == "aanvragen"
    assert by_text["zegt"] == "zeggen"
    assert by_text["geschorst"] == "schorsen"
    assert by_text["weigert"] == "weigeren"


def test_punctuation_is_dropped_and_offsets_point_into_the_text():
    text = "wat is een opp?? en een tlv..."
    found = tokens(text)
    assert [t.text for t in found] == ["wat", "is", "een", "opp", "en", "een", "tlv"]
    assert all(text[t.start:t.end] == t.text for t in found)


def test_lemmas_are_lower_case_so_spelling_of_capitals_does_not_matter():
    assert [t.lemma for t in tokens("TLV Zorgplicht")] == ["tlv", "zorgplicht"]


def test_text_without_words_still_gives_one_token():
    assert len(tokens("???")) == 1


def test_an_english_word_carries_its_dutch_meaning_and_a_dutch_word_stays_as_it_is():
    by_text = {t.text: t.lemma for t in tokens("Can the school expel my son? De school wil hem verwijderen")}
    assert by_text["expel"].split()[0] == "expel"
    assert "verwijdering" in by_text["expel"].split()
    assert by_text["verwijderen"] == "verwijderen"
    assert by_text["school"] == "school"  # Dutch as well: no meaning added


def test_an_english_question_shares_word_features_with_the_dutch_ones(tmp_path):
    """What the intent and article classifiers see."""
    tokenizer = DutchLemmaTokenizer(DutchLemmaTokenizer.get_default_config())
    featurizer = CountVectorsFeaturizer.create(
        CountVectorsFeaturizer.get_default_config(), LocalModelStorage(tmp_path),
        Resource("words"), ExecutionContext(GraphSchema({}), "test"),
    )
    dutch = [Message(data={"text": t}) for t in ("mag de school mijn zoon verwijderen", "wat is een schorsing")]
    tokenizer.process_training_data(TrainingData(dutch))
    featurizer.train(TrainingData(dutch))
    english = Message(data={"text": "can they expel him"})
    tokenizer.process([english])
    featurizer.process([english])
    _, sentence = english.get_sparse_features("text")
    vocabulary = featurizer.vectorizers["text"].vocabulary_
    counts = sentence.features.toarray().ravel()
    assert counts[vocabulary["verwijderen"]] == 1
    assert counts[vocabulary["schorsing"]] == 0
