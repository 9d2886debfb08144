/**
 * The host adapter interface: how the shared panel talks to whatever holds the draft
 * (the demo page's textarea, an Outlook compose window, a Gmail compose box).
 *
 * Offsets: every span the panel hands an adapter is in UTF-16 code units (JavaScript string
 * indices) into the text the adapter returned from readDraft(): the critique's `start_utf16` /
 * `end_utf16`, never its code-point `start` / `end`.
 *
 * @typedef {Object} Draft
 * @property {string} subject   the subject line as the user typed it
 * @property {string} bodyText  the body as plain text ("\n" between lines and blocks)
 * @property {string} [bodyHtml] the body as HTML, when the host has it
 * @property {"text"|"html"} [format] which body to send to the service (default "text")
 *
 * @typedef {Object} Replacement
 * @property {"subject"|"body"} field
 * @property {number} start_utf16
 * @property {number} end_utf16
 * @property {string} expected     the finding's quote: what must be at the span right now
 * @property {string} replacement  the new text ("" deletes the span)
 *
 * @typedef {Object} ApplyResult
 * @property {boolean} ok
 * @property {string} [reason]   a short machine reason: "changed", "select", "unsupported", "error"
 * @property {string} [message]  what to tell the user when ok is false
 *
 * @typedef {Object} HostAdapter
 * @property {string} name
 * @property {() => Promise<Draft>|Draft} readDraft
 * @property {(r: Replacement) => Promise<ApplyResult>|ApplyResult} applyReplacement
 *   Verifies the current text at [start_utf16, end_utf16) of `field` still equals `expected`
 *   and refuses ({ok:false, reason:"changed"}) otherwise; then replaces it.
 * @property {(callback: () => void) => (() => void)} onChange
 *   Calls back when the draft may have changed; returns an unsubscribe function.
 * @property {{inlineHighlights?: boolean, applyNeedsSelection?: boolean}} [capabilities]
 *   inlineHighlights: the host marks flagged words itself (via showHighlights); otherwise the
 *   panel shows a highlighted copy of the draft. applyNeedsSelection: Apply works on the user's
 *   selection (Outlook), so the panel tells the user to select the words first.
 * @property {(spans: Highlight[]) => void} [showHighlights]
 *   Marks spans in the host's editor. Called with [] to clear.
 *
 * @typedef {Object} Highlight
 * @property {"subject"|"body"} field
 * @property {number} start_utf16
 * @property {number} end_utf16
 * @property {string} severity  "error" | "warning" | "suggestion"
 * @property {string} rule
 * @property {string} quote
 */

/** True when `text` holds `expected` at [start, end) (UTF-16 offsets). */
export function spanMatches(text, start, end, expected) {
  return Number.isInteger(start) && Number.isInteger(end) && start >= 0 && end >= start &&
    end <= text.length && text.slice(start, end) === expected;
}

/** `text` with [start, end) (UTF-16 offsets) replaced by `replacement`. */
export function spliceText(text, start, end, replacement) {
  return text.slice(0, start) + replacement + text.slice(end);
}

/** Loosely equal: the same words, whatever the whitespace around and between them. */
export function sameWords(a, b) {
  const norm = (s) => String(s ?? "").replace(/[\s\u00a0]+/g, " ").trim();
  return norm(a) === norm(b);
}

/** Checks an object implements the adapter interface; throws naming what is missing. */
export function assertAdapter(adapter) {
  for (const m of ["readDraft", "applyReplacement", "onChange"]) {
    if (typeof adapter?.[m] !== "function") throw new TypeError(`host adapter is missing ${m}()`);
  }
  return adapter;
}

export const CHANGED_MESSAGE = "The draft changed since it was checked: re-checking.";
