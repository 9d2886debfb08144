"""Sign-in: against a service with CRITIC_API_KEYS, the demo and the paste panel ask for the key, then work."""

from __future__ import annotations

import json

from playwright.sync_api import Page, expect

from .conftest import API_KEY, _free_port
from .test_demo import PUSHY


def enter_key(page: Page, key: str) -> None:
    page.fill("#panel .oc-settings input[name=apiKey]", key)
    page.click("#panel .oc-save-settings")


def test_demo_asks_for_the_key_then_works(page: Page, keyed_service: str) -> None:
    sent: list[dict] = []
    page.on("request", lambda r: sent.append({"url": r.url, "auth": r.headers.get("authorization")}))
    page.goto(f"{keyed_service}/demo?sample=pushy")
    # The key state before any key: a clear request for one, not a raw error, and no findings.
    expect(page.locator("#panel")).to_have_attribute("data-state", "auth")
    expect(page.locator("#panel")).to_have_attribute("data-key", "none")
    expect(page.locator("#panel .oc-status")).to_have_text("Enter your API key to check drafts.")
    expect(page.locator("#panel .oc-settings")).to_contain_text("needs an API key")
    assert page.locator("#panel .oc-card").count() == 0
    assert "401" not in page.text_content("#panel") and "Unauthorized" not in page.text_content("#panel")
    # A wrong key is refused in words.
    enter_key(page, "not-the-key")
    expect(page.locator("#panel")).to_have_attribute("data-key", "rejected")
    expect(page.locator("#panel .oc-settings")).to_contain_text("did not accept your API key")
    # The right key: the critique appears, and the key is remembered on this device.
    enter_key(page, API_KEY)
    page.wait_for_selector("#panel[data-phase='final'] .oc-card[data-rules~='imposition.time_slot']")
    assert (
        page.locator("#panel .oc-card-title").first.text_content() == "Vague subject line"
    )  # titles loaded with the key
    assert page.evaluate("localStorage.getItem('critic.apiKey')") == API_KEY
    page.reload()
    page.wait_for_selector("#panel[data-phase='final'] .oc-card[data-rules~='imposition.time_slot']")
    expect(page.locator("#panel")).to_have_attribute("data-key", "saved")
    # Sent in a header to the service's own origin, never in a URL.
    api = [s for s in sent if "/v1/" in s["url"]]
    assert api and all(API_KEY not in s["url"] and "not-the-key" not in s["url"] for s in sent)
    assert any(s["auth"] == f"Bearer {API_KEY}" for s in api)


def test_paste_panel_asks_for_the_key_then_works(page: Page, keyed_service: str) -> None:
    page.goto(f"{keyed_service}/panel/panel.html")
    page.fill("#body", PUSHY)
    expect(page.locator("#panel")).to_have_attribute("data-state", "auth")
    enter_key(page, API_KEY)
    page.wait_for_selector("#panel[data-phase='final'] .oc-card[data-rules~='imposition.time_slot']")
    # The settings view can be reopened by hand, and it never shows the key back.
    page.click("#panel .oc-settings-btn")
    expect(page.locator("#panel .oc-settings input[name=apiKey]")).to_have_value("")
    expect(page.locator("#panel .oc-settings input[name=apiKey]")).to_have_attribute("type", "password")


def test_a_served_panel_never_sends_the_key_to_another_origin(page: Page, keyed_service: str) -> None:
    page.goto(f"{keyed_service}/healthz")
    page.evaluate("k => localStorage.setItem('critic.apiKey', k)", API_KEY)
    other = f"http://127.0.0.1:{_free_port()}"
    seen: list[dict] = []

    def answer(route) -> None:
        seen.append({"url": route.request.url, "headers": route.request.headers})
        route.fulfill(
            status=401,
            content_type="application/problem+json",
            body=json.dumps({"title": "Unauthorized", "status": 401}),
        )

    page.route(f"{other}/**", answer)
    page.goto(f"{keyed_service}/demo?sample=pushy&service={other}")
    expect(page.locator("#panel")).to_have_attribute("data-state", "auth")
    assert seen, "the panel should have called the other service"
    for req in seen:
        assert "authorization" not in req["headers"] and "x-api-key" not in req["headers"], req
        assert API_KEY not in req["url"]
