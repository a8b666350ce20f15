"""Answer quality on a file of parent-style messages, through the running assistant.

Starts the real stack (trained model, Rasa, action server, gateway) on free
ports, sends every message in a fresh conversation and prints how often the
reply holds the key fact, how often it is exactly the expected article, and
how often the assistant asked back ("Bedoel je ...?"). For tuning use the
development set, not the test set:

    .venv/gateway/bin/python bench/answer_quality.py tests/data/dev_messages.yml
"""
from __future__ import annotations

import asyncio
import sys
import tempfile
from pathlib import Path

import aiohttp
import yaml

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from knowledge.articles import load_articles  # noqa: E402
from scripts.stack import Ports, Stack, train_if_needed  # noqa: E402

ASKED_BACK = "Bedoel je een van deze vragen?"


async def replies_for(url: str, texts: list[str]) -> list[tuple[str, list[str]]]:
    """For each message: the reply text, and the titles of the buttons it came with."""
    async def ask(session, text):
        async with session.post(url + "api/messages", json={"text": text}) as response:
            replies = (await response.json())["replies"]
        return "\n".join(r["text"] for r in replies), [b["title"] for r in replies for b in r["buttons"]]

    async with aiohttp.ClientSession() as session:
        out = []
        for i in range(0, len(texts), 8):
            out += await asyncio.gather(*(ask(session, t) for t in texts[i:i + 8]))
        return out


def main() -> int:
    path = Path(sys.argv[1] if len(sys.argv) > 1 else "tests/data/dev_messages.yml")
    cases = yaml.safe_load(path.read_text(encoding="utf-8"))
    articles = load_articles()
    with tempfile.TemporaryDirectory() as var, Stack(model=train_if_needed(), ports=Ports.free(), var_dir=Path(var)) as stack:
        answered = asyncio.run(replies_for(stack.url, [c["text"] for c in cases]))
    replies = [text for text, _ in answered]
    fact = sum(any(f.lower() in r.lower() for f in c["expect"]) for c, r in zip(cases, replies))
    exact = sum(articles[c["article"]].reply_text[:60] in r for c, r in zip(cases, replies))
    asked = sum(ASKED_BACK in r for r in replies)
    # When it asked back: was the right article the first choice offered?
    first_choice = sum(
        ASKED_BACK in text and bool(titles) and titles[0] == articles[c["article"]].title
        for c, (text, titles) in zip(cases, answered)
    )
    n = len(cases)
    print(f"{path}: {n} messages")
    print(f"key fact {fact / n:.1%} ({fact}) · exact article {exact / n:.1%} ({exact}) · asked back {asked / n:.1%} ({asked}),"
          f" the right article first among the choices in {first_choice} of those")
    for case, reply in zip(cases, replies):
        if not any(f.lower() in reply.lower() for f in case["expect"]):
            print(f"- {case['text'][:90]!r} ({case['article']}) -> {reply[:70]!r}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
