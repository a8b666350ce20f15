"""How long a parent waits for the reply, through the running assistant.

Starts the real stack (trained model, Rasa, action server, gateway) on free
ports and sends the messages of a file one at a time, each in a fresh
conversation, as a parent on the website would. Prints the median, the 95th
percentile and the slowest reply, in milliseconds. The goal is a reply within
a second.

    .venv/gateway/bin/python bench/reply_latency.py tests/data/dev_messages.yml
"""
from __future__ import annotations

import asyncio
import statistics
import sys
import tempfile
import time
from pathlib import Path

import aiohttp
import yaml

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from scripts.stack import Ports, Stack, train_if_needed  # noqa: E402


async def waits(url: str, texts: list[str]) -> list[float]:
    """Seconds from sending each message to having its whole reply."""
    out = []
    async with aiohttp.ClientSession() as session:
        for text in texts:
            start = time.perf_counter()
            async with session.post(url + "api/messages", json={"text": text}) as response:
                response.raise_for_status()
                await response.json()
            out.append(time.perf_counter() - start)
    return out


def main() -> int:
    path = Path(sys.argv[1] if len(sys.argv) > 1 else "tests/data/dev_messages.yml")
    texts = [c["text"] for c in yaml.safe_load(path.read_text(encoding="utf-8"))]
    with tempfile.TemporaryDirectory() as var, Stack(model=train_if_needed(), ports=Ports.free(), var_dir=Path(var)) as stack:
        asyncio.run(waits(stack.url, texts[:5]))  # warm up: the first replies load lazily
        seconds = sorted(asyncio.run(waits(stack.url, texts)))
    ms = [s * 1000 for s in seconds]
    p95 = ms[min(len(ms) - 1, round(0.95 * len(ms)))]
    print(f"{path}: {len(ms)} messages, one at a time")
    print(f"reply in median {statistics.median(ms):.0f} ms · 95th percentile {p95:.0f} ms · slowest {ms[-1]:.0f} ms")
    return 0


if __name__ == "__main__":
    sys.exit(main())
