"""The knowledge base validator, on the real articles and on broken ones."""
from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from knowledge import ARTICLES_DIR
from knowledge.articles import KnowledgeError, load_articles, read_articles
from knowledge.readability import average_sentence_length, flesch_douma, sentences


def test_the_real_knowledge_base_passes_the_validator():
    articles, problems = read_articles()
    assert problems == []
    assert {"zorgplicht", "tlv", "tlv_bezwaar"} <= {a.id for a in articles}


def test_zorgplicht_answer_names_the_six_weeks():
    assert "6 weken" in load_articles()["zorgplicht"].reply_text


GOOD = """\
id: {id}
title: Wat is een test?
questions:
{questions}
answer: |
  Dit is een kort antwoord. Het heeft korte zinnen.
link: https://www.oudersteunpunt020.nl
related: [{related}]
sources: [https://www.oudersteunpunt020.nl]
reviewed: 2026-01-01
"""


def write(directory: Path, article_id: str, related: str, questions=None, **replace):
    questions = questions or [f"vraag {article_id} nummer {i}" for i in range(15)]
    text = GOOD.format(
        id=article_id, related=related, questions="\n".join(f"  - {q}" for q in questions)
    )
    for old, new in replace.items():
        text = text.replace(old, new)
    (directory / f"{article_id}.yml").write_text(text, encoding="utf-8")


@pytest.fixture
def kb(tmp_path):
    write(tmp_path, "een", "twee")
    write(tmp_path, "twee", "een")
    return tmp_path


def test_a_valid_pair_of_articles_loads(kb):
    assert set(load_articles(kb)) == {"een", "twee"}


@pytest.mark.parametrize(
    "change, expected",
    [
        ({"answer: |": "antwoord: |"}, "missing field 'answer'"),
        ({"https://www.oudersteunpunt020.nl\nrelated": "htps//kapot\nrelated"}, "malformed link"),
        ({"sources: [https://www.oudersteunpunt020.nl]": "sources: []"}, "no source"),
        ({"related: [een]": "related: [bestaat_niet]"}, "unknown article 'bestaat_niet'"),
        ({"Dit is een kort antwoord.": "Kun u dit lezen."}, "'u'/'uw'"),
        ({"Het heeft korte zinnen.": "Dit " + "woord " * 40 + "is te lang." * 1}, "average sentence length"),
        ({"Dit is een kort antwoord.": "Lang. " * 150}, "at most 700"),
        ({"reviewed: 2026-01-01": "reviewed: morgen"}, "must be a date"),
        ({"id: twee": "id: Twee!"}, "may only use"),
    ],
)
def test_each_kind_of_problem_is_reported(kb, change, expected):
    write(kb, "twee", "een", **change)
    with pytest.raises(KnowledgeError) as error:
        load_articles(kb)
    assert any(expected in p for p in error.value.problems), error.value.problems


def test_too_few_questions_is_reported(kb):
    write(kb, "twee", "een", questions=[f"vraag {i}" for i in range(14)])
    _, problems = read_articles(kb)
    assert any("14 distinct example questions, at least 15" in p for p in problems)


def test_a_question_in_two_articles_is_reported(kb):
    write(kb, "twee", "een", questions=["Vraag een nummer 3?"] + [f"andere {i}" for i in range(15)])
    _, problems = read_articles(kb)
    assert any("used in both 'een' and 'twee'" in p for p in problems)


def test_invalid_yaml_is_reported_with_the_file_name(kb):
    (kb / "drie.yml").write_text("id: [unclosed", encoding="utf-8")
    _, problems = read_articles(kb)
    assert any(p.startswith("drie.yml: not valid YAML") for p in problems)


def test_readability_measures():
    text = "Dit is een zin. Dit is nog een zin met meer woorden erin!\nEen regel."
    assert len(sentences(text)) == 3
    assert average_sentence_length(text) == pytest.approx(15 / 3)
    assert flesch_douma("De kat zit op de mat.") > flesch_douma(
        "Toelaatbaarheidsverklaringsprocedures veronderstellen samenwerkingsverbanden."
    )
    # Phone numbers and abbreviations do not split sentences.
    assert len(sentences("Bel 020-330 63 20 of mail bijv. info@oudersteunpunt020.nl.")) == 1


def test_every_answer_stays_one_message():
    # Rasa splits texts at blank lines; an answer with its link must stay one message.
    for article in load_articles().values():
        assert "\n\n" not in article.reply_text, article.id
        assert article.reply_text.endswith(f"Meer weten: {article.link}")
