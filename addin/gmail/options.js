// The extension's options page: the critic service's URL and the user's API key, kept in chrome.storage.local
// (chrome-settings.js). After saving it asks the service, through the same API client the worker uses, whether
// it answers and accepts the key, and says so in words. The key field is never filled back in.
import { AuthRequired, ServiceUnreachable } from "../panel/api.js";
import { cleanServiceUrl } from "../panel/settings.js";
import { loadSettings, saveSettings, savedClient } from "./chrome-settings.js";

const form = document.getElementById("form");
const urlInput = document.getElementById("url");
const keyInput = document.getElementById("key");
const status = document.getElementById("status");

function show(text, kind) {
  status.textContent = text;
  status.dataset.kind = kind;
}

// What the user typed before the saved settings arrived is theirs: loading them never overwrites it.
let edited = false;
urlInput.addEventListener("input", () => { edited = true; });

async function refresh() {
  const { serviceUrl, apiKey } = await loadSettings();
  if (!edited) urlInput.value = serviceUrl;
  keyInput.value = "";
  keyInput.placeholder = apiKey ? "•••••••• (saved; type to replace)" : "Paste the key your team gave you";
  form.dataset.key = apiKey ? "saved" : "none";
}

/** [message, kind] for what the service says to the saved URL and key (GET /v1/rules needs the key like any /v1/). */
async function verify() {
  const client = await savedClient();
  try {
    await client.rules();
    return [client.hasKey ? "Saved. The service accepts your key." : "Saved. The service answers.", "ok"];
  } catch (err) {
    if (err instanceof AuthRequired) {
      return [err.hadKey ? "Saved, but the service did not accept this key: check it." : "Saved. This service needs an API key: paste yours above.", "warn"];
    }
    if (err instanceof ServiceUnreachable) return [`Saved, but ${client.baseUrl} cannot be reached right now.`, "warn"];
    return [`Saved, but the service answered: ${err.message}`, "warn"];
  }
}

form.addEventListener("submit", async (ev) => {
  ev.preventDefault();
  let serviceUrl;
  try {
    serviceUrl = cleanServiceUrl(urlInput.value); // "" = the URL this copy of the extension was built for
  } catch (err) {
    show(`Not a valid service URL: ${err.message}.`, "error");
    return;
  }
  if (serviceUrl) {
    // Access to that host: granted at once when the manifest has it, else Chrome asks (while the click counts).
    const url = new URL(serviceUrl);
    const granted = await chrome.permissions.request({ origins: [`${url.protocol}//${url.hostname}/*`] }).catch(() => false);
    if (!granted) {
      show("Permission refused: the extension cannot reach that host.", "error");
      return;
    }
  }
  await saveSettings({ serviceUrl, apiKey: keyInput.value.trim() });
  edited = false;
  await refresh();
  show("Saved. Asking the service…", "pending");
  show(...(await verify()));
});

refresh();
