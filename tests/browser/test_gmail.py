"""The real Gmail extension, unpacked into Debian's chromium, against the real service with API keys.

`critic addin gmail` builds the extension as a user does; chromium loads it with --load-extension (new headless
runs extensions). The service URL and key are entered on the extension's own options page. Gmail is a stand-in:
https://mail.google.com/** is answered with pages/gmail_compose.html (under a strict CSP that forbids the page's
own network calls), so the real content script injects, mounts the shared panel and asks the real service through
the extension's service worker. Every request the browser makes, the worker's included, is recorded.
"""

from __future__ import annotations

import json
import re
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from playwright.sync_api import BrowserContext, Page, Playwright, Request, expect
from tools import run_critic

from .conftest import API_KEY, CHROMIUM, HERE, LAUNCH_ARGS, _free_port

GMAIL_URL = "https://mail.google.com/mail/u/0/#inbox?compose=new"
COMPOSE = (HERE / "pages" / "gmail_compose.html").read_text(encoding="utf-8")
DRAFT_HTML = re.search(r'tabindex="1">(.*)</div>\s*</div>\s*</body>', COMPOSE, re.S).group(1)
# Gmail's pages forbid scripts and connections of their own; the extension works regardless.
GMAIL_CSP = (
    "default-src 'none'; script-src 'none'; connect-src 'none'; style-src 'unsafe-inline'; "
    "require-trusted-types-for 'script'"
)
BODY = "[aria-label='Message Body']"
PANEL = "#outreach-critic-panel .oc-panel"
SEVERITIES = ("error", "warning", "suggestion")
EXPECTED_TEXT = (
    "Hi Sarah,\n\nHope this finds you well! Happy Friday!\n\n"
    "We are the leading provider of AI-powered sales software. Our team of 40 has won 3 industry awards, "
    "and we offer a full range of services for companies of every size.\n\n"
    "Do you have 30 minutes Thursday at 2pm for a quick call?\n\nBest,\nJohn Smith\nCEO, Acme"
)


@dataclass
class Extension:
    """A chromium profile with the built extension loaded, and every request it made."""

    context: BrowserContext
    id: str
    requests: list[Request] = field(default_factory=list)
    draft_html: str = DRAFT_HTML

    def options(self) -> Page:
        page = self.context.new_page()
        page.goto(f"chrome-extension://{self.id}/options.html")
        expect(page.locator("#form")).to_have_attribute("data-key", re.compile("saved|none"))  # settings loaded
        return page

    def save(self, page: Page, url: str | None = None, key: str | None = None) -> str:
        """Fill the options form as a user does, press Save, and return what the page then says."""
        if url is not None:
            page.fill("#url", url)
        if key is not None:
            page.fill("#key", key)
        page.click("#save")
        status = page.locator("#status:not([data-kind='pending']):not([data-kind=''])")
        expect(status).not_to_have_text("")
        return status.text_content()

    def open_gmail(self) -> Page:
        page = self.context.new_page()
        errors: list[str] = []
        page.on("pageerror", lambda e: errors.append(str(e)))
        page.errors = errors  # type: ignore[attr-defined]
        page.goto(GMAIL_URL)
        return page

    def sent_drafts(self) -> list[dict]:
        """The critique requests the service worker sent, as JSON, oldest first."""
        return [json.loads(r.post_data) for r in self.requests if r.url.endswith("/v1/critique/stream")]


@pytest.fixture(scope="session")
def extension_dir(tmp_path_factory) -> Path:
    """The extension as `critic addin gmail` writes it (the shared panel and API client packaged in)."""
    out = tmp_path_factory.mktemp("gmail-ext")
    proc = run_critic("addin", "gmail", "--out", str(out))
    assert proc.returncode == 0, proc.stderr
    return out / "gmail"


@pytest.fixture()
def gmail(pw: Playwright, extension_dir: Path, tmp_path: Path) -> Iterator[Extension]:
    context = pw.chromium.launch_persistent_context(
        str(tmp_path / "profile"),
        executable_path=CHROMIUM,
        headless=False,
        args=[
            "--headless=new",
            f"--disable-extensions-except={extension_dir}",
            f"--load-extension={extension_dir}",
            *LAUNCH_ARGS,
        ],
        viewport={"width": 1280, "height": 900},
    )
    context.set_default_timeout(15_000)
    worker = context.service_workers[0] if context.service_workers else context.wait_for_event("serviceworker")
    ext = Extension(context, id=worker.url.split("/")[2])

    def record(request: Request) -> None:  # a plain function: Playwright tags its handlers
        ext.requests.append(request)

    def answer(route) -> None:
        route.fulfill(
            status=200,
            content_type="text/html",
            headers={"Content-Security-Policy": GMAIL_CSP},
            body=COMPOSE.replace(DRAFT_HTML, ext.draft_html),
        )

    context.on("request", record)
    context.route("https://mail.google.com/**", answer)
    yield ext
    errors = [e for page in context.pages for e in getattr(page, "errors", [])]
    context.close()
    # The key travels in a header only: never in any URL the browser asked for (pages, worker, options).
    assert all(API_KEY not in r.url for r in ext.requests)
    assert not errors, errors


