"""The demo page (/demo): the shared panel beside a textarea, against the real service."""

from __future__ import annotations

import json

from playwright.sync_api import Page, expect

SUBJECT = "Quick question"
PUSHY = (
    "Hi Sarah,\n\nHope this finds you well! Happy Friday!\n\n"
    "We are the leading provider of AI-powered sales software. Our team of 40 has won 3 industry awards, "
    "and we offer a full range of services for companies of every size.\n\n"
    "Do you have 30 minutes Thursday at 2pm for a quick call?\n\nBest,\nJohn Smith\nCEO, Acme\n"
)


def open_demo(page: Page, service: str, query: str = "sample=clear") -> None:
    page.goto(f"{service}/demo?{query}")
    if "sample=clear" in query:
        expect(page.locator("#panel")).to_have_attribute("data-state", "empty")


def set_draft(page: Page, body: str, subject: str = SUBJECT) -> None:
    """Fill both fields and wait for the critique of exactly this text."""
    checks = int(page.locator("#panel").get_attribute("data-checks") or 0)
    page.fill("#subject", subject)
    page.fill("#body", body)
    page.wait_for_function(
        f"Number(document.querySelector('#panel').dataset.checks || 0) > {checks}"
        " && document.querySelector('#panel').dataset.phase === 'final'"
    )
    page.wait_for_function("window.criticDemo.panel.critique.text.body === document.querySelector('#body').value")


def card(page: Page, rule: str):
    """The card that holds a finding of `rule` (cards are one per span of words)."""
    return page.locator(f"#panel .oc-card[data-rules~='{rule}']")


def finding(page: Page, rule: str):
    """A finding of `rule`, its card opened first (cards start as one closed line)."""
    c = card(page, rule)
    if c.count() and "oc-open" not in (c.first.get_attribute("class") or ""):
        c.first.locator(".oc-card-head").click()
    return c.locator(f".oc-finding[data-rule='{rule}']")


def rules_shown(page: Page) -> set[str]:
    return {
        r
        for rules in page.eval_on_selector_all("#panel .oc-card", "els => els.map(e => e.dataset.rules)")
        for r in rules.split()
    }


def marks(page: Page) -> list[str]:
    return page.eval_on_selector_all("#backdrop .oc-hl", "els => els.map(e => e.textContent)")


def test_typing_a_pushy_draft_shows_findings_and_highlights(page: Page, service: str) -> None:
    open_demo(page, service)
    page.click("#subject")
    page.keyboard.type(SUBJECT)
    page.click("#body")
    page.keyboard.type(PUSHY)
    t0 = page.evaluate("performance.now()")
    page.wait_for_function(
        "[...document.querySelectorAll('#backdrop .oc-hl')].some(m => m.textContent.includes('Thursday at 2pm'))"
        " && document.querySelector('#panel .oc-card[data-rules~=\"imposition.time_slot\"]') !== null"
    )
    ms = page.evaluate("performance.now()") - t0
    print(f"\n[demo] last keystroke -> highlights visible: {ms:.0f} ms (debounce 350 ms + request + render)")

    assert {"rapport.pleasantry", "value_first.me_too", "imposition.time_slot"} <= rules_shown(page)
    # Cards start closed: one line each, with a human title, not a rule id.
    assert page.locator("#panel .oc-card-body").count() == 0
    assert (
        page.locator("#panel .oc-card[data-rules~='rapport.pleasantry'] .oc-card-title").text_content()
        == "Generic pleasantry"
    )
    assert finding(page, "imposition.time_slot").get_attribute("data-rubric") == "imposition"
    # The quoted words are highlighted, over exactly those characters of the draft.
    text = "".join(marks(page))
    assert "Hope this finds you well!" in text and "the leading provider" in text
    spans = page.eval_on_selector_all(
        "#backdrop .oc-hl", "els => els.map(e => [+e.dataset.start, +e.dataset.end, e.textContent])"
    )
    body = page.input_value("#body")
    assert spans and all(body[a:b] == t for a, b, t in spans)  # ASCII draft: UTF-16 offsets == Python offsets
    # Scores, the five rubrics and one strip segment per sentence.
    assert page.locator("#panel .oc-dial").get_attribute("data-score").isdigit()
    assert page.locator("#panel .oc-rubric").count() == 5
    crit = page.evaluate("window.criticDemo.panel.critique")
    assert page.locator("#panel .oc-seg").count() == len(crit["sentences"])
    assert (
        page.locator("#panel .oc-seg[data-role='ask']")
        .first.get_attribute("title")
        .startswith("Ask: Do you have 30 minutes")
    )
    assert page.locator("#panel").get_attribute("data-llm") == "off"  # no model configured: quiet, not "unavailable"


