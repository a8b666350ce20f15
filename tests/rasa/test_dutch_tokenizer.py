from rasa.shared.nlu.training_data.message import Message

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
