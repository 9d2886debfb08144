/**
 * Where a host keeps the service URL and the API key, and the small form that edits them.
 *
 * A settings store is {load() -> Promise<{serviceUrl, apiKey}>, save({serviceUrl, apiKey}) -> Promise, where?,
 * openExternal?()}: the served panel and the demo keep them in localStorage (below), Outlook in the add-in's
 * roaming settings (outlook/roaming-settings.js), Gmail in chrome.storage through its options page (there the
 * panel only offers to open that page: openExternal). serviceUrl "" means the server that served the page.
 */
import { h } from "./render.js";

export const KEY_ITEM = "critic.apiKey";
export const URL_ITEM = "critic.serviceUrl";

export class LocalSettings {
  constructor(storage = safeStorage()) {
    this.storage = storage;
    this.where = "this browser";
  }

  async load() {
    return { serviceUrl: this._get(URL_ITEM), apiKey: this._get(KEY_ITEM) };
  }

  async save({ serviceUrl = "", apiKey = "" }) {
    this._set(URL_ITEM, serviceUrl);
    this._set(KEY_ITEM, apiKey);
  }

  _get(name) {
    try {
      return this.storage?.getItem(name) || "";
    } catch {
      return "";
    }
  }

  _set(name, value) {
    try {
      if (value) this.storage?.setItem(name, value);
      else this.storage?.removeItem(name);
    } catch { /* storage blocked: the setting lasts for this page only */ }
  }
}

function safeStorage() {
  try {
    return window.localStorage;
  } catch {
    return null;
  }
}

/** A URL the service can live at: http(s), no credentials, no query; "" stays "" (this server). */
export function cleanServiceUrl(raw) {
  const text = String(raw || "").trim();
  if (!text) return "";
  const url = new URL(text);
  if (!/^https?:$/.test(url.protocol)) throw new Error("use an http:// or https:// address");
  if (url.username || url.password || url.search || url.hash) throw new Error("the address must not carry a query or credentials");
  return url.origin + url.pathname.replace(/\/+$/, "");
}

/**
 * The settings form. `reason` is "missing" (no key yet), "rejected" (the key was refused) or "" (opened by hand).
 * onSave({serviceUrl, apiKey}) stores them; the key field is a password field and is never echoed back.
 */
export function renderSettings({ serviceUrl = "", hasKey = false, reason = "", where = "", defaultUrl = "", openExternal, onSave, onCancel }) {
  const lead = reason === "rejected"
    ? "The service did not accept your API key. Enter the key your team gave you."
    : reason === "missing"
      ? "This critic service needs an API key. Enter the key your team gave you."
      : "Where the critic runs, and your API key for it.";
  if (openExternal) {
    return h("section", { class: "oc-settings", dataset: { reason } },
      h("h3", { class: "oc-settings-title" }, reason ? "Enter your API key" : "Settings"),
      h("p", { class: "oc-settings-lead" }, lead),
      h("div", { class: "oc-settings-actions" },
        h("button", { type: "button", class: "oc-btn-primary oc-open-settings", onclick: () => openExternal() }, "Open settings"),
        onCancel ? h("button", { type: "button", class: "oc-btn-secondary", onclick: onCancel }, "Close") : null));
  }
  const url = h("input", { type: "url", class: "oc-input", name: "serviceUrl", value: serviceUrl, placeholder: defaultUrl || "This server", spellcheck: "false", autocomplete: "off" });
  const key = h("input", { type: "password", class: "oc-input", name: "apiKey", placeholder: hasKey ? "•••••••• (saved; type to replace)" : "Paste your key", autocomplete: "off", spellcheck: "false" });
  const error = h("p", { class: "oc-settings-error", role: "alert", hidden: true });
  const form = h("form", {
    class: "oc-settings-form",
    onsubmit: async (ev) => {
      ev.preventDefault();
      let cleaned;
      try {
        cleaned = cleanServiceUrl(url.value);
      } catch (err) {
        error.hidden = false;
        error.replaceChildren(document.createTextNode(`Service URL: ${err.message}.`));
        return;
      }
      await onSave({ serviceUrl: cleaned, apiKey: key.value.trim(), keepKey: !key.value.trim() && hasKey });
    },
  },
  h("label", { class: "oc-label" }, "API key", key),
  h("label", { class: "oc-label" }, "Service URL", url),
  error,
  h("div", { class: "oc-settings-actions" },
    h("button", { type: "submit", class: "oc-btn-primary oc-save-settings" }, "Save"),
    onCancel ? h("button", { type: "button", class: "oc-btn-secondary", onclick: onCancel }, "Cancel") : null));
  return h("section", { class: "oc-settings", dataset: { reason } },
    h("h3", { class: "oc-settings-title" }, reason ? "Enter your API key" : "Settings"),
    h("p", { class: "oc-settings-lead" }, lead),
    form,
    h("p", { class: "oc-settings-note" }, `Kept in ${where || "this browser"}; sent only to the service above, in a header.`));
}
