/**
 * Where the Gmail extension keeps what it remembers: chrome.storage.local, on this device, for this extension only.
 *
 * - serviceUrl and apiKey, written by the options page and read by the service worker (the only code that sends
 *   the key, as `Authorization: Bearer`, to that service only). The content script never reads the key.
 * - the rules the user ignored, for the panel's IgnoreStore (a synchronous getItem/setItem view of that storage).
 *
 * Without a saved URL the service is the one `critic addin gmail|manifest --url` packaged in defaults.json.
 */

import { createClient, originOf } from "../panel/api.js";

export const DEFAULT_URL = "http://127.0.0.1:8000";
export const OPEN_OPTIONS = "open-options";
const SETTINGS = ["serviceUrl", "apiKey"];

async function packagedUrl() {
  try {
    const res = await fetch(chrome.runtime.getURL("defaults.json"));
    return (res.ok && (await res.json()).serviceUrl) || DEFAULT_URL;
  } catch {
    return DEFAULT_URL;
  }
}

/** {serviceUrl, apiKey}: the saved URL (else the packaged one) without a trailing slash, and the key ("" if none). */
export async function loadSettings() {
  const { serviceUrl, apiKey } = await chrome.storage.local.get({ serviceUrl: "", apiKey: "" });
  return { serviceUrl: String(serviceUrl || (await packagedUrl())).replace(/\/+$/, ""), apiKey: String(apiKey || "") };
}

/** The API client (panel/api.js) for the saved service, with the saved key for that service's origin only. */
export async function savedClient() {
  const { serviceUrl, apiKey } = await loadSettings();
  return createClient(serviceUrl, { auth: { key: apiKey, origin: originOf(`${serviceUrl}/`) } });
}

/** Saves the service URL, and the key when one is given (an empty key keeps the saved one). */
export function saveSettings({ serviceUrl, apiKey = "" }) {
  return chrome.storage.local.set(apiKey ? { serviceUrl, apiKey } : { serviceUrl });
}

/** Calls back when the options page saved a new URL or key. */
export function onSettingsChanged(callback) {
  chrome.storage.onChanged.addListener((changes, area) => {
    if (area === "local" && SETTINGS.some((k) => k in changes)) callback();
  });
}

/**
 * A Storage-like view (getItem / setItem / removeItem) of some keys of chrome.storage.local, read once up front so
 * reads are synchronous; writes go through to the storage, and changes made in other tabs come back in.
 */
export async function storageMirror(keys) {
  const values = await chrome.storage.local.get(keys);
  chrome.storage.onChanged.addListener((changes, area) => {
    if (area !== "local") return;
    for (const k of keys) if (k in changes) values[k] = changes[k].newValue;
  });
  return {
    getItem: (k) => values[k] ?? null,
    setItem: (k, v) => { values[k] = String(v); chrome.storage.local.set({ [k]: String(v) }); },
    removeItem: (k) => { delete values[k]; chrome.storage.local.remove(k); },
  };
}

/** The panel's settings store inside Gmail: the key is entered on the extension's options page, so it links there. */
export const optionsLink = {
  where: "the extension's options",
  load: async () => ({ serviceUrl: "", apiKey: "" }),
  save: async () => {},
  openExternal: () => chrome.runtime.sendMessage({ type: OPEN_OPTIONS }),
};
