// A stand-in for https://appsforoffice.microsoft.com/lib/1/hosted/office.js: only the calls the
// Outlook adapter makes, over the fake compose item in the parent page (window.parent.fakeOutlook).
(function () {
  "use strict";
  const host = window.parent.fakeOutlook;
  const Succeeded = "succeeded", Failed = "failed";
  const ok = (cb, value) => setTimeout(() => cb({ status: Succeeded, value }), 0);
  const fail = (cb, name, message) => setTimeout(() => cb({ status: Failed, error: { name, message, code: 9000 } }), 0);
  const lastArg = (args) => args[args.length - 1];
  const escapeHtml = (s) => s.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");
  const toHtml = (text) => "<html><body>" + text.split("\n").map((l) => "<div>" + (escapeHtml(l) || "<br>") + "</div>").join("") + "</body></html>";

  const body = {
    getAsync(coercion, ...rest) {
      const cb = lastArg(rest);
      host.calls.push("body.getAsync:" + coercion);
      if (coercion === "html") ok(cb, toHtml(host.body));
      else if (coercion === "text") ok(cb, host.body);
      else fail(cb, "InvalidCoercion", "bad coercion " + coercion);
    },
    getTypeAsync(cb) { ok(cb, "html"); },
    setSelectedDataAsync(data, ...rest) {
      const cb = lastArg(rest);
      host.calls.push("body.setSelectedDataAsync");
      const sel = host.selection || { start: 0, end: 0 }; // no selection: Outlook inserts at the top
      host.body = host.body.slice(0, sel.start) + data + host.body.slice(sel.end);
      host.selection = { start: sel.start + data.length, end: sel.start + data.length };
      host.render();
      ok(cb, undefined);
    },
  };

  const item = {
    itemType: "message",
    body,
    subject: {
      getAsync(...args) { host.calls.push("subject.getAsync"); ok(lastArg(args), host.subject); },
      setAsync(data, ...rest) { host.subject = data; host.render(); ok(lastArg(rest), undefined); },
    },
    getSelectedDataAsync(coercion, ...rest) {
      const cb = lastArg(rest);
      host.calls.push("getSelectedDataAsync");
      if (host.focusField !== "body") return fail(cb, "InvalidSelection", "The selection is not in the body or subject");
      const sel = host.selection;
      ok(cb, { data: sel ? host.body.slice(sel.start, sel.end) : "", sourceProperty: "body" });
    },
    setSelectedDataAsync(data, ...rest) { body.setSelectedDataAsync(data, ...rest); },
  };

  window.Office = {
    AsyncResultStatus: { Succeeded, Failed },
    CoercionType: { Text: "text", Html: "html" },
    EventType: { ItemChanged: "olkItemSelectedChanged" },
    HostType: { Outlook: "Outlook" },
    context: {
      requirements: { isSetSupported: (name, version) => name === "Mailbox" && parseFloat(version) <= 1.5 },
      mailbox: { item, addHandlerAsync(type, handler, cb) { if (cb) ok(cb, undefined); } },
    },
    onReady(cb) {
      const info = { host: "Outlook", platform: "OfficeOnline" };
      const p = Promise.resolve(info);
      if (cb) p.then(cb);
      return p;
    },
  };
})();
