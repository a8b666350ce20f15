from knowledge.articles import load_articles
from knowledge.rasa_importer import KnowledgeImporter


def test_every_article_becomes_a_retrieval_intent_with_its_questions_and_answer():
    articles = load_articles()
    importer = KnowledgeImporter()
    nlu = importer.get_nlu_data("nl")
    by_key = {}
    for example in nlu.training_examples:
        by_key.setdefault(example.get("intent_response_key"), []).append(example.get("text"))
    assert set(by_key) == {f"faq/{i}" for i in articles}
    for article_id, article in articles.items():
        assert by_key[f"faq/{article_id}"] == list(article.questions)

    responses = importer.get_domain().responses
    assert responses["utter_faq/zorgplicht"][0]["text"] == articles["zorgplicht"].reply_text
    assert "6 weken" in responses["utter_faq/zorgplicht"][0]["text"]
