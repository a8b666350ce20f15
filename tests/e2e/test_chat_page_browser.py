"""The chat page in a real headless Chromium: a parent types and reads the answers."""
from __future__ import annotations

from pathlib import Path

import pytest

from tests.e2e.browser import ARTIFACTS, chromium

pytestmark = pytest.mark.e2e


@pytest.fixture
async def page():
    async with chromium() as browser:
        yield await browser.new_page(viewport={"width": 1100, "height": 800}, locale="nl-NL")


async def ask(page, text: str) -> None:
    box = page.get_by_label("Je bericht")
    await box.fill(text)
    await box.press("Enter")


async def test_parent_chats_on_the_chat_page(stack, page):
    await page.goto(stack.url)
    log = page.get_by_role("log")
    # The widget opens by itself on the chat page and greets locally.
    await log.get_by_text("Stel hier je vraag").wait_for(timeout=15000)

    await ask(page, "hallo")
    await log.get_by_text("geen mens").wait_for(timeout=30000)

    await ask(page, "de school zegt dat ze mijn zoon niet kunnen helpen, wat nu?")
    answer = log.locator(".osp-bot").filter(has_text="6 weken")
    await answer.wait_for(timeout=30000)
    link = answer.get_by_role("link")
    assert (await link.first.get_attribute("href")).startswith("https://")
    buttons = page.locator(".osp-buttons button")
    assert await buttons.count() >= 1

    ARTIFACTS.mkdir(exist_ok=True)
    await page.screenshot(path=str(ARTIFACTS / "chat-page.png"), full_page=True)

    # A reload keeps the conversation (the key is in localStorage).
    await page.reload()
    await page.get_by_role("log").locator(".osp-bot").filter(has_text="6 weken").wait_for(timeout=15000)


async def test_parent_text_is_shown_as_text_not_html(stack, page):
    await page.goto(stack.url)
    await page.get_by_role("log").get_by_text("Stel hier je vraag").wait_for(timeout=15000)
    await ask(page, "<img src=x onerror=\"document.title='hacked'\"> wat is een opp")
    await page.get_by_role("log").locator(".osp-parent").filter(has_text="<img src=x").wait_for(timeout=10000)
    await page.get_by_role("log").locator(".osp-bot").last.wait_for(timeout=30000)
    assert await page.title() != "hacked"
    assert await page.locator(".osp-log img").count() == 0


async def test_every_topic_gets_a_readable_answer_with_its_link(stack, page):
    """A conversation per article, typed in the widget: the answer and its link show.

    The parent types one message (written apart from the training examples).
    When the assistant asks "Bedoel je ...?" or answers a neighbouring article,
    the parent clicks the button of the article they meant (offered as a
    choice or as a related question), as a parent would; then the answer must
    come. How many topics needed that click goes to test-artifacts/every-topic.txt.
    """
    import yaml

    from knowledge.articles import load_articles

    cases = yaml.safe_load(
        (Path(__file__).resolve().parents[1] / "data" / "parent_messages.yml").read_text(encoding="utf-8")
    )
    first_per_article = {}
    for case in cases:
        first_per_article.setdefault(case["article"], case)
    articles = load_articles()
    assert set(first_per_article) == set(articles)

    await page.goto(stack.url)
    log = page.get_by_role("log")
    await log.get_by_text("Stel hier je vraag").wait_for(timeout=15000)

    async def next_reply(before: int):
        reply = log.locator(".osp-bot, .osp-system").nth(before)
        await reply.wait_for(timeout=30000)
        return reply

    def answers(text: str, case: dict) -> bool:
        return any(f.lower() in text.lower() for f in case["expect"])

    direct, via_choice, wrong = [], [], []
    for article_id, case in sorted(first_per_article.items()):
        before = await log.locator(".osp-bot, .osp-system").count()
        await ask(page, case["text"])
        reply = await next_reply(before)
        text = await reply.inner_text()
        if await reply.get_by_role("link").count() and answers(text, case):
            direct.append(article_id)
            continue
        choice = reply.locator("xpath=following-sibling::*[1]").get_by_role(
            "button", name=articles[article_id].title, exact=True
        )
        if await choice.count():
            before = await log.locator(".osp-bot, .osp-system").count()
            await choice.click()
            reply = await next_reply(before)
            text = await reply.inner_text()
            if await reply.get_by_role("link").count() and answers(text, case):
                via_choice.append(article_id)
                continue
        wrong.append(f"{article_id}: {case['text'][:60]!r} -> {text[:80]!r}")
    ARTIFACTS.mkdir(exist_ok=True)
    await page.screenshot(path=str(ARTIFACTS / "every-topic.png"))
    (ARTIFACTS / "every-topic.txt").write_text(
        f"answered at once: {len(direct)} of {len(articles)}\n"
        f"answered after one click on the offered choices: {len(via_choice)} ({', '.join(via_choice)})\n"
        f"not answered: {len(wrong)}\n" + "".join(f"- {w}\n" for w in wrong),
        encoding="utf-8",
    )
    assert wrong == [], "\n".join(wrong)
