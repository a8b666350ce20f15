"""The staff inbox in a real headless Chromium, with the real assistant behind it.

A parent on the widget asks for a person during office hours; the advisor,
logged in and online, sees the conversation appear live, claims it and
answers; the parent's widget shows the advisor's reply; the advisor hands the
conversation back and the assistant answers the parent's next question.
The gateway runs in this process with its clock inside office hours, in front
of the real Rasa and action server from the `stack` fixture.
Screenshots go to test-artifacts/inbox-*.png.
"""
from __future__ import annotations

import asyncio
import datetime as dt
import secrets

import pytest
from playwright.async_api import expect

from bot.app import STORE, create_app
from bot.conversations import HANDED_BACK
from bot.inbox.accounts import create_account
from bot.settings import Settings

from tests.e2e.browser import ARTIFACTS, chromium

pytestmark = pytest.mark.e2e

TUESDAY_MORNING = dt.datetime(2026, 11, 24, 10, 30, tzinfo=dt.timezone(dt.timedelta(hours=1)))
SCRIPT = "<script>document.title='hacked'</script><img src=x onerror=\"document.title='hacked'\"> is dit veilig?"
WAIT = 30_000  # ms, for anything that involves the assistant


@pytest.fixture
async def gateway(aiohttp_server, stack, tmp_path):
    settings = Settings(
        rasa_url=f"http://127.0.0.1:{stack.ports.rasa}", rasa_timeout=30,
        database_url=f"sqlite:///{tmp_path / 'gateway.db'}",
    )
    return await aiohttp_server(create_app(settings, clock=lambda: TUESDAY_MORNING), host="127.0.0.1")


@pytest.fixture
async def browser():
    async with chromium() as browser:
        yield browser


async def shot(page, name: str) -> None:
    ARTIFACTS.mkdir(exist_ok=True)
    await page.screenshot(path=str(ARTIFACTS / name), full_page=True)


async def test_advisor_takes_over_a_widget_conversation_and_hands_it_back(gateway, browser):
    password = secrets.token_urlsafe(18)  # made for this test; there is no default password
    await create_account(gateway.app[STORE], "anna", "Anna", "advisor", password)
    base = str(gateway.make_url("")).rstrip("/")
    async with asyncio.timeout(240):
        advisor_context = await browser.new_context(viewport={"width": 1280, "height": 860}, locale="nl-NL")
        parent_context = await browser.new_context(viewport={"width": 1000, "height": 800}, locale="nl-NL")
        advisor, parent = await advisor_context.new_page(), await parent_context.new_page()
        errors: list[str] = []
        advisor.on("pageerror", lambda exc: errors.append(str(exc)))

        # The advisor logs in (keyboard only) and goes online.
        await advisor.goto(f"{base}/inbox")
        await advisor.get_by_label("Gebruikersnaam").fill("anna")
        await advisor.get_by_label("Wachtwoord").fill(password)
        await advisor.get_by_label("Wachtwoord").press("Enter")
        presence = advisor.get_by_role("button", name="Online voor ouders")
        await presence.click()
        await expect(presence).to_have_attribute("aria-pressed", "true")
        await expect(advisor.get_by_text("Er wacht nu niemand.")).to_be_visible()
        await shot(advisor, "inbox-1-logged-in-online.png")

        # A parent on the widget asks for a person during office hours.
        await parent.goto(base + "/")
        log = parent.get_by_role("log")
        await log.get_by_text("Stel hier je vraag").wait_for(timeout=WAIT)
        box = parent.get_by_label("Je bericht")
        await box.fill("ik wil iemand spreken")
        await box.press("Enter")
        await log.get_by_text("Ik zet je door naar een adviseur").wait_for(timeout=WAIT)
        await box.fill(SCRIPT)
        await box.press("Enter")
        await log.get_by_text("Je bericht staat klaar voor de adviseur").wait_for(timeout=WAIT)

        # It appears in the inbox without a reload, with a count in the page title.
        item = advisor.locator("#queue-list button").first
        await expect(item).to_contain_text("Website", timeout=WAIT)
        await expect(advisor).to_have_title("(1) Inbox – Oudersteunpunt")
        await expect(advisor.locator("#queue-badge")).to_have_text("1")
        await shot(advisor, "inbox-2-parent-waiting.png")

        # The advisor opens and claims it; the parent's <script> is shown as text.
        await item.click()
        timeline = advisor.get_by_role("log", name="Verloop van het gesprek")
        await expect(timeline.locator("li.parent p.text").last).to_have_text(SCRIPT)
        assert await timeline.locator("img, script").count() == 0
        await advisor.get_by_role("button", name="Oppakken").click()
        await expect(advisor.get_by_role("status")).to_contain_text("Je hebt het gesprek opgepakt")
        await log.get_by_text("Anna, adviseur van het Oudersteunpunt, is er nu").wait_for(timeout=WAIT)

        # The advisor types (the parent sees it) and answers.
        reply = advisor.get_by_label("Je antwoord aan de ouder")
        await expect(reply).to_be_focused()
        await reply.press_sequentially("Hoi, ik ben Anna. ", delay=20)
        await expect(parent.locator(".osp-typing")).to_have_text("De adviseur typt…", timeout=10_000)
        await reply.press_sequentially("Waar kan ik je mee helpen?", delay=5)
        await advisor.get_by_role("button", name="Verstuur aan de ouder").click()
        await expect(timeline.locator("li.staff")).to_contain_text("Hoi, ik ben Anna. Waar kan ik je mee helpen?")
        answer = log.locator(".osp-staff").filter(has_text="Waar kan ik je mee helpen?")
        await answer.wait_for(timeout=WAIT)
        await expect(answer.locator(".osp-author")).to_have_text("Adviseur Anna")
        await expect(parent.locator(".osp-typing")).to_have_text("")
        await shot(advisor, "inbox-3-conversation-claimed.png")
        await shot(parent, "inbox-4-parent-widget-advisor-reply.png")

        # A tablet in portrait shows the same conversation in one column.
        await advisor.set_viewport_size({"width": 820, "height": 1180})
        await shot(advisor, "inbox-5-tablet.png")
        await advisor.set_viewport_size({"width": 1280, "height": 860})

        # The advisor hands back; the parent is told; the assistant answers again.
        await advisor.get_by_role("button", name="Teruggeven aan de assistent").click()
        await log.get_by_text(HANDED_BACK).wait_for(timeout=WAIT)
        await expect(advisor).to_have_title("Inbox – Oudersteunpunt")
        await box.fill("wat is een opp precies")
        await box.press("Enter")
        bot_answer = log.locator(".osp-bot").filter(has_text="Meer weten: https://")
        await bot_answer.last.wait_for(timeout=WAIT)
        await shot(parent, "inbox-6-parent-after-hand-back.png")

        assert await advisor.title() != "hacked" and await parent.title() != "hacked"
        assert errors == []
        await advisor_context.close()
        await parent_context.close()

    audit = [(e["actor"], e["action"]) for e in await gateway.app[STORE].audit_entries()]
    assert {("anna", "claim"), ("anna", "reply"), ("anna", "hand_back")} <= set(audit)


