// Service worker: the only place that talks to the critic service. Fetching here (with the
// extension's host permission) keeps Gmail's page CSP and CORS out of the way.
const DEFAULT_URL = "http://127.0.0.1:8000";
const TIMEOUT_MS = 30000;

async function serviceUrl() {
  const { serviceUrl: url } = await chrome.storage.sync.get({ serviceUrl: DEFAULT_URL });
  return String(url || DEFAULT_URL).replace(/\/+$/, "");
}

async function critique(request) {
  const base = await serviceUrl();
  const controller = new AbortController();
  const timer = setTimeout(() => controller.abort(), TIMEOUT_MS);
  try {
    const res = await fetch(`${base}/v1/critique`, {
      method: "POST",
      headers: { "Content-Type": "application/json" },
      body: JSON.stringify(request),
      signal: controller.signal,
    });
    const data = await res.json().catch(() => null);
    if (!res.ok) return { ok: false, status: res.status, error: data?.detail || data?.title || res.statusText };
    return { ok: true, critique: data };
  } catch (err) {
    return { ok: false, unreachable: true, error: `cannot reach ${base}: ${err?.message || err}` };
  } finally {
    clearTimeout(timer);
  }
}

chrome.runtime.onMessage.addListener((msg, sender, sendResponse) => {
  if (sender.id !== chrome.runtime.id || msg?.type !== "critique") return false;
  const r = msg.request || {};
  // Forward only the fields the API knows.
  critique({ subject: String(r.subject || ""), body: String(r.body || ""), format: "text", llm: r.llm === "off" ? "off" : "auto" })
    .then(sendResponse);
  return true; // async response
});
