"""The English word list that the tokenizer and the search use."""
import dataclasses

from knowledge.articles import load_articles
from knowledge.english import ENGLISH_TERMS, dutch_meaning, term_problems


def test_the_real_list_points_only_to_words_the_articles_use():
    assert term_problems(ENGLISH_TERMS, load_articles().values()) == []
    assert len(ENGLISH_TERMS) >= 400


def test_a_broken_entry_is_reported():
    problems = term_problems(
        {"expel": "verwijdering", "Kick out": "verwijdering", "bus": "leerlingenvervoerpas", "fee": ""},
        [dataclasses.replace(
            load_articles()["verwijdering"], title="Verwijdering", answer="Mag de school dat?", questions=("en nu",)
        )],
    )
    assert problems == [
        "english_terms.yml: key 'Kick out' must be one lower-case English word",
        "english_terms.yml: 'bus' -> leerlingenvervoerpas: in no article",
        "english_terms.yml: 'fee' needs the Dutch words it means",
    ]


def test_an_english_question_gets_dutch_words_and_a_dutch_one_none():
    assert "schorsing" in dutch_meaning("my son got suspended for 3 days").split()
    assert dutch_meaning("mijn zoon is geschorst voor 3 dagen") == ""
