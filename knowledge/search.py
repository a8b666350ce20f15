"""BM25 search over the knowledge articles, with Dutch stemming.

Used by the action server when NLU is unsure which article a parent means:
the best two or three articles are offered as "Bedoel je: ...?" buttons.
Rasa side only (snowballstemmer is installed in .venv/rasa).
"""
from __future__ import annotations

import math
from collections import Counter
from dataclasses import dataclass

import snowballstemmer

from knowledge.articles import Article
from knowledge.english import dutch_meaning, words

# Words that say nothing about the topic (Dutch function words and chat filler).
STOPWORDS = frozenset(
    """de het een en of maar dat die dit deze er is zijn was waren ben bent wordt worden
    word kan kun kunnen mag mogen moet moeten wil willen zal zou heb heeft hebben had
    ik je jij u we wij ze zij hij mijn jouw zijn haar ons onze hun me mij wat wie
    waar hoe wanneer waarom welke of als dan ook nog al niet geen wel te van in op aan
    met voor naar bij uit over om door tot zo nu hier daar toch even heel erg echt
    hallo hoi graag vraag vraagje dus want ja nee oke ok the a an is are my i to of
    and for what how can do does""".split()
)
_stemmer = snowballstemmer.stemmer("dutch")


def terms(text: str) -> list[str]:
    return _stemmer.stemWords([w for w in words(text) if w not in STOPWORDS and len(w) > 1])


def query_terms(text: str) -> list[str]:
    """A parent's question as search terms; English words bring their Dutch meaning along."""
    return terms(f"{text} {dutch_meaning(text)}")


@dataclass(frozen=True)
class Hit:
    article: Article
    score: float


class ArticleSearch:
    """Okapi BM25 over title (counted twice), example questions and answer."""

    def __init__(self, articles: list[Article], k1: float = 1.4, b: float = 0.6):
        self.articles = articles
        self.k1, self.b = k1, b
        self.docs = [
            Counter(terms(f"{a.title} {a.title} {' '.join(a.questions)} {a.answer}"))
            for a in articles
        ]
        self.lengths = [sum(d.values()) for d in self.docs]
        self.avg_length = sum(self.lengths) / max(1, len(self.docs))
        df = Counter(t for d in self.docs for t in d)
        n = len(self.docs)
        self.idf = {t: math.log(1 + (n - f + 0.5) / (f + 0.5)) for t, f in df.items()}

    def search(self, query: str, limit: int = 3) -> list[Hit]:
        q = query_terms(query)
        hits = []
        for article, doc, length in zip(self.articles, self.docs, self.lengths):
            score = 0.0
            for t in q:
                tf = doc.get(t, 0)
                if tf:
                    norm = tf + self.k1 * (1 - self.b + self.b * length / self.avg_length)
                    score += self.idf[t] * tf * (self.k1 + 1) / norm
            if score > 0:
                hits.append(Hit(article, score))
        hits.sort(key=lambda h: h.score, reverse=True)
        return hits[:limit]
