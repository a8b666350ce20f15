"""The inbox in headless Chromium with a WhatsApp parent: failed delivery and the 24-hour window.

A WhatsApp parent (signed webhooks, fake Twilio API, fake Rasa) waits for an
advisor. The advisor claims the conversation and answers; Twilio refuses one
message, and the inbox shows it was not delivered. A day later the advisor's
free text is refused by WhatsApp's rules: the inbox says so and offers the
template, which the fake Twilio API then receives. Screenshot:
test-artifacts/inbox-9-whatsapp-window.png.
"""
from __future__ import annotations

import asyncio

import pytest
from playwright.async_api import expect

from bot.inbox.accounts import create_account
from tests.e2e.browser import ARTIFACTS, chromium
from tests.gateway.fake_twilio import fake_twilio  # noqa: F401 (fixture)
from tests.gateway.test_whatsapp import (  # noqa: F401 (fixtures)
    clock, form_for, post, server, settled, store, whatsapp_settings,
)

PASSWORD = "een lang wachtwoord voor de test"


@pytest.fixture
async def browser():
    async with chromium() as browser:
        yield browser


async def test_the_inbox_shows_a_failed_delivery_and_offers_the_template(
    aiohttp_client, server, store, clock, fake_twilio, browser
):
    client = await aiohttp_client(server)
    await create_account(store, "sanne", "Sanne", "advisor", PASSWORD)
    base = str(server.make_url("")).rstrip("/")
    async with asyncio.timeout(90):
        page = await (await browser.new_context(viewport={"width": 1280, "height": 900}, locale="nl-NL")).new_page()
        await page.goto(f"{base}/inbox")
        await page.get_by_label("Gebruikersnaam").fill("sanne")
        await page.get_by_label("Wachtwoord").fill(PASSWORD)
        await page.get_by_role("button", name="Inloggen").click()
        await page.get_by_role("button", name="Online voor ouders").click()

        await post(client, form_for("ik wil iemand spreken"))
        await settled(server)
        await page.locator("#queue-list button").first.click()
        await page.get_by_role("button", name="Oppakken").click()
        await expect(page.get_by_label("Je antwoord aan de ouder")).to_be_visible()

        fake_twilio.fail_next(400, 21211)  # Twilio refuses this one for good
        await page.get_by_label("Je antwoord aan de ouder").fill("Hoi, ik ben Sanne.")
        await page.get_by_role("button", name="Verstuur aan de ouder").click()
        await settled(server)
        # The failure arrives live: no reload, no other action.
        await expect(page.locator("#timeline .delivery")).to_contain_text("Niet afgeleverd")

        clock.advance(25 * 3600)  # a day without a word from the parent
        await page.get_by_label("Je antwoord aan de ouder").fill("Hoe gaat het nu?")
        await page.get_by_role("button", name="Verstuur aan de ouder").click()
        await expect(page.locator("#conv-error")).to_contain_text("24 uur")
        template = page.get_by_role("button", name="WhatsApp-sjabloon sturen")
        await expect(template).to_be_visible()
        ARTIFACTS.mkdir(exist_ok=True)
        await page.screenshot(path=str(ARTIFACTS / "inbox-9-whatsapp-window.png"), full_page=True)
        await template.click()
        await expect(page.locator("#conv-status")).to_contain_text("Sjabloon verstuurd")
        await settled(server)
        assert "ContentSid" in fake_twilio.sent[-1]
        assert [m.get("Body") for m in fake_twilio.sent].count("Sanne (adviseur):\nHoi, ik ben Sanne.") == 0
