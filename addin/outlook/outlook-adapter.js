/**
 * Host adapter for an Outlook compose window (Office.js, Mailbox 1.3).
 *
 * - readDraft: item.subject.getAsync + item.body.getAsync(Html) (+ Text for the empty check).
 * - applyReplacement, in place, no selection needed: the body is read again as HTML, the service maps the
 *   finding's span to that HTML with its source map and checks the words are still there (POST /v1/edit), and the
 *   returned HTML, identical but for those characters, is written back with body.setAsync(Html). Formatting, links
 *   and the signature are untouched because nothing else of the HTML changes. A subject fix goes through
 *   subject.setAsync after the same check.
 * - onChange: Outlook has no body-change event. We re-read on window focus / visibility and on a
 *   timer (>= 3 s) that does nothing while the pane is hidden, and call back only when the text
 *   actually changed.
 */
import { CHANGED_MESSAGE, spanMatches, spliceText } from "../panel/host.js";

export const MIN_POLL_MS = 3000;

function call(fn, ...args) {
  return new Promise((resolve, reject) => {
    fn(...args, (result) => {
      if (result && result.status === Office.AsyncResultStatus.Failed) {
        const e = new Error(result.error?.message || "Office call failed");
        e.code = result.error?.code;
        e.officeName = result.error?.name;
        reject(e);
      } else resolve(result ? result.value : undefined);
    });
  });
}

export class OutlookAdapter {
  constructor({ office = globalThis.Office, pollMs = 5000, win = window, doc = document } = {}) {
    this.name = "outlook";
    this.office = office;
    this.pollMs = Math.max(MIN_POLL_MS, pollMs);
    this.win = win;
    this.doc = doc;
    this.capabilities = { inlineHighlights: false, applyNeedsSelection: false };
    this.lastKey = null;
  }

  get item() {
    return this.office.context.mailbox.item;
  }

  async readDraft() {
    const item = this.item;
    const [subject, bodyHtml, bodyText] = await Promise.all([
      call((cb) => item.subject.getAsync(cb)),
      call((cb) => item.body.getAsync(this.office.CoercionType.Html, cb)),
      call((cb) => item.body.getAsync(this.office.CoercionType.Text, cb)),
    ]);
    this.lastKey = `${subject}\u0000${bodyText}`;
    return { subject: subject || "", bodyHtml: bodyHtml || "", bodyText: bodyText || "", format: "html" };
  }

  async applyReplacement({ field, start, end, start_utf16: s16, end_utf16: e16, expected, replacement, client }) {
    const changed = { ok: false, reason: "changed", message: CHANGED_MESSAGE };
    const Html = this.office.CoercionType.Html;
    try {
      if (field === "subject") {
        // The critique judged the subject with its whitespace collapsed; offsets index that form.
        const subject = String(await call((cb) => this.item.subject.getAsync(cb)) || "").split(/\s+/).filter(Boolean).join(" ");
        if (!spanMatches(subject, s16, e16, expected)) return changed;
        await call((cb) => this.item.subject.setAsync(spliceText(subject, s16, e16, replacement), cb));
        return { ok: true };
      }
      const html = await call((cb) => this.item.body.getAsync(Html, cb));
      let edited;
      try {
        edited = (await client.edit({ body: html || "", start, end, quote: expected, replacement })).body;
      } catch (err) {
        if (err?.status === 409) return changed;
        throw err;
      }
      await call((cb) => this.item.body.setAsync(edited, { coercionType: Html }, cb));
    } catch (err) {
      return { ok: false, reason: "error", message: `Outlook refused the change: ${err.message}` };
    }
    this.lastKey = null; // the next probe re-reads the new body
    return { ok: true };
  }

  onChange(callback) {
    let busy = false;
    const probe = async () => {
      if (busy || this.doc.hidden) return;
      busy = true;
      try {
        const item = this.item;
        const [subject, text] = await Promise.all([
          call((cb) => item.subject.getAsync(cb)),
          call((cb) => item.body.getAsync(this.office.CoercionType.Text, cb)),
        ]);
        const key = `${subject}\u0000${text}`;
        if (this.lastKey !== null && key !== this.lastKey) {
          this.lastKey = key;
          callback();
        }
      } catch { /* the item may be switching; try again next time */ } finally {
        busy = false;
      }
    };
    const onVisible = () => { if (!this.doc.hidden) probe(); };
    const timer = this.win.setInterval(probe, this.pollMs);
    this.win.addEventListener("focus", probe);
    this.doc.addEventListener("visibilitychange", onVisible);
    // A pinned task pane moves to another item: check the new one.
    const itemChanged = this.office.EventType?.ItemChanged;
    if (itemChanged && this.office.context.mailbox.addHandlerAsync) {
      try { this.office.context.mailbox.addHandlerAsync(itemChanged, () => { this.lastKey = null; callback(); }); } catch { /* older hosts */ }
    }
    return () => {
      this.win.clearInterval(timer);
      this.win.removeEventListener("focus", probe);
      this.doc.removeEventListener("visibilitychange", onVisible);
    };
  }
}
