// A stand-in for https://appsforoffice.microsoft.com/lib/1/hosted/office.js: only the calls the
// Outlook adapter makes, over the fake compose item in the parent page (window.parent.fakeOutlook),
// whose body is HTML (as Outlook's is); its text form is derived from that HTML.
(function () {
  "use strict";
  const host = window.parent.fakeOutlook;
  const Succeeded = "succeeded", Failed = "failed";
  const ok = (cb, value) => setTimeout(() => cb({ status: Succeeded, value }), 0);
  const fail = (cb, name, message) => setTimeout(() => cb({ status: Failed, error: { name, message, code: 9000 } }), 0);
  const lastArg = (args) => args[args.length - 1];

  const body = {
    getAsync(coercion, ...rest) {
      const cb = lastArg(rest);
      host.calls.push("body.getAsync:" + coercion);
      if (coercion === "html") ok(cb, host.html);
      else if (coercion === "text") ok(cb, host.text());
      else fail(cb, "InvalidCoercion", "bad coercion " + coercion);
    },
    getTypeAsync(cb) { ok(cb, "html"); },
    setAsync(data, options, cb) {
      host.calls.push("body.setAsync:" + (options && options.coercionType));
      if (!options || options.coercionType !== "html") return fail(cb, "InvalidFormatError", "text into an HTML body");
      host.html = data;
      host.render();
      ok(cb, undefined);
    },
    setSelectedDataAsync(data, ...rest) {
      host.calls.push("body.setSelectedDataAsync");
      ok(lastArg(rest), undefined);
    },
  };

  const item = {
    itemType: "message",
    body,
    subject: {
      getAsync(...args) { host.calls.push("subject.getAsync"); ok(lastArg(args), host.subject); },
      setAsync(data, ...rest) { host.calls.push("subject.setAsync"); host.subject = data; host.render(); ok(lastArg(rest), undefined); },
    },
    getSelectedDataAsync(coercion, ...rest) {
      host.calls.push("getSelectedDataAsync");
      ok(lastArg(rest), { data: "", sourceProperty: "body" });
    },
  };

  const roaming = {
    get(name) { return host.roaming[name]; },
    set(name, value) { host.roaming[name] = value; },
    remove(name) { delete host.roaming[name]; },
    saveAsync(cb) { host.calls.push("roamingSettings.saveAsync"); host.saved = { ...host.roaming }; if (cb) ok(cb, undefined); },
  };

  window.Office = {
    AsyncResultStatus: { Succeeded, Failed },
    CoercionType: { Text: "text", Html: "html" },
    EventType: { ItemChanged: "olkItemSelectedChanged" },
    HostType: { Outlook: "Outlook" },
    context: {
      requirements: { isSetSupported: (name, version) => name === "Mailbox" && parseFloat(version) <= 1.5 },
      roamingSettings: roaming,
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
