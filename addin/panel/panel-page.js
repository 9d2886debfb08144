// The paste-and-check page (panel.html): the panel beside a plain form.
import { createPanel } from "./panel.js";
import { TextareaAdapter } from "./textarea-adapter.js";

const adapter = new TextareaAdapter({ subject: document.getElementById("subject"), body: document.getElementById("body"), autoGrow: false });
createPanel(document.getElementById("panel"), { adapter, baseUrl: new URLSearchParams(location.search).get("service") || "" });
