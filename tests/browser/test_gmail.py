"""The Gmail content script in a page shaped like Gmail's compose window, against the real service.

The extension's service worker is replaced by a shim for chrome.runtime.sendMessage that calls the
service directly (the page lives on the service's origin, so no CORS is involved).
"""

from __future__ import annotations

from playwright.sync_api import Page, expect

from .conftest import ADDIN, HERE, serve_file

SHIM = """
window.chrome = { runtime: {
  lastError: undefined,
  sendMessage(msg, cb) {
    window.__sent = (window.__sent || 0) + 1;
    fetch('/v1/critique', { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(msg.request) })
      .then(r => r.json().then(d => cb(r.ok ? { ok: true, critique: d } : { ok: false, error: d.detail })))
      .catch(e => cb({ ok: false, unreachable: true, error: String(e) }));
  } } };
"""

RANGES = """() => {
  const out = {};
  for (const sev of ['error', 'warning', 'suggestion']) {
    const hl = CSS.highlights.get('outreach-critic-' + sev);
    out[sev] = hl ? [...hl].map(r => r.toString()) : [];
  }
  return out;
}"""

BODY = "[aria-label='Message Body']"


def open_compose(page: Page, service: str, body_html: str | None = None) -> None:
    serve_file(page, f"{service}/__harness__/gmail.html", HERE / "pages" / "gmail_compose.html")
    page.goto(f"{service}/__harness__/gmail.html")
    if body_html is not None:
        page.eval_on_selector(
            BODY, "(el, html) => { el.innerHTML = html; }", body_html
        )  # test fixture markup, not draft text
    page.add_script_tag(content=SHIM)
    page.add_style_tag(path=str(ADDIN / "gmail" / "highlights.css"))
    page.add_script_tag(path=str(ADDIN / "gmail" / "content.js"))
    page.wait_for_function("CSS.highlights.has('outreach-critic-error')")


def text(page: Page) -> str:
    return page.evaluate(f'__outreachCriticGmail.buildText(document.querySelector("{BODY}")).text')


def all_ranges(page: Page) -> list[str]:
    r = page.evaluate(RANGES)
    return r["error"] + r["warning"] + r["suggestion"]


def test_text_model_matches_what_the_reader_sees(page: Page, service: str) -> None:
    open_compose(page, service)
    assert text(page) == (
        "Hi Sarah,\n\nHope this finds you well! Happy Friday!\n\n"
        "We are the leading provider of AI-powered sales software. Our team of 40 has won 3 industry awards, "
        "and we offer a full range of services for companies of every size.\n\n"
        "Do you have 30 minutes Thursday at 2pm for a quick call?\n\nBest,\nJohn Smith\nCEO, Acme"
    )
    # (innerText would say "Hi Sarah,\n\n\nHope": it counts <div><br></div> as three breaks, not one blank line.)


def test_highlights_cover_the_flagged_words(page: Page, service: str) -> None:
    open_compose(page, service)
    ranges = page.evaluate(RANGES)
    assert "Do you have 30 minutes Thursday at 2pm for a quick call?" in ranges["error"]
    assert "the leading provider" in ranges["warning"]
    assert "Hope this finds you well! " in ranges["warning"]
    # Highlights add nothing to the compose box: the email's DOM is what the user wrote.
    assert page.locator(f"{BODY} mark, {BODY} span").count() == 0
    # The injected panel (shadow DOM) lists the findings with data-rule / data-rubric.
    panel = page.locator("#outreach-critic-panel")
    expect(panel.locator(".finding[data-rule='imposition.time_slot']")).to_have_attribute("data-rubric", "imposition")
    expect(panel.locator(".finding[data-rule='rapport.pleasantry']")).to_have_count(1)


