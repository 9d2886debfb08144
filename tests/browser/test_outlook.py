"""The Outlook task pane in a harness page, with office.js routed to a local stub over a fake compose item."""

from __future__ import annotations

import time

from playwright.sync_api import Frame, Page, expect

from .conftest import API_KEY, HERE, serve_file

PUSHY = (
    "Hi Sarah,\n\nHope this finds you well! Happy Friday!\n\n"
    "We are the leading provider of AI-powered sales software. Our team of 40 has won 3 industry awards.\n\n"
    "Do you have 30 minutes Thursday at 2pm for a quick call?\n\nBest,\nJohn\n"
)
POLITE = "Hi Sarah,\n\nI read your post about onboarding churn and wrote up two fixes that worked for a similar team.\n\nWant me to send them over?\n\nBest,\nJohn\n"
OFFICE_JS = "https://appsforoffice.microsoft.com/**"


HTML = (
    '<html><head><meta charset="utf-8"><style>p { margin: 0 }</style></head><body>'
    '<div dir="ltr" style="font-family: Calibri">👋🏽 Hi Sarah,</div><div><br></div>'
    "<div>Hope this finds you&nbsp;well! Happy Friday!</div><div><br></div>"
    '<div>We are <b>the leading provider</b> of <a href="https://acme.example/?a=1&amp;b=2">AI-powered</a> sales software. '
    "Our team of 40 has won 3 industry awards.</div><div><br></div>"
    '<div><span style="color: rgb(200, 0, 0)">Do you have 30 minutes Thursday at 2pm for a quick call?</span></div><div><br></div>'
    '<div id="Signature"><div>Best,</div><div>John · <i>CEO</i> 🚀</div></div></body></html>'
)


def open_pane(
    page: Page,
    service: str,
    body: str = PUSHY,
    subject: str = "Quick question",
    poll: int = 3000,
    html: str | None = None,
    ready: bool = True,
) -> Frame:
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
        "([s, b, h]) => { fakeOutlook.subject = s; if (h) { fakeOutlook.html = h; fakeOutlook.render(); } else fakeOutlook.setText(b); }",
        [subject, body, html],
    )
    page.evaluate(f"document.getElementById('pane').src = '/addin/outlook/taskpane.html?poll={poll}'")
    frame = page.frame_locator("#pane")
    if ready:
        expect(frame.locator("#panel")).to_have_attribute("data-phase", "final")
    else:
        expect(frame.locator("#panel.oc-panel")).to_have_count(1)
    return page.frame(url=lambda u: "taskpane.html" in u)


def calls(page: Page) -> list[str]:
    return page.evaluate("fakeOutlook.calls.slice()")


def test_reads_the_draft_through_office_js(page: Page, service: str) -> None:
    pane = open_pane(page, service)
    rules = {
        r for rs in pane.eval_on_selector_all(".oc-card", "els => els.map(e => e.dataset.rules)") for r in rs.split()
    }
    assert {"rapport.pleasantry", "value_first.me_too", "imposition.time_slot", "clarity.vague_subject"} <= rules
    made = calls(page)
    assert "subject.getAsync" in made and "body.getAsync:html" in made
    # The body went to the service as HTML; Outlook cannot highlight in place, so the pane shows a marked copy.
    crit = pane.evaluate("window.criticOutlook.panel.critique")
    assert crit["text"]["format"] == "html"
    assert "the leading provider" in pane.eval_on_selector_all(
        ".oc-preview-body mark", "els => els.map(e => e.textContent)"
    )
    # A click on marked words in the pane's copy of the draft opens their card.
    pane.locator(".oc-preview-body mark", has_text="Happy Friday!").click()
    expect(pane.locator(".oc-card.oc-open")).to_have_attribute("data-rules", "rapport.small_talk")


