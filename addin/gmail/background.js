// Service worker: the only place that talks to the critic service. Fetching here (with the
// extension's host permission) keeps Gmail's page CSP and CORS out of the way.
const DEFAULT_URL = "http://127.0.0.1:8000";
const TIMEOUT_MS = 30000;

// The URL `critic addin manifest --url` packaged with this copy of the extension, if any.
async function packagedUrl() {
  try {
    const res = await fetch(chrome.runtime.getURL("defaults.json"));
    return res.ok ? (await res.json()).serviceUrl || DEFAULT_URL : DEFAULT_URL;
  } catch {
    return DEFAULT_URL;
  }
}

// Service URL and API key from the options page (chrome.storage.local: the key stays on this device).
async function settings() {
  const { serviceUrl, apiKey } = await chrome.storage.local.get({ serviceUrl: "", apiKey: "" });
  return { base: String(serviceUrl || (await packagedUrl())).replace(/\/+$/, ""), apiKey: String(apiKey || "") };
}

async function critique(request) {
  const { base, apiKey } = await settings();
  const controller = new AbortController();
  const timer = setTimeout(() => controller.abort(), TIMEOUT_MS);
  try {
    const res = await fetch(`${base}/v1/critique`, {
      method: "POST",
      // The key goes in a header to the configured service only; never in a URL, never logged.
      headers: apiKey ? { "Content-Type": "application/json", Authorization: `Bearer ${apiKey}` } : { "Content-Type": "application/json" },
      body: JSON.stringify(request),
      signal: controller.signal,
    });
    const data = await res.json().catch(() => null);
    if (res.status === 401) return { ok: false, status: 401, auth: true, error: apiKey ? "the service did not accept your API key" : "this service needs an API key" };
    if (!res.ok) return { ok: false, status: res.status, error: data?.detail || data?.title || res.statusText };
    return { ok: true, critique: data };
  } catch (err) {
    return { ok: false, unreachable: true, error: `cannot reach ${base}: ${err?.message || err}` };
  } finally {
    clearTimeout(timer);
  }
}

chrome.runtime.onMessage.addListener((msg, sender, sendResponse) => {
  if (sender.id !== chrome.runtime.id) return false;
  if (msg?.type === "open-options") { chrome.runtime.openOptionsPage(); return false; }
  if (msg?.type !== "critique") return false;
  const r = msg.request || {};
  // Forward only the fields the API knows.
  critique({ subject: String(r.subject || ""), body: String(r.body || ""), format: "text", llm: r.llm === "off" ? "off" : "auto" })
    .then(sendResponse);
  return true; // async response
});
