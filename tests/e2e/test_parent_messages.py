"""Parent-style questions, written apart from the training examples, scored end to end.

Each message of tests/data/parent_messages.yml goes to the running assistant in
a fresh conversation; it passes when a reply contains one of its key facts.
The pass rate and every failure are written to test-artifacts/.
"""
from __future__ import annotations

import asyncio
from pathlib import Path

import aiohttp
import pytest
import yaml

from knowledge.articles import load_articles

pytestmark = pytest.mark.e2e

DATA = Path(__file__).resolve().parents[1] / "data" / "parent_messages.yml"
REPORT = Path(__file__).resolve().parents[2] / "test-artifacts" / "parent_messages.txt"
# A regression guard, not the target: measured 85.0-88.5% over the trainings of
# this data so far (retraining moves it by a few messages); see the report.
MIN_PASS_RATE = 0.80


async def ask(session: aiohttp.ClientSession, url: str, text: str) -> str:
    async with session.post(url + "api/messages", json={"text": text}) as response:
        body = await response.json()
    return "\n".join(r["text"] for r in body["replies"])


async def test_parent_messages_get_the_key_fact(stack):
    cases = yaml.safe_load(DATA.read_text(encoding="utf-8"))
    assert len(cases) >= 150
    failures = []
    async with aiohttp.ClientSession() as session:
        replies = []
        for i in range(0, len(cases), 8):  # a few at a time, like real parents
            batch = cases[i:i + 8]
            replies += await asyncio.gather(*(ask(session, stack.url, c["text"]) for c in batch))
    articles = load_articles()
    right_article = 0
    for case, reply in zip(cases, replies):
        right_article += articles[case["article"]].reply_text[:60] in reply
        if not any(fact.lower() in reply.lower() for fact in case["expect"]):
            failures.append((case, reply))
    rate = 1 - len(failures) / len(cases)
    REPORT.parent.mkdir(exist_ok=True)
    lines = [
        f"key fact in the reply: {rate:.1%} ({len(cases) - len(failures)}/{len(cases)})",
        f"exactly the expected article: {right_article / len(cases):.1%} ({right_article}/{len(cases)})",
        "",
    ]
    for case, reply in failures:
        lines += [f"- {case['text']!r} (expected {case['article']}: {case['expect']})",
                  f"  got: {reply[:160]!r}"]
    REPORT.write_text("\n".join(lines) + "\n", encoding="utf-8")
    print("\n".join(lines[:2]))
    assert rate >= MIN_PASS_RATE, f"pass rate {rate:.1%}; see {REPORT}"
