/**
 * The one API client (panel/api.js) runs in the extension's service worker, where the extension's host permission
 * lets it reach the critic service (Gmail's page CSP and CORS would stop a content script). This module carries its
 * calls over a chrome.runtime port, one port per call:
 *
 *   content script                         service worker
 *   relayClient().critiqueStream(req) ──►  {method, request}
 *                                      ◄── {event: "heuristic"|"final", data}   (as the stream delivers them)
 *                                      ◄── {done: true, value?}  or  {error: {kind, status?, message, hadKey?}}
 *   abort: disconnect the port ──────────► the worker aborts the fetch
 *
 * relayClient() has the interface of createClient() (critique, critiqueStream, rules, edit) and throws the same
 * error classes, so the panel cannot tell it from a direct client. The API key never crosses the port.
 */
import { AuthRequired, ServiceError, ServiceUnreachable } from "../panel/api.js";

export const RELAY_PORT = "outreach-critic";
const METHODS = new Set(["critique", "critiqueStream", "rules", "edit"]);

function abortError() {
  return new DOMException("The check was cancelled.", "AbortError");
}

function errorToWire(err) {
  if (err instanceof AuthRequired) return { kind: "auth", hadKey: err.hadKey };
  if (err instanceof ServiceError) return { kind: "service", status: err.status, message: err.message };
  return { kind: "unreachable", message: err instanceof ServiceUnreachable ? err.message : "The critic service cannot be reached." };
}

function errorFromWire(e) {
  if (e?.kind === "auth") return new AuthRequired(!!e.hadKey);
  if (e?.kind === "service") return new ServiceError(e.status, String(e.message || "error"));
  return new ServiceUnreachable(String(e?.message || "The critic service cannot be reached."));
}

/**
 * Worker side: answers one call arriving on `port` with the client `makeClient()` builds (from the saved settings).
 * A call that takes longer than `timeoutMs` is given up as unreachable.
 */
export function serveRelay(port, makeClient, { timeoutMs = 30000 } = {}) {
  const controller = new AbortController();
  let timedOut = false;
  const timer = setTimeout(() => { timedOut = true; controller.abort(); }, timeoutMs);
  const post = (msg) => {
    try { port.postMessage(msg); } catch { /* the content script went away */ }
  };
  port.onDisconnect.addListener(() => { clearTimeout(timer); controller.abort(); });
  port.onMessage.addListener(async ({ method, request } = {}) => {
    const signal = controller.signal;
    let base;
    try {
      if (!METHODS.has(method)) throw new ServiceError(400, "unknown call");
      const client = await makeClient();
      base = client.baseUrl;
      if (method === "critiqueStream") {
        await client.critiqueStream(request, {
          signal,
          onHeuristic: (data) => post({ event: "heuristic", data }),
          onFinal: (data) => post({ event: "final", data }),
        });
        post({ done: true, base });
      } else {
        post({ done: true, base, value: await (method === "rules" ? client.rules({ signal }) : client[method](request, { signal })) });
      }
    } catch (err) {
      if (err?.name === "AbortError" && !timedOut) return; // the content script cancelled: nobody is listening
      post({ base, error: timedOut ? { kind: "unreachable", message: "The critic service did not answer in time." } : errorToWire(err) });
    } finally {
      clearTimeout(timer);
    }
  });
}

function defaultConnect() {
  return chrome.runtime.connect({ name: RELAY_PORT });
}

/** Content-script side: a client with createClient()'s interface whose calls run in the service worker. */
export function relayClient({ connect = defaultConnect } = {}) {
  const client = { baseUrl: "" }; // the service's URL, as the worker last reported it (for messages)

  function call(method, request, { signal, onHeuristic, onFinal } = {}) {
    return new Promise((resolve, reject) => {
      if (signal?.aborted) { reject(abortError()); return; }
      let port;
      try {
        port = connect();
      } catch (err) {
        reject(new ServiceUnreachable("The extension was updated or reloaded: reload this Gmail tab.", err));
        return;
      }
      let settled = false, last = null;
      const finish = (settle, value) => {
        if (settled) return;
        settled = true;
        signal?.removeEventListener("abort", onAbort);
        try { port.disconnect(); } catch { /* already gone */ }
        settle(value);
      };
      const onAbort = () => finish(reject, abortError());
      signal?.addEventListener("abort", onAbort, { once: true });
      port.onMessage.addListener((msg) => {
        if (settled) return;
        if (msg.base !== undefined) client.baseUrl = msg.base;
        if (msg.event === "heuristic") onHeuristic?.(msg.data);
        else if (msg.event === "final") { last = msg.data; onFinal?.(msg.data); }
        else if (msg.error) finish(reject, errorFromWire(msg.error));
        else if (msg.done) finish(resolve, "value" in msg ? msg.value : last);
      });
      port.onDisconnect.addListener(() => finish(reject, new ServiceUnreachable("The extension's service worker stopped: check again.")));
      port.postMessage({ method, request });
    });
  }

  return Object.assign(client, {
    critique: (request, opts) => call("critique", request, opts),
    critiqueStream: (request, opts) => call("critiqueStream", request, opts),
    rules: (opts) => call("rules", null, opts),
    edit: (request, opts) => call("edit", request, opts),
  });
}
