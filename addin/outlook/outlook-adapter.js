/**
 * Host adapter for an Outlook compose window (Office.js, Mailbox 1.3; getSelectedDataAsync is 1.2).
 *
 * - readDraft: item.subject.getAsync + item.body.getAsync(Html) (+ Text for the empty check).
 * - applyReplacement: Outlook has no API to address a range of the body, so a fix goes through the
 *   user's selection: getSelectedDataAsync(Text) must equal the finding's quote, then
 *   body.setSelectedDataAsync(replacement) replaces exactly that selection (formatting kept, undo
 *   works). Anything else is refused with a message asking the user to select the words.
 * - onChange: Outlook has no body-change event. We re-read on window focus / visibility and on a
 *   timer (>= 3 s) that does nothing while the pane is hidden, and call back only when the text
 *   actually changed.
 */
import { sameWords } from "../panel/host.js";

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
    this.capabilities = { inlineHighlights: false, applyNeedsSelection: true };
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

  async applyReplacement({ field, expected, replacement }) {
    const ask = { ok: false, reason: "select", message: `Select “${expected.trim()}” in your draft, then press the button again.` };
    let selected;
    try {
      selected = await call((cb) => this.item.getSelectedDataAsync(this.office.CoercionType.Text, cb));
    } catch {
      return ask; // e.g. InvalidSelection: the cursor is in another field
    }
    const text = selected?.data ?? "";
    const where = selected?.sourceProperty || "body";
    if (!text || where !== field || !sameWords(text, expected)) return ask;
    try {
      if (field === "subject") {
        await call((cb) => this.item.setSelectedDataAsync(replacement, { coercionType: this.office.CoercionType.Text }, cb));
      } else {
        await call((cb) => this.item.body.setSelectedDataAsync(replacement, { coercionType: this.office.CoercionType.Text }, cb));
      }
    } catch (err) {
      return { ok: false, reason: "error", message: `Outlook refused the change: ${err.message}` };
    }
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
