/**
 * The host adapter (panel/host.js) for one Gmail compose window: its subject input and its contenteditable body.
 *
 * Reads the body through the text model (text-model.js), so the critique's UTF-16 offsets are DOM positions.
 * Applies a fix in place, after checking the quoted words are still at the span: it selects exactly those
 * characters and replaces them with document.execCommand, so Gmail's editor sees a normal edit (formatting around
 * the words stays, Ctrl+Z undoes it). Marks flagged words with the CSS Custom Highlight API (highlights.js).
 */
import { CHANGED_MESSAGE, spanMatches } from "../panel/host.js";
import { buildText, offsetAt, rangeFor } from "./text-model.js";

const REFUSED = { ok: false, reason: "changed", message: CHANGED_MESSAGE };

/** Replaces the current selection through the editor; false when the browser refuses. */
function replaceSelection(replacement) {
  try {
    return replacement === "" ? document.execCommand("delete") : document.execCommand("insertText", false, replacement);
  } catch {
    return false;
  }
}

export class GmailAdapter {
  /** @param {{body: HTMLElement, subject?: HTMLInputElement|null, painter: HighlightPainter}} els (highlights.js) */
  constructor({ body, subject = null, painter }) {
    this.name = "gmail";
    this.body = body;
    this.subject = subject;
    this.painter = painter;
    this.capabilities = { inlineHighlights: true, applyNeedsSelection: false };
  }

  readDraft() {
    return { subject: this.subject?.value ?? "", bodyText: buildText(this.body).text, format: "text" };
  }

  applyReplacement({ field, start_utf16: start, end_utf16: end, expected, replacement }) {
    return field === "subject" ? this._applySubject(start, end, expected, replacement) : this._applyBody(start, end, expected, replacement);
  }

  _applySubject(start, end, expected, replacement) {
    const el = this.subject;
    if (!el) return { ok: false, reason: "unsupported", message: "This compose window has no subject field." };
    if (!spanMatches(el.value, start, end, expected)) return REFUSED;
    const want = el.value.slice(0, start) + replacement + el.value.slice(end);
    el.focus();
    el.setSelectionRange(start, end);
    if (!replaceSelection(replacement) || el.value !== want) {
      el.value = want;
      el.dispatchEvent(new Event("input", { bubbles: true }));
    }
    return { ok: true };
  }

  _applyBody(start, end, expected, replacement) {
    const model = buildText(this.body);
    const range = spanMatches(model.text, start, end, expected) ? rangeFor(model, start, end) : null;
    if (!range) return REFUSED;
    this.body.focus();
    const selection = window.getSelection();
    selection.removeAllRanges();
    selection.addRange(range);
    if (!replaceSelection(replacement)) {
      // The editor refused: change the words directly (no undo entry), and tell Gmail the draft changed.
      range.deleteContents();
      if (replacement) range.insertNode(document.createTextNode(replacement));
      this.body.dispatchEvent(new InputEvent("input", { bubbles: true, inputType: "insertReplacementText" }));
    }
    return { ok: true };
  }

  onChange(callback) {
    const handler = () => callback();
    const observer = new MutationObserver(handler);
    observer.observe(this.body, { childList: true, subtree: true, characterData: true });
    this.subject?.addEventListener("input", handler);
    return () => {
      observer.disconnect();
      this.subject?.removeEventListener("input", handler);
    };
  }

  /** Calls back with {field: "body", offset} when the user clicks into flagged words (the panel opens their card). */
  onPick(callback) {
    const handler = () => {
      const sel = window.getSelection();
      if (!sel?.isCollapsed || !this.body.contains(sel.anchorNode)) return;
      const offset = offsetAt(buildText(this.body), sel.anchorNode, sel.anchorOffset);
      if (offset !== null) callback({ field: "body", offset });
    };
    this.body.addEventListener("click", handler);
    return () => this.body.removeEventListener("click", handler);
  }

  /** Marks the spans that still hold their words in the box now (the user may have typed since the check). */
  showHighlights(spans) {
    const model = buildText(this.body);
    const marks = spans
      .filter((s) => s.field === "body" && spanMatches(model.text, s.start_utf16, s.end_utf16, s.quote))
      .map((s) => ({ key: s.key, severity: s.severity, range: rangeFor(model, s.start_utf16, s.end_utf16) }))
      .filter((m) => m.range);
    this.painter.set(this, marks);
  }

  focusSpan(key) {
    this.painter.focus(this, key);
  }

  /** The compose window closed: its marks go. */
  detach() {
    this.painter.set(this, []);
  }
}
