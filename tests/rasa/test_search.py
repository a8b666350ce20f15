"""The BM25 search that backs the suggestions when NLU is unsure."""
import pytest

from knowledge.articles import load_articles
from knowledge.search import ArticleSearch, terms


@pytest.fixture(scope="module")
def search():
    return ArticleSearch(list(load_articles().values()))


def test_terms_drop_filler_and_stem_dutch():
    assert terms("Hoi, mijn kinderen zijn geschorst") == ["kinder", "schors"]
    assert terms("Scholen") == terms("school")
    assert terms("de en het") == []


@pytest.mark.parametrize(
    "query, expected",
    [
        ("mijn dochter zit al twee maanden thuis", "thuiszitten"),
        ("bezwaar maken tegen tlv", "tlv_bezwaar"),
        ("mag de school mijn kind definitief wegsturen", "verwijdering"),
        ("vrijstelling 5a leerplicht", "vrijstelling"),
        ("telefoonnummer oudersteunpunt", "contact_oudersteunpunt"),
    ],
)
def test_the_right_article_is_among_the_first_three(search, query, expected):
    assert expected in [h.article.id for h in search.search(query, 3)]


def test_nonsense_finds_nothing(search):
    assert search.search("qqq zzz xyzzy") == []


@pytest.mark.parametrize("query, expected", [
    ("can the school suspend my son and for how many days", "schorsing"),
    ("how long is the declaration of eligibility valid", "tlv_geldigheid"),
    ("my daughter is stuck at home, no school will take her", "thuiszitten"),
])
def test_english_questions_find_the_dutch_articles(search, query, expected):
    assert expected in [h.article.id for h in search.search(query, 3)]
