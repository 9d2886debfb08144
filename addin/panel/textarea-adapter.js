/**
 * A host adapter over a plain <input> (subject) and <textarea> (body), used by the demo page and
 * the paste-and-check page. It can mark flagged words with a mirrored backdrop: a <div> behind a
 * transparent textarea, with the same font, padding and wrapping, holding the same text as text
 * nodes and <mark>s.
 */
import { spanMatches, CHANGED_MESSAGE } from "./host.js";
import { renderMarked } from "./render.js";

export class TextareaAdapter {
  /**
   * @param {{subject: HTMLInputElement, body: HTMLTextAreaElement, backdrop?: HTMLElement, autoGrow?: boolean}} els
   */
  constructor({ subject, body, backdrop = null, autoGrow = true }) {
    this.name = "textarea";
    this.subjectEl = subject;
    this.bodyEl = body;
    this.backdrop = backdrop;
    this.autoGrow = autoGrow;
    this.capabilities = { inlineHighlights: !!backdrop, applyNeedsSelection: false };
    this.spans = [];
    this.focusKey = null;
    this.lastText = body.value;
    body.addEventListener("input", () => this._onBodyInput());
    body.addEventListener("scroll", () => this._syncScroll());
    if (typeof ResizeObserver !== "undefined") new ResizeObserver(() => this._grow()).observe(body);
    this._grow();
  }

  readDraft() {
    return { subject: this.subjectEl?.value ?? "", bodyText: this.bodyEl.value, format: "text" };
  }

  _el(field) {
    return field === "subject" ? this.subjectEl : this.bodyEl;
  }

  applyReplacement({ field, start_utf16: start, end_utf16: end, expected, replacement }) {
    const el = this._el(field);
    if (!el) return { ok: false, reason: "unsupported", message: `This page has no ${field} field.` };
    const before = el.value;
    if (!spanMatches(before, start, end, expected)) return { ok: false, reason: "changed", message: CHANGED_MESSAGE };
    const want = before.slice(0, start) + replacement + before.slice(end);
    el.focus();
    el.setSelectionRange(start, end);
    // execCommand keeps the browser's undo stack; fall back to setRangeText where it is refused.
    let done = false;
    try {
      done = replacement === "" ? document.execCommand("delete") : document.execCommand("insertText", false, replacement);
    } catch { done = false; }
    if (!done || el.value !== want) {
      el.value = want;
      el.dispatchEvent(new Event("input", { bubbles: true }));
    }
    el.setSelectionRange(start + replacement.length, start + replacement.length);
    return { ok: true };
  }

  onChange(callback) {
    const handler = () => callback();
    this.subjectEl?.addEventListener("input", handler);
    this.bodyEl.addEventListener("input", handler);
    return () => {
      this.subjectEl?.removeEventListener("input", handler);
      this.bodyEl.removeEventListener("input", handler);
    };
  }

  /** Calls back with {field, offset} when the user clicks into the draft (a click on marked words opens their card). */
  onPick(callback) {
    const handlers = [];
    for (const [field, el] of [["subject", this.subjectEl], ["body", this.bodyEl]]) {
      if (!el) continue;
      const handler = () => {
        if (el.selectionStart === el.selectionEnd) callback({ field, offset: el.selectionStart });
      };
      el.addEventListener("click", handler);
      handlers.push(() => el.removeEventListener("click", handler));
    }
    return () => handlers.forEach((off) => off());
  }

  /** Emphasises the marks of one span (the card under the pointer); null clears. */
  focusSpan(key) {
    this.focusKey = key || null;
    this._paint();
  }

  /** Selects a finding's words in the editor. */
  reveal(f) {
    const el = this._el(f.field);
    if (!el || !spanMatches(el.value, f.start_utf16, f.end_utf16, f.quote)) return;
    el.focus();
    el.setSelectionRange(f.start_utf16, f.end_utf16);
  }

  showHighlights(spans) {
    const text = this.bodyEl.value;
    // Only spans that still hold their words in the current text (the user may have typed meanwhile).
    this.spans = spans.filter((s) => s.field === "body" && spanMatches(text, s.start_utf16, s.end_utf16, s.quote));
    this.lastText = text;
    this._paint();
  }

  _onBodyInput() {
    // Keep marks on their words while the user types: shift spans past the edit, drop those it touches.
    const now = this.bodyEl.value, was = this.lastText;
    let p = 0;
    const max = Math.min(now.length, was.length);
    while (p < max && now.charCodeAt(p) === was.charCodeAt(p)) p++;
    let s = 0;
    while (s < max - p && now.charCodeAt(now.length - 1 - s) === was.charCodeAt(was.length - 1 - s)) s++;
    const oldEnd = was.length - s, delta = now.length - was.length;
    this.spans = this.spans.flatMap((sp) => {
      if (sp.end_utf16 <= p) return [sp];
      if (sp.start_utf16 >= oldEnd) return [{ ...sp, start_utf16: sp.start_utf16 + delta, end_utf16: sp.end_utf16 + delta }];
      return [];
    });
    this.lastText = now;
    this._grow();
    this._paint();
  }

  _paint() {
    if (!this.backdrop) return;
    const frag = renderMarked(this.bodyEl.value, this.spans, { markClass: "oc-hl", focus: this.focusKey });
    // A trailing newline in a textarea shows an empty last line; a div needs a character to match.
    frag.append(document.createTextNode("\u200b"));
    this.backdrop.replaceChildren(frag);
    this._syncScroll();
  }

  _grow() {
    if (!this.autoGrow) return;
    const el = this.bodyEl;
    el.style.height = "auto";
    el.style.height = `${el.scrollHeight + 2}px`;
  }

  _syncScroll() {
    if (this.backdrop) {
      this.backdrop.scrollTop = this.bodyEl.scrollTop;
      this.backdrop.scrollLeft = this.bodyEl.scrollLeft;
    }
  }
}
