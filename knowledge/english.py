"""English words parents use, with the Dutch words of the knowledge base they mean.

The list is knowledge/english_terms.yml. Both the NLU tokenizer and the article
search add the Dutch words to an English word, so "can a school expel my son"
is read like "... verwijderen verwijdering ..." and meets the Dutch questions
the assistant learned from.
"""
from __future__ import annotations

import hashlib
import re
from pathlib import Path
from typing import Iterable

import yaml

from knowledge.articles import Article

TERMS_FILE = Path(__file__).parent / "english_terms.yml"
ENGLISH_TERMS: dict[str, str] = yaml.safe_load(TERMS_FILE.read_text(encoding="utf-8"))
# Changes with the list, so that Rasa retrains what the tokenizer feeds.
TERMS_DIGEST = hashlib.sha256(TERMS_FILE.read_bytes()).hexdigest()[:12]

_WORD = re.compile(r"[a-zà-ÿ0-9]+")


def words(text: str) -> list[str]:
    """The lower-cased words of text (letters, accented ones too, and digits)."""
    return _WORD.findall(text.lower())


def dutch_meaning(text: str) -> str:
    """The Dutch words for the English words in text ("" when there are none)."""
    return " ".join(ENGLISH_TERMS[w] for w in words(text) if w in ENGLISH_TERMS)


def term_problems(terms: dict, articles: Iterable[Article]) -> list[str]:
    """Keys that are not one lower-case word, and Dutch words no article uses."""
    texts = (f"{a.title} {a.answer} {' '.join(a.questions)}" for a in articles)
    used = set(words(" ".join(texts)))
    problems = []
    for key, value in terms.items():
        if not isinstance(key, str) or not re.fullmatch(r"[a-z]+", key):
            problems.append(f"english_terms.yml: key {key!r} must be one lower-case English word")
        if not isinstance(value, str) or not value.split():
            problems.append(f"english_terms.yml: {key!r} needs the Dutch words it means")
            continue
        unused = [w for w in value.split() if w not in used]
        if unused:
            problems.append(f"english_terms.yml: {key!r} -> {', '.join(unused)}: in no article")
    return problems
