"""Load and validate the knowledge articles (knowledge/articles/*.yml)."""
from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlparse

import yaml

from knowledge import ARTICLES_DIR
from knowledge.readability import average_sentence_length

MIN_QUESTIONS = 15
MAX_REPLY_CHARS = 700  # one WhatsApp message, answer and link together
MAX_TITLE_CHARS = 60
MAX_AVERAGE_SENTENCE_WORDS = 15
FOLLOWUP_KINDS = ("duur", "oneens", "wie", "hulp", "kosten")
REQUIRED = ("id", "title", "questions", "answer", "link", "related", "sources", "reviewed")
_ID = re.compile(r"^[a-z0-9_]+$")


@dataclass(frozen=True)
class Article:
    id: str
    title: str
    questions: tuple[str, ...]
    answer: str
    link: str
    related: tuple[str, ...]
    sources: tuple[str, ...]
    reviewed: dt.date
    followups: dict[str, str] = field(default_factory=dict)
    path: Path | None = None

    @property
    def reply_text(self) -> str:
        """The text a parent reads: the answer with its one link for more.

        Single line breaks only: Rasa splits a text at blank lines into
        separate messages, and an answer must stay one message.
        """
        answer = re.sub(r"\n\s*\n+", "\n", self.answer.strip())
        return f"{answer}\nMeer weten: {self.link}"


class KnowledgeError(ValueError):
    """The knowledge base has problems; `problems` lists them all."""

    def __init__(self, problems: list[str]):
        super().__init__("\n".join(problems))
        self.problems = problems


def _as_article(data: dict, path: Path) -> Article:
    return Article(
        id=str(data["id"]),
        title=str(data["title"]).strip(),
        questions=tuple(str(q).strip() for q in data["questions"]),
        answer=str(data["answer"]).strip(),
        link=str(data["link"]).strip(),
        related=tuple(str(r) for r in data.get("related") or ()),
        sources=tuple(str(s).strip() for s in data.get("sources") or ()),
        reviewed=data["reviewed"],
        followups={str(k): str(v) for k, v in (data.get("followups") or {}).items()},
        path=path,
    )


def _schema_problems(data: object, path: Path) -> list[str]:
    name = path.name
    if not isinstance(data, dict):
        return [f"{name}: not a YAML mapping"]
    problems = [f"{name}: missing field '{key}'" for key in REQUIRED if key not in data]
    if problems:
        return problems
    if not isinstance(data["questions"], list) or not all(isinstance(q, str) for q in data["questions"]):
        problems.append(f"{name}: 'questions' must be a list of strings")
    if not isinstance(data["related"], list):
        problems.append(f"{name}: 'related' must be a list of article ids")
    if not isinstance(data["sources"], list):
        problems.append(f"{name}: 'sources' must be a list of URLs")
    if not isinstance(data["reviewed"], dt.date):
        problems.append(f"{name}: 'reviewed' must be a date (YYYY-MM-DD)")
    if not isinstance(data.get("followups") or {}, dict):
        problems.append(f"{name}: 'followups' must be a mapping kind -> article id")
    return problems


def is_well_formed_url(url: str) -> bool:
    parsed = urlparse(url)
    return (
        parsed.scheme == "https"
        and "." in parsed.netloc
        and not any(c.isspace() for c in url)
    )


def normalise_question(text: str) -> str:
    return " ".join(re.sub(r"[^\w\s]", " ", text.lower()).split())


def article_problems(article: Article, ids: set[str]) -> list[str]:
    """Everything wrong with one article (ids: all article ids, for references)."""
    a, p = article, []
    where = a.path.name if a.path else a.id
    if not _ID.match(a.id):
        p.append(f"{where}: id '{a.id}' may only use a-z, 0-9 and _")
    if a.path and a.path.stem != a.id:
        p.append(f"{where}: file name must be {a.id}.yml")
    if not a.title or len(a.title) > MAX_TITLE_CHARS:
        p.append(f"{where}: title must be 1-{MAX_TITLE_CHARS} characters")
    distinct = {normalise_question(q) for q in a.questions}
    if len(distinct) < MIN_QUESTIONS:
        p.append(f"{where}: {len(distinct)} distinct example questions, at least {MIN_QUESTIONS} needed")
    if len(a.reply_text) > MAX_REPLY_CHARS:
        p.append(f"{where}: answer and link are {len(a.reply_text)} characters, at most {MAX_REPLY_CHARS}")
    asl = average_sentence_length(a.answer)
    if asl > MAX_AVERAGE_SENTENCE_WORDS:
        p.append(f"{where}: average sentence length {asl:.1f} words, at most {MAX_AVERAGE_SENTENCE_WORDS}")
    if re.search(r"\b(u|uw)\b", a.answer):
        p.append(f"{where}: the answer uses 'u'/'uw'; the assistant says 'je'")
    for url in (a.link, *a.sources, *re.findall(r"https?://\S+", a.answer)):
        if not is_well_formed_url(url.rstrip(".,)")):
            p.append(f"{where}: malformed link {url!r}")
    if not a.sources:
        p.append(f"{where}: no source")
    if not 1 <= len(a.related) <= 3:
        p.append(f"{where}: 'related' needs 1-3 article ids")
    for ref in (*a.related, *a.followups.values()):
        if ref not in ids:
            p.append(f"{where}: refers to unknown article '{ref}'")
        elif ref == a.id:
            p.append(f"{where}: refers to itself")
    for kind in a.followups:
        if kind not in FOLLOWUP_KINDS:
            p.append(f"{where}: unknown follow-up kind '{kind}' (use {', '.join(FOLLOWUP_KINDS)})")
    if a.reviewed > dt.date.today():
        p.append(f"{where}: reviewed date {a.reviewed} is in the future")
    return p


def duplicate_question_problems(articles: list[Article]) -> list[str]:
    seen: dict[str, str] = {}
    problems = []
    for a in articles:
        for q in a.questions:
            key = normalise_question(q)
            owner = seen.setdefault(key, a.id)
            if owner != a.id:
                problems.append(f"question {q!r} is used in both '{owner}' and '{a.id}'")
    return problems


def read_articles(directory: Path = ARTICLES_DIR) -> tuple[list[Article], list[str]]:
    """All articles that could be read, and the problems found on the way."""
    articles, problems = [], []
    for path in sorted(directory.glob("*.yml")):
        try:
            data = yaml.safe_load(path.read_text(encoding="utf-8"))
        except yaml.YAMLError as exc:
            problems.append(f"{path.name}: not valid YAML ({exc})")
            continue
        found = _schema_problems(data, path)
        if found:
            problems.extend(found)
            continue
        articles.append(_as_article(data, path))
    ids = [a.id for a in articles]
    problems.extend(f"duplicate id '{i}'" for i in sorted({i for i in ids if ids.count(i) > 1}))
    for a in articles:
        problems.extend(article_problems(a, set(ids)))
    problems.extend(duplicate_question_problems(articles))
    return articles, problems


def load_articles(directory: Path = ARTICLES_DIR) -> dict[str, Article]:
    """The articles by id; raises KnowledgeError when any article is invalid."""
    articles, problems = read_articles(directory)
    if problems:
        raise KnowledgeError(problems)
    return {a.id: a for a in articles}