async def test_admin_works_callbacks_and_canned_answers_with_the_keyboard(gateway, browser):
    store = gateway.app[STORE]
    password = secrets.token_urlsafe(18)
    await create_account(store, "sanne", "Sanne", "admin", password)
    conversation = await store.conversation_for("web", "test-parent")
    await store.add_callback(conversation.id, "Fatima", "06-12345678", "dinsdagochtend",
                             "<b>De tlv</b> van mijn zoon duurt lang")
    base = str(gateway.make_url("")).rstrip("/")
    async with asyncio.timeout(120):
        context = await browser.new_context(viewport={"width": 1280, "height": 860}, locale="nl-NL")
        page = await context.new_page()
        await page.goto(f"{base}/inbox")
        # Keyboard only: the login form has the focus; before it, the skip link.
        await expect(page.get_by_label("Gebruikersnaam")).to_be_focused()
        await page.keyboard.press("Shift+Tab")
        await expect(page.get_by_role("link", name="Naar de inhoud")).to_be_focused()
        await page.keyboard.press("Tab")
        await page.keyboard.type("sanne")
        await page.keyboard.press("Tab")
        await page.keyboard.type(password)
        await page.keyboard.press("Enter")
        await expect(page.get_by_role("button", name="Accounts")).to_be_visible()

        # Callback requests: claim, note, status, filter.
        tab = page.get_by_role("button", name="Terugbelverzoeken")
        await tab.focus()
        await page.keyboard.press("Enter")
        card = page.locator("#callback-list li.card").first
        await expect(card).to_contain_text("<b>De tlv</b> van mijn zoon duurt lang")  # text, not HTML
        assert await card.locator("b").count() == 0
        await card.get_by_role("button", name="Terugbelverzoek van Fatima oppakken").click()
        await expect(card.get_by_role("button", name="Terugbelverzoek van Fatima oppakken")).to_have_count(0)
        await expect(card.locator("dd").nth(4)).to_have_text("Sanne")  # "Opgepakt door"
        await card.get_by_label("Notitie").fill("Voicemail ingesproken, morgen opnieuw.")
        await card.get_by_label("Notitie").press("Enter")
        await expect(card).to_contain_text("Voicemail ingesproken")
        await shot(page, "inbox-7-callbacks.png")
        await card.get_by_label("Status").select_option("gebeld")
        await expect(page.get_by_text("Geen terugbelverzoeken.")).to_be_visible()  # filter "Nieuw"
        await page.get_by_label("Toon").select_option("gebeld")
        await expect(page.locator("#callback-list li.card")).to_have_count(1)

        # Canned answers: the admin adds one; it shows in the list and in the reply form's menu.
        await page.get_by_role("button", name="Standaardantwoorden").click()
        await page.get_by_label("Titel").fill("Terugbellen")
        await page.get_by_label("Tekst").fill("Ik bel je morgen tussen 10.00 en 12.00 uur terug.")
        await page.get_by_role("button", name="Opslaan").click()
        await expect(page.locator("#canned-list")).to_contain_text("Ik bel je morgen")
        await expect(page.locator("#canned-select option")).to_have_count(2)
        await shot(page, "inbox-8-canned-answers.png")

        # The audit log shows what happened.
        await page.get_by_role("button", name="Logboek").click()
        await expect(page.locator("#audit-rows")).to_contain_text("terugbelverzoek opgepakt")
        await shot(page, "inbox-9-audit-log.png")
        await context.close()
