from knowledge.articles import load_articles, normalise_question
from knowledge.readability import words
from knowledge.rasa_importer import REFERRAL, article_phrases, KnowledgeImporter


def test_every_article_becomes_a_retrieval_intent_with_its_questions_title_and_answer():
    articles = load_articles()
    importer = KnowledgeImporter()
    nlu = importer.get_nlu_data("nl")
    by_key = {}
    for example in nlu.training_examples:
        by_key.setdefault(example.get("intent_response_key"), []).append(example.get("text"))
    assert set(by_key) == {f"faq/{i}" for i in articles}
    phrases = article_phrases(list(articles.values()))
    for article_id, article in articles.items():
        assert by_key[f"faq/{article_id}"] == [*article.questions, *phrases[article_id]]
    assert "Wat is een TLV en wie vraagt die aan?" in by_key["faq/tlv"]
    assert "Je vraagt de TLV niet zelf aan" in by_key["faq/tlv"]

    responses = importer.get_domain().responses
    assert responses["utter_faq/zorgplicht"][0]["text"] == articles["zorgplicht"].reply_text
    assert "6 weken" in responses["utter_faq/zorgplicht"][0]["text"]


def test_answer_phrases_teach_only_what_is_particular_to_their_article():
    articles = load_articles()
    phrases = article_phrases(list(articles.values()))
    owners = {}
    for article_id, texts in phrases.items():
        for text in texts:
            owners.setdefault(normalise_question(text), set()).add(article_id)
            assert len(words(text)) >= 4, text
            # "Bel het Oudersteunpunt: 020-..." would teach that a question about
            # contact belongs to, say, the zorgplicht article.
            if not REFERRAL.search(articles[article_id].title):
                assert not REFERRAL.search(text), (article_id, text)
    assert all(len(ids) == 1 for ids in owners.values())
    assert not any("hulp nodig? het oudersteunpunt" in key for key in owners)
    # The articles about the Oudersteunpunt keep what they say about it.
    assert any("Oudersteunpunt" in t for t in phrases["contact_oudersteunpunt"])
