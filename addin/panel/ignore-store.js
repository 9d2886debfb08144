/** Rules the user chose to ignore, remembered per device in localStorage. */
export const IGNORE_KEY = "outreach-critic:ignored-rules";

export class IgnoreStore {
  constructor(storage = safeStorage(), key = IGNORE_KEY) {
    this.storage = storage;
    this.key = key;
  }
  list() {
    try {
      const v = JSON.parse(this.storage?.getItem(this.key) || "[]");
      return Array.isArray(v) ? v.filter((x) => typeof x === "string").sort() : [];
    } catch {
      return [];
    }
  }
  has(rule) {
    return this.list().includes(rule);
  }
  add(rule) {
    this._save(new Set([...this.list(), rule]));
  }
  remove(rule) {
    const s = new Set(this.list());
    s.delete(rule);
    this._save(s);
  }
  _save(set) {
    try {
      this.storage?.setItem(this.key, JSON.stringify([...set].sort()));
    } catch {
      /* storage full or blocked: ignoring lasts for this page only */
    }
  }
}

function safeStorage() {
  try {
    return window.localStorage;
  } catch {
    return null; // third-party iframes may block storage
  }
}