def test_highlights_follow_edits(page: Page, service: str) -> None:
    open_compose(page, service)
    sent = page.evaluate("window.__sent")
    # Type at the start of the "We are ..." paragraph: live ranges move with the text at once ...
    page.evaluate(f"""() => {{
        const body = document.querySelector("{BODY}");
        const walker = document.createTreeWalker(body, NodeFilter.SHOW_TEXT);
        let n; while ((n = walker.nextNode()) && !n.data.startsWith('We are')) {{}}
        body.focus();
        const r = document.createRange(); r.setStart(n, 0); r.collapse(true);
        getSelection().removeAllRanges(); getSelection().addRange(r);
    }}""")
    page.keyboard.type("Honestly, ")
    assert "the leading provider" in all_ranges(page)
    # ... and after the debounced re-check they are rebuilt over the new text.
    page.wait_for_function(f"window.__sent >= {sent + 2}")
    page.wait_for_function(
        "[...CSS.highlights.get('outreach-critic-warning')].some(r => r.toString() === 'the leading provider')"
    )
    assert "Honestly, We are the leading provider" in text(page)
    for quote in (
        "the leading provider",
        "Hope this finds you well! ",
        "Do you have 30 minutes Thursday at 2pm for a quick call?",
    ):
        assert quote in all_ranges(page)
    # Deleting the flagged words removes their highlight.
    page.evaluate(f"""() => {{
        const body = document.querySelector("{BODY}");
        const walker = document.createTreeWalker(body, NodeFilter.SHOW_TEXT);
        let n; while ((n = walker.nextNode()) && !n.data.includes('Do you have')) {{}}
        body.focus();
        const r = document.createRange(); r.selectNodeContents(n);
        getSelection().removeAllRanges(); getSelection().addRange(r);
        document.execCommand('insertText', false, 'Would a short summary help?');
    }}""")
    page.wait_for_function(
        "!(CSS.highlights.get('outreach-critic-error') && [...CSS.highlights.get('outreach-critic-error')].some(r => r.toString().includes('Thursday')))"
    )


def test_apply_changes_only_that_span(page: Page, service: str) -> None:
    html = (
        '<div dir="ltr">👋🏽 Hi Sarah,<div><br></div><div>Hope this finds you well! Happy Friday!</div><div><br></div>'
        "<div>We are <b>the leading provider</b> of AI-powered sales software.</div><div><br></div>"
        "<div>Do you have 30 minutes Thursday at 2pm for a quick call?</div><div><br></div><div>Best,</div><div>John</div></div>"
    )
    open_compose(page, service, html)
    before = text(page)
    assert "the leading provider" in all_ranges(page)  # across the <b> boundary, after an emoji
    panel = page.locator("#outreach-critic-panel")
    panel.locator(".finding[data-rule='value_first.me_too'] button.apply", has_text="a provider").click()
    page.wait_for_function(
        "!__outreachCriticGmail.buildText(document.querySelector(\"[aria-label='Message Body']\")).text.includes('leading')"
    )
    assert text(page) == before.replace("the leading provider", "a provider", 1)
    sent = page.evaluate("window.__sent")
    page.wait_for_function(f"window.__sent >= {sent}")
    page.wait_for_function(
        "[...CSS.highlights.get('outreach-critic-warning')].some(r => r.toString() === 'Hope this finds you well! ')"
    )
    after_first = text(page)
    panel.locator(".finding[data-rule='rapport.pleasantry'] button.apply.delete").click()
    page.wait_for_function(
        "!__outreachCriticGmail.buildText(document.querySelector(\"[aria-label='Message Body']\")).text.includes('Hope this')"
    )
    assert text(page) == after_first.replace("Hope this finds you well! ", "", 1)


def test_ignore_hides_the_rule_and_its_highlight(page: Page, service: str) -> None:
    open_compose(page, service)
    panel = page.locator("#outreach-critic-panel")
    panel.locator(".finding[data-rule='rapport.pleasantry'] button.ignore").click()
    expect(panel.locator(".finding[data-rule='rapport.pleasantry']")).to_have_count(0)
    assert "Hope this finds you well! " not in all_ranges(page)
    assert "the leading provider" in all_ranges(page)
