const DEFAULT_URL = "http://127.0.0.1:8000";
const input = document.getElementById("url");
const keyInput = document.getElementById("key");
const status = document.getElementById("status");

chrome.storage.local.get({ serviceUrl: "", apiKey: "" }).then(async ({ serviceUrl, apiKey }) => {
  let packaged = DEFAULT_URL;
  try { packaged = (await (await fetch(chrome.runtime.getURL("defaults.json"))).json()).serviceUrl || DEFAULT_URL; } catch { /* none */ }
  input.value = serviceUrl || packaged;
  keyInput.placeholder = apiKey ? "•••••••• (saved; type to replace)" : keyInput.placeholder;
});

document.getElementById("save").addEventListener("click", async () => {
  let url;
  try {
    url = new URL(input.value.trim() || DEFAULT_URL);
    if (!/^https?:$/.test(url.protocol)) throw new Error("use an http(s) URL");
  } catch (err) {
    status.textContent = `Not a valid URL (${err.message}).`;
    return;
  }
  const loopback = ["127.0.0.1", "localhost", "[::1]"].includes(url.hostname);
  if (!loopback) {
    const granted = await chrome.permissions.request({ origins: [`${url.protocol}//${url.hostname}/*`] });
    if (!granted) {
      status.textContent = "Permission refused: the extension cannot reach that host.";
      return;
    }
  }
  const update = { serviceUrl: url.origin + url.pathname.replace(/\/+$/, "") };
  if (keyInput.value.trim()) update.apiKey = keyInput.value.trim();
  await chrome.storage.local.set(update);
  keyInput.value = "";
  status.textContent = "Saved.";
});