def test_rechecks_on_focus_and_on_a_slow_timer(page: Page, service: str) -> None:
    pane = open_pane(page, service)
    checks = int(pane.locator("#panel").get_attribute("data-checks"))
    # Focus: the user comes back to the pane after editing.
    page.evaluate("b => fakeOutlook.setText(b)", POLITE)
    pane.evaluate("window.dispatchEvent(new Event('focus'))")
    pane.wait_for_function(
        f"+document.querySelector('#panel').dataset.checks > {checks}"
        " && window.criticOutlook.panel.critique.text.body.includes('onboarding churn')"
    )
    expect(pane.locator(".oc-finding[data-rule='imposition.time_slot']")).to_have_count(0)
    # Timer: no focus event, the edit is found within one 3 s tick.
    page.evaluate("b => fakeOutlook.setText(b)", PUSHY)
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


def open_card(pane: Frame, rule: str):
    card = pane.locator(f".oc-card[data-rules~='{rule}']")
    card.locator(".oc-card-head").click()
    return card.locator(f".oc-finding[data-rule='{rule}']")


def test_applies_a_fix_in_place_in_an_html_body(page: Page, service: str) -> None:
    """No selection needed: only the quoted characters change; formatting, the link, emoji and signature stay."""
    pane = open_pane(page, service, html=HTML)
    crit = pane.evaluate("window.criticOutlook.panel.critique")
    assert crit["text"]["format"] == "html"
    open_card(pane, "value_first.me_too").locator("button.oc-apply", has_text="a provider").click()
    expect(pane.locator("#panel")).to_have_attribute("data-last-apply", "ok")
    assert page.evaluate("fakeOutlook.html") == HTML.replace("<b>the leading provider</b>", "<b>a provider</b>")
    made = calls(page)
    assert (
        "body.setAsync:html" in made and "getSelectedDataAsync" not in made and "body.setSelectedDataAsync" not in made
    )
    pane.wait_for_function("!window.criticOutlook.panel.critique.text.body.includes('leading provider')")
    # A deletion across an entity (&nbsp;) removes those characters and nothing else.
    page.evaluate("fakeOutlook.calls.length = 0")
    open_card(pane, "rapport.pleasantry").locator("button.oc-apply-delete").click()
    pane.wait_for_function("!window.criticOutlook.panel.critique.text.body.includes('Hope this')")
    assert page.evaluate("fakeOutlook.html") == HTML.replace(
        "<b>the leading provider</b>", "<b>a provider</b>"
    ).replace("Hope this finds you&nbsp;well! ", "")


def test_refuses_a_fix_when_the_words_moved(page: Page, service: str) -> None:
    pane = open_pane(page, service, html=HTML)
    button = open_card(pane, "value_first.me_too").locator("button.oc-apply", has_text="a provider")
    changed = HTML.replace("the leading provider", "the best provider")
    page.evaluate("h => { fakeOutlook.html = h; }", changed)  # edited behind the pane's back
    button.click()
    expect(pane.locator("#panel")).to_have_attribute("data-last-apply", "changed")
    assert page.evaluate("fakeOutlook.html") == changed
    assert "body.setAsync:html" not in calls(page)


def test_asks_for_the_key_and_keeps_it_in_roaming_settings(page: Page, keyed_service: str) -> None:
    pane = open_pane(page, keyed_service, ready=False)
    expect(pane.locator("#panel")).to_have_attribute("data-state", "auth")
    pane.fill(".oc-settings input[name=apiKey]", API_KEY)
    pane.click(".oc-save-settings")
    expect(pane.locator("#panel")).to_have_attribute("data-phase", "final")
    assert page.evaluate("fakeOutlook.saved") == {"critic.apiKey": API_KEY}
    assert "roamingSettings.saveAsync" in calls(page)


def test_taskpane_loads_office_js_from_the_cdn(page: Page, service: str) -> None:
    requested: list[str] = []
    page.on("request", lambda r: requested.append(r.url))
    open_pane(page, service)
    assert "https://appsforoffice.microsoft.com/lib/1/hosted/office.js" in requested