def test_apply_changes_exactly_that_span(page: Page, service: str) -> None:
    open_demo(page, service)
    set_draft(page, PUSHY)
    finding(page, "value_first.me_too").locator("button.oc-apply", has_text="a provider").click()
    expect(page.locator("#body")).to_have_value(PUSHY.replace("the leading provider", "a provider", 1))
    page.wait_for_function("window.criticDemo.panel.critique.text.body === document.querySelector('#body').value")
    expect(card(page, "value_first.me_too")).to_have_count(0)
    # A deletion ("" replacement) is labelled Delete and removes only the quoted words.
    before = page.input_value("#body")
    pleasantry = finding(page, "rapport.pleasantry")
    expect(pleasantry.locator("button.oc-apply-delete .oc-apply-text")).to_have_text("Delete")
    pleasantry.locator("button.oc-apply-delete").click()
    expect(page.locator("#body")).to_have_value(before.replace("Hope this finds you well! ", "", 1))


def test_apply_refuses_when_the_text_moved(page: Page, service: str) -> None:
    open_demo(page, service)
    set_draft(page, PUSHY)
    result = page.evaluate("""() => {
        const f = window.criticDemo.panel.critique.findings.find(f => f.rule === 'value_first.me_too');
        const body = document.querySelector('#body');
        body.value = 'X' + body.value;  // changed behind the panel's back, no input event
        return window.criticDemo.adapter.applyReplacement({field: 'body', start_utf16: f.start_utf16,
            end_utf16: f.end_utf16, expected: f.quote, replacement: 'a provider'});
    }""")
    assert result["ok"] is False and result["reason"] == "changed"
    assert page.input_value("#body") == "X" + PUSHY


def test_ignore_hides_a_rule_and_survives_reload(page: Page, service: str) -> None:
    page.goto(f"{service}/demo?sample=pushy")
    page.wait_for_selector("#panel[data-phase='final'] .oc-card[data-rules~='rapport.pleasantry']")
    assert any("Hope this finds you well!" in m for m in marks(page))
    finding(page, "rapport.pleasantry").locator("button.oc-ignore").click()
    expect(card(page, "rapport.pleasantry")).to_have_count(0)
    assert not any("Hope this finds you well!" in m for m in marks(page))
    assert json.loads(page.evaluate("localStorage.getItem('outreach-critic:ignored-rules')")) == ["rapport.pleasantry"]

    page.reload()
    page.wait_for_selector("#panel[data-phase='final'] .oc-card[data-rules~='imposition.time_slot']")
    expect(card(page, "rapport.pleasantry")).to_have_count(0)
    expect(page.locator("#panel [data-ignored-rule='rapport.pleasantry']")).to_have_count(1)
    # Un-ignore brings it back.
    page.locator("#panel .oc-ignored summary").click()
    page.locator("#panel [data-ignored-rule='rapport.pleasantry'] button").click()
    expect(card(page, "rapport.pleasantry")).to_have_count(1)


def test_emoji_before_a_span_does_not_shift_anything(page: Page, service: str) -> None:
    open_demo(page, service)
    draft = "👋🏽 " + PUSHY
    set_draft(page, draft)
    f = page.evaluate("window.criticDemo.panel.critique.findings.find(f => f.rule === 'value_first.me_too')")
    assert f["start_utf16"] == f["start"] + 2  # 👋🏽 is 2 code points, 4 UTF-16 units
    hl = [m for m in marks(page) if m == "the leading provider"]
    assert hl, marks(page)
    finding(page, "value_first.me_too").locator("button.oc-apply", has_text="a provider").click()
    expect(page.locator("#body")).to_have_value(draft.replace("the leading provider", "a provider", 1))
    page.wait_for_function("window.criticDemo.panel.critique.text.body === document.querySelector('#body').value")
    finding(page, "rapport.pleasantry").locator("button.oc-apply-delete").click()
    expect(page.locator("#body")).to_have_value(
        draft.replace("the leading provider", "a provider", 1).replace("Hope this finds you well! ", "", 1)
    )


HOSTILE = (
    'Hi Sarah,\n\nHope this finds you well! <img src=x onerror="window.__pwned=1">\n\n'
    "We are the leading provider <script>window.__pwned=1</script> of sales software.\n\n"
    "Do you have 30 minutes Thursday at 2pm?\n"
)


def test_hostile_draft_runs_nothing_and_shows_text_literally(page: Page, service: str) -> None:
    open_demo(page, service)
    set_draft(page, HOSTILE, subject='<b onmouseover="window.__pwned=1">hi</b>')
    page.hover("#panel")
    assert page.evaluate("typeof window.__pwned") == "undefined"
    assert page.locator("#panel img, #backdrop img, #panel script, #backdrop script, #panel b").count() == 0
    assert '<img src=x onerror="window.__pwned=1">' in page.text_content("#backdrop")
    titles = page.eval_on_selector_all("#panel .oc-seg", "els => els.map(e => e.title).join('\\n')")
    assert "<script>window.__pwned=1</script>" in titles
    quotes = page.eval_on_selector_all("#panel .oc-card-quote", "els => els.map(e => e.textContent).join('\\n')")
    assert "<" in quotes  # some quote holds markup, shown as characters


