import { createPanel } from "/panel/panel.js";
import { TextareaAdapter } from "/panel/textarea-adapter.js";

const SAMPLES = {
  pushy: {
    subject: "Quick question",
    body: "Hi Sarah,\n\nHope this finds you well! Happy Friday!\n\nWe are the leading provider of AI-powered sales software. Our team of 40 has won 3 industry awards, and we offer a full range of services for companies of every size.\n\nDo you have 30 minutes Thursday at 2pm for a quick call?\n\nBest,\nJohn Smith\nCEO, Acme\n",
  },
  good: {
    subject: "Your checkout drop-off after the pricing change",
    body: "Hi Sarah,\n\nI read your post about the 18% drop in completed checkouts after you moved to annual pricing. We saw the same pattern at two other subscription shops, and in both the cause was the plan toggle hiding the monthly price on mobile.\n\nI wrote up what fixed it, with before-and-after numbers: happy to send it over if it would help.\n\nBest,\nJohn\n",
  },
  clear: { subject: "", body: "" },
};

const params = new URLSearchParams(location.search);
const subject = document.getElementById("subject");
const body = document.getElementById("body");
const backdrop = document.getElementById("backdrop");
const start = SAMPLES[params.get("sample") || "pushy"] || SAMPLES.clear;
subject.value = start.subject;
body.value = start.body;

const adapter = new TextareaAdapter({ subject, body, backdrop });
const panel = createPanel(document.getElementById("panel"), {
  adapter,
  baseUrl: params.get("service") || "",
  debounceMs: Number(params.get("debounce")) || 350,
  llm: params.get("llm") || "auto",
});
window.criticDemo = { panel, adapter };

for (const btn of document.querySelectorAll("[data-sample]")) {
  btn.addEventListener("click", () => {
    const s = SAMPLES[btn.dataset.sample];
    subject.value = s.subject;
    body.value = s.body;
    body.dispatchEvent(new Event("input", { bubbles: true }));
    body.focus();
  });
}
