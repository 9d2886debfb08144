"""The calm panel on the demo page: one card per span, highlights that open cards, scored Ignore and Apply."""

from __future__ import annotations

from playwright.sync_api import Page, expect

from .test_demo import PUSHY, card, finding, open_demo, set_draft


def score(page: Page) -> int:
    return int(page.locator("#panel .oc-dial").get_attribute("data-score"))


def wait_for_new_check(page: Page, checks: int) -> None:
    page.wait_for_function(
        f"+document.querySelector('#panel').dataset.checks > {checks}"
        " && document.querySelector('#panel').dataset.phase === 'final'"
    )


def checks(page: Page) -> int:
    return int(page.locator("#panel").get_attribute("data-checks") or 0)


def test_findings_on_the_same_words_form_one_card(page: Page, service: str) -> None:
    open_demo(page, service)
    set_draft(page, PUSHY)
    crit = page.evaluate("window.criticDemo.panel.critique")
    ask = [f for f in crit["findings"] if f["quote"].startswith("Do you have 30 minutes")]
    assert {f["rule"] for f in ask} >= {"imposition.time_slot", "value_first.no_value"}  # two findings, same words
    cards = page.locator("#panel .oc-card[data-rules~='imposition.time_slot']")
    expect(cards).to_have_count(1)
    assert set(cards.get_attribute("data-rules").split()) == {f["rule"] for f in ask}
    assert cards.get_attribute("data-severity") == "error"  # the worst of them
    expect(cards.locator(".oc-card-more")).to_have_text(f"+{len(ask) - 1}")
    # One card per distinct span, each a single closed line, in the order the words appear.
    spans = {(f["field"], f["start_utf16"], f["end_utf16"]) for f in crit["findings"]}
    assert page.locator("#panel .oc-card").count() == len(spans)
    keys = page.eval_on_selector_all("#panel .oc-card", "els => els.map(e => e.dataset.key)")
    order = [(k.split(":")[0] != "subject", int(k.split(":")[1])) for k in keys]
    assert order == sorted(order)
    heights = page.eval_on_selector_all("#panel .oc-card", "els => els.map(e => e.getBoundingClientRect().height)")
    assert max(heights) < 44, heights
    # Opened: the worst finding first, each with its plain message and its rule id in the details line.
    cards.locator(".oc-card-head").click()
    items = cards.locator(".oc-finding")
    assert items.first.get_attribute("data-rule") == "imposition.time_slot"
    expect(items.first.locator(".oc-rule")).to_have_text("imposition.time_slot")


def test_clicking_a_highlight_opens_its_card_and_hovering_a_card_marks_its_words(page: Page, service: str) -> None:
    open_demo(page, service, "sample=pushy")
    page.wait_for_selector("#panel[data-phase='final'] .oc-card[data-rules~='rapport.small_talk']")
    page.set_viewport_size({"width": 1280, "height": 500})  # the card list scrolls: the card must come into view
    box = page.locator("#backdrop .oc-hl", has_text="Happy Friday!").bounding_box()
    page.mouse.click(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)
    small_talk = card(page, "rapport.small_talk")
    expect(small_talk).to_have_class("oc-card oc-sev-warning oc-open")
    expect(small_talk.locator(".oc-finding[data-rule='rapport.small_talk']")).to_be_visible()
    page.wait_for_function(
        "() => { const e = document.querySelector(\"#panel .oc-card[data-rules~='rapport.small_talk']\");"
        " const r = e.getBoundingClientRect(), p = document.querySelector('#panel').getBoundingClientRect();"
        " return r.top >= p.top - 1 && r.bottom <= p.bottom + 1; }"
    )
    # Clicking other marked words opens their card instead (one open at a time).
    box = page.locator("#backdrop .oc-hl", has_text="the leading provider").bounding_box()
    page.mouse.click(box["x"] + 5, box["y"] + box["height"] / 2)
    expect(card(page, "value_first.me_too")).to_have_class("oc-card oc-sev-warning oc-open")
    expect(page.locator("#panel .oc-card.oc-open")).to_have_count(1)
    # Hovering a card marks its words in the draft.
    card(page, "imposition.time_slot").hover()
    expect(page.locator("#backdrop .oc-hl.oc-focus")).to_have_text(
        "Do you have 30 minutes Thursday at 2pm for a quick call?"
    )