def test_hostile_draft_in_the_preview_panel(page: Page, service: str) -> None:
    """The paste page shows the draft copy (as Outlook does): still text only."""
    page.goto(f"{service}/panel/panel.html")
    page.fill("#subject", "Hello")
    page.fill("#body", HOSTILE)
    page.wait_for_selector("#panel[data-phase='final'] .oc-preview-body mark")
    assert page.evaluate("typeof window.__pwned") == "undefined"
    assert "<script>window.__pwned=1</script>" in page.text_content("#panel .oc-preview-body")
    assert page.locator("#panel img, #panel script").count() == 0


def test_service_unreachable_state(page: Page, service: str) -> None:
    page.goto(f"{service}/demo?sample=pushy&service=http://127.0.0.1:9")
    expect(page.locator("#panel")).to_have_attribute("data-state", "unreachable")
    expect(page.locator("#panel .oc-status")).to_contain_text("Service unreachable")
    expect(page.locator("#panel .oc-retry")).to_be_visible()


def _sse(*events: tuple[str, dict]) -> str:
    return "".join(f"event: {name}\ndata: {json.dumps(data)}\n\n" for name, data in events)


def _heuristic(service: str, page: Page) -> dict:
    res = page.request.post(
        f"{service}/v1/critique", data={"subject": SUBJECT, "body": PUSHY, "format": "text", "llm": "off"}
    )
    assert res.ok
    return res.json()


def test_llm_states_and_rewrite_diff(page: Page, service: str) -> None:
    base = _heuristic(service, page)
    thinking = dict(base, llm={"status": "pending", "reason": "the LLM rubrics follow in the `final` event"})
    rewrite = "Hi Sarah,\n\nI saw your post on pipeline hygiene.\n\nWould a two-minute summary help?\n\nBest,\nJohn\n"
    final_ok = dict(
        base, llm={"status": "ok", "reason": "", "rewrite": {"subject": "Pipeline hygiene", "body": rewrite}}
    )
    final_err = dict(base, llm={"status": "timeout", "reason": "the model did not answer in 20 s"})
    stream: dict[str, str] = {"body": _sse(("heuristic", thinking))}
    page.route(
        "**/v1/critique/stream",
        lambda route: route.fulfill(status=200, content_type="text/event-stream", body=stream["body"]),
    )

    page.goto(f"{service}/demo?sample=pushy")
    expect(page.locator("#panel")).to_have_attribute("data-llm", "thinking")
    expect(page.locator("#panel .oc-status")).to_contain_text("LLM still thinking")
    assert card(page, "imposition.time_slot").count() == 1  # heuristics shown while the LLM thinks

    stream["body"] = _sse(("heuristic", thinking), ("final", final_ok))
    page.click("#panel .oc-recheck")
    expect(page.locator("#panel")).to_have_attribute("data-llm", "ok")
    expect(page.locator("#panel .oc-rewrite ins").first).to_be_visible()
    inserted = page.eval_on_selector_all(
        "#panel .oc-rewrite [data-part='body'] ins", "els => els.map(e => e.textContent).join(' ')"
    )
    deleted = page.eval_on_selector_all(
        "#panel .oc-rewrite [data-part='body'] del", "els => els.map(e => e.textContent).join(' ')"
    )
    assert "two-minute" in inserted and "pipeline hygiene" in inserted
    assert "leading provider" in deleted and "Hi Sarah" not in deleted  # unchanged words are not marked

    stream["body"] = _sse(("heuristic", thinking), ("final", final_err))
    page.click("#panel .oc-recheck")
    expect(page.locator("#panel")).to_have_attribute("data-llm", "unavailable")
    expect(page.locator("#panel .oc-status")).to_contain_text("LLM unavailable")


def test_falls_back_to_plain_post_when_the_stream_is_missing(page: Page, service: str) -> None:
    page.route(
        "**/v1/critique/stream", lambda route: route.fulfill(status=404, content_type="application/json", body="{}")
    )
    page.goto(f"{service}/demo?sample=pushy")
    page.wait_for_selector("#panel[data-phase='final'] .oc-card[data-rules~='imposition.time_slot']")


def test_pages_work_under_the_service_csp(browser, service: str) -> None:
    """With the service's Content-Security-Policy enforced, the demo and paste pages load and work, no violations."""
    context = browser.new_context()
    try:
        pg = context.new_page()
        problems: list[str] = []
        pg.on("console", lambda m: problems.append(m.text) if "Content Security Policy" in m.text else None)
        pg.on("pageerror", lambda e: problems.append(str(e)))
        pg.goto(f"{service}/demo?sample=pushy")
        pg.wait_for_selector("#panel[data-phase='final'] .oc-card[data-rules~='imposition.time_slot']")
        pg.wait_for_selector("#backdrop .oc-hl")
        pg.goto(f"{service}/panel/panel.html")
        pg.fill("#body", PUSHY)
        pg.wait_for_selector("#panel[data-phase='final'] .oc-card[data-rules~='imposition.time_slot']")
        assert pg.locator("#panel .oc-dial").evaluate("e => getComputedStyle(e).getPropertyValue('--pct').trim()") != ""
        assert not problems, problems
    finally:
        context.close()
