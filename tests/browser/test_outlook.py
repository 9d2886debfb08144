"""The Outlook task pane in a harness page, with office.js routed to a local stub over a fake compose item."""

from __future__ import annotations

import time

from playwright.sync_api import Frame, Page, expect

from .conftest import HERE, serve_file

PUSHY = (
    "Hi Sarah,\n\nHope this finds you well! Happy Friday!\n\n"
    "We are the leading provider of AI-powered sales software. Our team of 40 has won 3 industry awards.\n\n"
    "Do you have 30 minutes Thursday at 2pm for a quick call?\n\nBest,\nJohn\n"
)
POLITE = "Hi Sarah,\n\nI read your post about onboarding churn and wrote up two fixes that worked for a similar team.\n\nWant me to send them over?\n\nBest,\nJohn\n"
OFFICE_JS = "https://appsforoffice.microsoft.com/**"


def open_pane(page: Page, service: str, body: str = PUSHY, subject: str = "Quick question", poll: int = 3000) -> Frame:
    page.route(
        OFFICE_JS,
        lambda route: route.fulfill(
            status=200,
            content_type="text/javascript",
            body=(HERE / "stubs" / "office_stub.js").read_text(encoding="utf-8"),
        ),
    )
    serve_file(page, f"{service}/__harness__/outlook.html", HERE / "pages" / "outlook_harness.html")
    page.goto(f"{service}/__harness__/outlook.html")
    page.evaluate(
        "([s, b]) => { fakeOutlook.subject = s; fakeOutlook.body = b; fakeOutlook.render(); }", [subject, body]
    )
    page.evaluate(f"document.getElementById('pane').src = '/addin/outlook/taskpane.html?poll={poll}'")
    frame = page.frame_locator("#pane")
    expect(frame.locator("#panel")).to_have_attribute("data-phase", "final")
    return page.frame(url=lambda u: "taskpane.html" in u)


def calls(page: Page) -> list[str]:
    return page.evaluate("fakeOutlook.calls.slice()")


def test_reads_the_draft_through_office_js(page: Page, service: str) -> None:
    pane = open_pane(page, service)
    rules = set(pane.eval_on_selector_all(".oc-finding", "els => els.map(e => e.dataset.rule)"))
    assert {"rapport.pleasantry", "value_first.me_too", "imposition.time_slot", "clarity.vague_subject"} <= rules
    made = calls(page)
    assert "subject.getAsync" in made and "body.getAsync:html" in made
    # The body went to the service as HTML; Outlook cannot highlight in place, so the pane shows a marked copy.
    crit = pane.evaluate("window.criticOutlook.panel.critique")
    assert crit["text"]["format"] == "html"
    assert "the leading provider" in pane.eval_on_selector_all(
        ".oc-preview-body mark", "els => els.map(e => e.textContent)"
    )
    expect(pane.locator(".oc-hint")).to_contain_text("select the quoted words")


def test_rechecks_on_focus_and_on_a_slow_timer(page: Page, service: str) -> None:
    pane = open_pane(page, service)
    checks = int(pane.locator("#panel").get_attribute("data-checks"))
    # Focus: the user comes back to the pane after editing.
    page.evaluate("b => { fakeOutlook.body = b; fakeOutlook.render(); }", POLITE)
    pane.evaluate("window.dispatchEvent(new Event('focus'))")
    pane.wait_for_function(
        f"+document.querySelector('#panel').dataset.checks > {checks}"
        " && window.criticOutlook.panel.critique.text.body.includes('onboarding churn')"
    )
    expect(pane.locator(".oc-finding[data-rule='imposition.time_slot']")).to_have_count(0)
    # Timer: no focus event, the edit is found within one 3 s tick.
    page.evaluate("b => { fakeOutlook.body = b; fakeOutlook.render(); }", PUSHY)
    t0 = time.monotonic()
    pane.wait_for_function("window.criticOutlook.panel.critique.text.body.includes('Thursday at 2pm')", timeout=6000)
    assert time.monotonic() - t0 < 5
    # Never a tight poll: an idle 3.5 s costs at most two probes (each one subject + one text read).
    page.evaluate("fakeOutlook.calls.length = 0")
    page.wait_for_timeout(3500)
    assert calls(page).count("body.getAsync:text") <= 2
    # Hidden pane: the timer does nothing.
    pane.evaluate("Object.defineProperty(document, 'hidden', {value: true, configurable: true})")
    page.evaluate("fakeOutlook.calls.length = 0")
    page.wait_for_timeout(3300)
    assert "body.getAsync:text" not in calls(page)


def test_applies_a_fix_through_the_selection(page: Page, service: str) -> None:
    pane = open_pane(page, service)
    button = pane.locator(".oc-finding[data-rule='value_first.me_too'] button.oc-apply", has_text="a provider")
    # Nothing selected: refused, the user is told to select the words, the draft is untouched.
    button.click()
    expect(pane.locator(".oc-notice")).to_contain_text("Select “the leading provider”")
    assert page.evaluate("fakeOutlook.body") == PUSHY
    # The wrong words selected: refused too.
    start = PUSHY.index("the leading provider")
    page.evaluate(f"fakeOutlook.select({start}, {start + len('the leading')})")
    button.click()
    expect(pane.locator("#panel")).to_have_attribute("data-last-apply", "select")
    assert page.evaluate("fakeOutlook.body") == PUSHY
    assert "body.setSelectedDataAsync" not in calls(page)
    # The right words selected: replaced through setSelectedDataAsync, nothing else changes.
    page.evaluate(f"fakeOutlook.select({start}, {start + len('the leading provider')})")
    button.click()
    expect(pane.locator("#panel")).to_have_attribute("data-last-apply", "ok")
    assert page.evaluate("fakeOutlook.body") == PUSHY.replace("the leading provider", "a provider", 1)
    assert "body.setSelectedDataAsync" in calls(page)
    pane.wait_for_function("!window.criticOutlook.panel.critique.text.body.includes('leading provider')")


def test_taskpane_loads_office_js_from_the_cdn(page: Page, service: str) -> None:
    requested: list[str] = []
    page.on("request", lambda r: requested.append(r.url))
    open_pane(page, service)
    assert "https://appsforoffice.microsoft.com/lib/1/hosted/office.js" in requested