def test_ignore_rescores_without_the_rule_and_can_be_undone(page: Page, service: str) -> None:
    open_demo(page, service, "sample=pushy")
    page.wait_for_selector("#panel[data-phase='final'] .oc-card[data-rules~='rapport.small_talk']")
    before, n = score(page), checks(page)
    finding(page, "rapport.small_talk").locator("button.oc-ignore").click()
    wait_for_new_check(page, n)
    expect(card(page, "rapport.small_talk")).to_have_count(0)
    assert score(page) > before
    # The request turned the rule off: the service's own score, not a panel estimate.
    assert page.evaluate("window.criticDemo.panel.request.rules") == {"rapport.small_talk": "off"}
    expect(page.locator("#panel .oc-notice")).to_contain_text("Ignoring “Small talk”")
    n = checks(page)
    page.locator("#panel .oc-notice .oc-undo").click()
    wait_for_new_check(page, n)
    assert score(page) == before
    expect(card(page, "rapport.small_talk")).to_have_count(1)


def test_apply_shows_the_score_change_then_makes_it(page: Page, service: str) -> None:
    open_demo(page, service)
    set_draft(page, PUSHY)
    button = finding(page, "value_first.me_too").locator("button.oc-apply", has_text="a provider")
    expect(button).not_to_have_attribute("data-delta", "")
    delta = int(button.get_attribute("data-delta"))
    assert delta > 0
    expect(button.locator(".oc-delta")).to_have_text(f"+{delta}")
    before, n = score(page), checks(page)
    button.click()
    wait_for_new_check(page, n)
    page.wait_for_function("window.criticDemo.panel.critique.text.body === document.querySelector('#body').value")
    assert score(page) == before + delta
    # A fix that deletes is announced the same way.
    delete = finding(page, "rapport.pleasantry").locator("button.oc-apply-delete")
    expect(delete).not_to_have_attribute("data-delta", "")
    delta, before, n = int(delete.get_attribute("data-delta")), score(page), checks(page)
    delete.click()
    wait_for_new_check(page, n)
    assert score(page) == before + delta


def test_inbox_preview_warns_when_pleasantries_spend_it(page: Page, service: str) -> None:
    open_demo(page, service, "sample=pushy")
    inbox = page.locator("#panel .oc-inbox")
    expect(inbox.locator(".oc-inbox-subject")).to_have_text("Quick question")
    text = inbox.locator(".oc-inbox-text").text_content()
    assert text.startswith("Hi Sarah, Hope this finds you well! Happy Friday!") and len(text) <= 91
    expect(inbox.locator(".oc-inbox-hint")).to_contain_text("pleasantries")
    page.goto(f"{service}/demo?sample=good")
    expect(page.locator("#panel .oc-inbox-text")).to_contain_text("I read your post about the 18% drop")
    expect(page.locator("#panel .oc-inbox-hint")).to_have_count(0)


def test_a_draft_in_an_uncovered_language_shows_a_notice_before_its_scores(page: Page, service: str) -> None:
    open_demo(page, service)
    set_draft(
        page,
        "Ciao Marco,\n\nho visto il vostro nuovo negozio a Torino e vorrei proporvi una collaborazione per la "
        "stagione estiva. Avete tempo per una chiamata di trenta minuti giovedì alle dieci?\n\nGrazie,\nLuca",
    )
    notice = page.locator("#panel .oc-critique-notice")
    expect(notice).to_contain_text("'it'")
    expect(page.locator("#panel .oc-scores")).to_have_attribute("data-confident", "false")
    set_draft(page, PUSHY)
    expect(page.locator("#panel .oc-critique-notice")).to_have_count(0)
    expect(page.locator("#panel .oc-scores")).to_have_attribute("data-confident", "true")