@pytest.fixture()
def signed_in(gmail: Extension, keyed_service: str) -> Extension:
    """The extension with the service URL and the right key saved on its options page."""
    page = gmail.options()
    assert gmail.save(page, keyed_service, API_KEY) == "Saved. The service accepts your key."
    page.close()
    return gmail


def ranges(page: Page) -> dict[str, list[str]]:
    """The text under each severity's CSS highlight (the registry is the document's, shared with the extension)."""
    return page.evaluate(
        """sevs => Object.fromEntries(sevs.map(s => {
            const hl = CSS.highlights.get('outreach-critic-' + s);
            return [s, hl ? [...hl].map(r => r.toString()) : []];
        }))""",
        list(SEVERITIES),
    )


def all_ranges(page: Page) -> list[str]:
    return [text for texts in ranges(page).values() for text in texts]


def wait_until(page: Page, check: Callable[[], bool], what: str, timeout: float = 15) -> None:
    """Poll `check` (Playwright delivers recorded requests while it waits, so this waits through the page)."""
    deadline = time.monotonic() + timeout
    while not check():
        if time.monotonic() > deadline:
            pytest.fail(f"timed out waiting for {what}")
        page.wait_for_timeout(100)


def checked(page: Page) -> None:
    """Wait for the panel's final critique of the compose box as it is now."""
    expect(page.locator(PANEL)).to_have_attribute("data-phase", "final")
    expect(page.locator(PANEL)).to_have_attribute("data-state", "ready")


def body_text(page: Page) -> str:
    return page.locator(BODY).evaluate("el => el.textContent")


def open_card(page: Page, rule: str):
    card = page.locator(f"{PANEL} .oc-card[data-rules~='{rule}']")
    if "oc-open" not in (card.get_attribute("class") or ""):
        card.locator(".oc-card-head").click()
    return card.locator(f".oc-finding[data-rule='{rule}']")


def test_key_entered_on_the_options_page_then_gmail_is_critiqued(gmail: Extension, keyed_service: str) -> None:
    options = gmail.options()
    # The URL alone: the options page already says the service wants a key.
    assert gmail.save(options, url=keyed_service) == "Saved. This service needs an API key: paste yours above."
    page = gmail.open_gmail()
    panel = page.locator(PANEL)
    # No key yet: a clear "enter your key" state with a way to the options page, never a raw error.
    expect(panel).to_have_attribute("data-state", "auth")
    expect(panel).to_have_attribute("data-key", "none")
    expect(panel.locator(".oc-status")).to_have_text("Enter your API key to check drafts.")
    expect(panel.locator(".oc-settings-title")).to_have_text("Enter your API key")
    assert "401" not in panel.text_content() and "Unauthorized" not in panel.text_content()
    assert panel.locator(".oc-card").count() == 0 and all_ranges(page) == []
    with gmail.context.expect_page() as opened:
        panel.locator("button.oc-open-settings").click()
    assert opened.value.url == f"chrome://extensions/?options={gmail.id}"
    opened.value.close()
    # A wrong key is refused in words, on the options page and in Gmail.
    assert gmail.save(options, key="not-the-key") == "Saved, but the service did not accept this key: check it."
    expect(panel).to_have_attribute("data-key", "rejected")
    expect(panel.locator(".oc-settings")).to_contain_text("did not accept your API key")
    # The right key: the open Gmail tab checks again by itself, and the critique arrives.
    assert gmail.save(options, key=API_KEY) == "Saved. The service accepts your key."
    checked(page)
    expect(panel.locator(".oc-card[data-rules~='imposition.time_slot']")).to_have_count(1)
    expect(panel.locator(".oc-card[data-rules~='rapport.pleasantry'] .oc-card-title")).to_have_text(
        "Generic pleasantry"
    )  # the rule catalogue's titles, fetched with the key
    assert panel.locator(".oc-dial").get_attribute("data-score").isdigit()
    scores = {
        el.get_attribute("data-rubric"): el.get_attribute("data-score") for el in panel.locator(".oc-rubric").all()
    }
    assert set(scores) == {"empathy", "value_first", "imposition", "rapport", "clarity"}
    assert all(s.isdigit() for s in scores.values())
    assert "Do you have 30 minutes Thursday at 2pm for a quick call?" in ranges(page)["error"]
    # Every call went from the service worker to the configured service, streamed, with the key as a Bearer header
    # once it was saved (and the options page's own check used the same client).
    api = [r for r in gmail.requests if "/v1/" in r.url]
    assert api and all(r.url.startswith(keyed_service + "/v1/") for r in api)
    assert any(r.url.endswith("/v1/critique/stream") for r in api)
    assert api[-1].headers.get("authorization") == f"Bearer {API_KEY}"


