// The extension's service worker: the only place that talks to the critic service. It runs the panel's own API
// client (panel/api.js: streaming over /v1/critique/stream, the key as `Authorization: Bearer` to the saved service
// only) for the content scripts' calls, relayed over a port (relay.js). Nothing here logs a draft or the key.
import { OPEN_OPTIONS, savedClient } from "./chrome-settings.js";
import { RELAY_PORT, serveRelay } from "./relay.js";

chrome.runtime.onConnect.addListener((port) => {
  if (port.name !== RELAY_PORT || port.sender?.id !== chrome.runtime.id) {
    port.disconnect();
    return;
  }
  serveRelay(port, savedClient); // settings read for every call: a key saved on the options page counts at once
});

chrome.runtime.onMessage.addListener((msg, sender) => {
  if (sender.id === chrome.runtime.id && msg?.type === OPEN_OPTIONS) chrome.runtime.openOptionsPage();
});
