import { createPanel } from "../panel/panel.js";
import { h } from "../panel/render.js";
import { OutlookAdapter } from "./outlook-adapter.js";
import { RoamingSettings } from "./roaming-settings.js";

const root = document.getElementById("panel");
const params = new URLSearchParams(location.search);

function fail(message) {
  root.classList.add("oc-panel");
  root.dataset.state = "error";
  root.replaceChildren(h("div", { class: "oc-status oc-status-error", role: "alert" }, message));
}

if (typeof Office === "undefined") {
  fail("Office.js did not load: open this page from Outlook (see addin/README.md).");
} else {
  Office.onReady((info) => {
    if (!Office.context?.mailbox?.item) {
      fail("Open this pane from an Outlook message you are writing.");
      return;
    }
    if (Office.context.requirements?.isSetSupported && !Office.context.requirements.isSetSupported("Mailbox", "1.3")) {
      fail("This version of Outlook is too old for the critic (it needs Mailbox 1.3).");
      return;
    }
    const adapter = new OutlookAdapter({ pollMs: Number(params.get("poll")) || 5000 });
    // The service that serves this page also answers the API (same origin, no CORS); the key lives in roaming settings.
    const settings = new RoamingSettings(Office);
    window.criticOutlook = { panel: createPanel(root, { adapter, settings, baseUrl: params.get("service") || "" }), adapter, info };
  });
}