def test_the_text_sent_is_what_the_reader_sees(signed_in: Extension) -> None:
    page = signed_in.open_gmail()
    checked(page)
    sent = signed_in.sent_drafts()[-1]
    assert sent["body"] == EXPECTED_TEXT and sent["subject"] == "Quick question" and sent["format"] == "text"
    # (innerText would say "Hi Sarah,\n\n\nHope": it counts <div><br></div> as three breaks, not one blank line.)


def test_highlights_cover_the_flagged_words_and_add_nothing_to_the_draft(signed_in: Extension) -> None:
    page = signed_in.open_gmail()
    html = page.locator(BODY).inner_html()
    checked(page)
    found = ranges(page)
    assert "Do you have 30 minutes Thursday at 2pm for a quick call?" in found["error"]
    assert "the leading provider" in found["warning"]
    assert "Hope this finds you well! " in found["warning"]
    # The compose box is exactly what the user wrote: no marks, no spans, nothing that could be sent.
    assert page.locator(BODY).inner_html() == html
    # Hovering a card marks its words.
    page.locator(f"{PANEL} .oc-card[data-rules~='value_first.me_too']").hover()
    wait_until(
        page,
        lambda: (
            page.evaluate("[...(CSS.highlights.get('outreach-critic-focus') || [])].map(r => r.toString()).join('|')")
            == "the leading provider"
        ),
        "the hovered card's words to be marked",
    )


def test_highlights_follow_edits(signed_in: Extension) -> None:
    page = signed_in.open_gmail()
    checked(page)
    sent = len(signed_in.sent_drafts())
    # Type at the start of the "We are ..." paragraph: the live ranges move with the text at once ...
    page.locator(BODY).evaluate("""body => {
        const walker = document.createTreeWalker(body, NodeFilter.SHOW_TEXT);
        let n; while ((n = walker.nextNode()) && !n.data.startsWith('We are')) {}
        body.focus();
        const r = document.createRange(); r.setStart(n, 0); r.collapse(true);
        getSelection().removeAllRanges(); getSelection().addRange(r);
    }""")
    page.keyboard.type("Honestly, ")
    assert "the leading provider" in all_ranges(page)
    # ... and after the debounced re-check they are rebuilt over the new text.
    wait_until(page, lambda: len(signed_in.sent_drafts()) > sent, "a check of the edited text")
    assert "Honestly, We are the leading provider" in signed_in.sent_drafts()[-1]["body"]
    checked(page)
    for quote in ("the leading provider", "Hope this finds you well! ", "Do you have 30 minutes Thursday at 2pm"):
        wait_until(page, lambda q=quote: any(q in r for r in all_ranges(page)), f"a highlight over {quote!r}")
    # Rewriting the flagged words removes their highlight.
    page.locator(BODY).evaluate("""body => {
        const walker = document.createTreeWalker(body, NodeFilter.SHOW_TEXT);
        let n; while ((n = walker.nextNode()) && !n.data.includes('Do you have')) {}
        body.focus();
        const r = document.createRange(); r.selectNodeContents(n);
        getSelection().removeAllRanges(); getSelection().addRange(r);
        document.execCommand('insertText', false, 'Would a short summary help?');
    }""")
    wait_until(page, lambda: not any("Thursday" in r for r in all_ranges(page)), "the time-slot highlight to go")


