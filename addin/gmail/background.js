// The extension's service worker: the only place that talks to the critic service. It runs the panel's own API
// client (panel/api.js: streaming over /v1/critique/stream, the key as `Authorization: Bearer` to the saved service
// only) for the content scripts' calls, relayed over a port (relay.js). Nothing here logs a draft or the key.
import { createClient, originOf } from "../panel/api.js";
import { loadSettings, OPEN_OPTIONS } from "./chrome-settings.js";
import { RELAY_PORT, serveRelay } from "./relay.js";

// Settings are read for every call, so a key saved on the options page counts from the next check.
async function clientFromSettings() {
  const { serviceUrl, apiKey } = await loadSettings();
  return createClient(serviceUrl, { auth: { key: apiKey, origin: originOf(`${serviceUrl}/`) } });
}

chrome.runtime.onConnect.addListener((port) => {
  if (port.name !== RELAY_PORT || port.sender?.id !== chrome.runtime.id) {
    port.disconnect();
    return;
  }
  serveRelay(port, clientFromSettings);
});

chrome.runtime.onMessage.addListener((msg, sender) => {
  if (sender.id === chrome.runtime.id && msg?.type === OPEN_OPTIONS) chrome.runtime.openOptionsPage();
});