def test_apply_and_delete_change_only_that_span_in_place(signed_in: Extension) -> None:
    signed_in.draft_html = (
        '<div dir="ltr">👋🏽 Hi Sarah,<div><br></div><div>Hope this finds you well! Happy Friday!</div><div><br></div>'
        "<div>We are <b>the leading provider</b> of <i>AI-powered</i> sales software.</div><div><br></div>"
        "<div>Do you have 30 minutes Thursday at 2pm for a quick call?</div><div><br></div><div>Best,</div>"
        "<div>John</div></div>"
    )
    page = signed_in.open_gmail()
    checked(page)
    before = signed_in.sent_drafts()[-1]["body"]
    assert "the leading provider" in all_ranges(page)  # across the <b> boundary, after an emoji
    open_card(page, "value_first.me_too").locator("button.oc-apply", has_text="a provider").click()
    expect(page.locator(BODY)).not_to_contain_text("leading")
    # Only those characters changed, in place: the bold run and the italics are still there.
    html = page.locator(BODY).inner_html()
    assert "<b>a provider</b>" in html and "<i>AI-powered</i> sales software." in html, html
    wait_until(page, lambda: "leading" not in signed_in.sent_drafts()[-1]["body"], "a check of the fixed text")
    after_first = signed_in.sent_drafts()[-1]["body"]
    assert after_first == before.replace("the leading provider", "a provider", 1)
    checked(page)
    pleasantry = open_card(page, "rapport.pleasantry")
    expect(pleasantry.locator("button.oc-apply-delete .oc-apply-text")).to_have_text("Delete")
    pleasantry.locator("button.oc-apply-delete").click()
    expect(page.locator(BODY)).not_to_contain_text("Hope this")
    assert body_text(page).startswith("👋🏽 Hi Sarah,Happy Friday!")
    wait_until(page, lambda: "Hope this" not in signed_in.sent_drafts()[-1]["body"], "a check of the second fix")
    assert signed_in.sent_drafts()[-1]["body"] == after_first.replace("Hope this finds you well! ", "", 1)


def test_apply_refuses_when_the_draft_changed_since_the_check(signed_in: Extension) -> None:
    page = signed_in.open_gmail()
    checked(page)
    fix = open_card(page, "value_first.me_too").locator("button.oc-apply", has_text="a provider")
    page.locator(BODY).evaluate("""body => {
        const walker = document.createTreeWalker(body, NodeFilter.SHOW_TEXT);
        let n; while ((n = walker.nextNode()) && !n.data.startsWith('We are')) {}
        n.data = n.data.replace('We are the leading', 'We were the leading');
    }""")
    fix.click()
    expect(page.locator(f"{PANEL} .oc-notice")).to_have_text("The draft changed since it was checked: re-checking.")
    # The user's words stand; nothing was replaced.
    assert "We were the leading provider" in body_text(page)


def test_ignore_hides_the_rule_and_its_highlight_and_is_remembered(signed_in: Extension) -> None:
    page = signed_in.open_gmail()
    checked(page)
    open_card(page, "rapport.pleasantry").locator("button.oc-ignore").click()
    expect(page.locator(f"{PANEL} .oc-card[data-rules~='rapport.pleasantry']")).to_have_count(0)
    wait_until(page, lambda: "Hope this finds you well! " not in all_ranges(page), "the ignored rule's highlight to go")
    assert "the leading provider" in all_ranges(page)
    assert signed_in.sent_drafts()[-1]["rules"] == {"rapport.pleasantry": "off"}  # re-scored without it
    # Remembered by the extension (chrome.storage), not in Gmail's own storage: a new Gmail tab still ignores it.
    assert page.evaluate("Object.keys(localStorage)") == []
    page.close()
    again = signed_in.open_gmail()
    checked(again)
    expect(again.locator(f"{PANEL} .oc-ignored li[data-ignored-rule='rapport.pleasantry']")).to_have_count(1)
    assert again.locator(f"{PANEL} .oc-card[data-rules~='rapport.pleasantry']").count() == 0


def test_an_unreachable_service_says_so(gmail: Extension) -> None:
    nowhere = f"http://127.0.0.1:{_free_port()}"
    options = gmail.options()
    assert gmail.save(options, nowhere, "some-key") == f"Saved, but {nowhere} cannot be reached right now."
    page = gmail.open_gmail()
    panel = page.locator(PANEL)
    expect(panel).to_have_attribute("data-state", "unreachable")
    expect(panel.locator(".oc-status")).to_contain_text(f"Service unreachable at {nowhere}")
    expect(panel.locator("button.oc-retry")).to_have_count(1)
    assert body_text(page).startswith("Hi Sarah,")  # the draft is untouched
