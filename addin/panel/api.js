/**
 * Client for the critic service: POST /v1/critique and the SSE stream POST /v1/critique/stream
 * (event `heuristic`, then event `final`). The stream is read with fetch + ReadableStream (an
 * EventSource cannot POST); when the stream endpoint is missing or fails before its first event,
 * the client falls back to the plain POST.
 */

export class ServiceUnreachable extends Error {
  constructor(message, cause) {
    super(message);
    this.name = "ServiceUnreachable";
    this.cause = cause;
  }
}

export class ServiceError extends Error {
  constructor(status, message) {
    super(message);
    this.name = "ServiceError";
    this.status = status;
  }
}

/** The service refused the request for want of a (valid) API key: the panel asks for one. */
export class AuthRequired extends Error {
  constructor(hadKey) {
    super(hadKey ? "The service did not accept this API key." : "This service needs an API key.");
    this.name = "AuthRequired";
    this.hadKey = hadKey;
  }
}

/** The origin a URL (absolute, or relative to this page) points at; "" when it cannot be parsed. */
export function originOf(url) {
  try {
    return new URL(url || "/", globalThis.location?.href).origin;
  } catch {
    return "";
  }
}

/**
 * A client for the service at `baseUrl` ("" = this page's origin). `auth` is {key, origin}: the key goes in an
 * Authorization header only on requests to exactly that origin, so a page pointed at another service (?service=)
 * never hands it the key. Keys never go in a URL and are never logged.
 */
export function createClient(baseUrl = "", { fetchImpl, auth } = {}) {
  const base = String(baseUrl || "").replace(/\/+$/, "");
  const doFetch = fetchImpl || ((...a) => fetch(...a));
  const key = auth?.key && auth.origin && originOf(base + "/") === auth.origin ? String(auth.key) : "";

  function headers(extra) {
    return key ? { ...extra, Authorization: `Bearer ${key}` } : extra;
  }

  async function send(path, init) {
    let res;
    try {
      res = await doFetch(base + path, { ...init, headers: headers(init.headers), credentials: "omit", referrerPolicy: "no-referrer" });
    } catch (err) {
      if (err?.name === "AbortError") throw err;
      throw new ServiceUnreachable("The critic service cannot be reached.", err);
    }
    if (res.status === 401) throw new AuthRequired(!!key);
    return res;
  }

  function post(path, body, signal, accept = "application/json") {
    return send(path, { method: "POST", headers: { "Content-Type": "application/json", Accept: accept }, body: JSON.stringify(body), signal });
  }

  async function errorFrom(res) {
    let msg = `${res.status} ${res.statusText}`;
    try {
      const j = await res.json();
      msg = j.detail || j.title || j.error?.message || j.error || j.message || msg;
    } catch { /* not JSON */ }
    return new ServiceError(res.status, String(msg));
  }

  /** One critique (heuristics plus the LLM when the request allows it). */
  async function critique(request, { signal } = {}) {
    const res = await post("/v1/critique", request, signal);
    if (!res.ok) throw await errorFrom(res);
    return res.json();
  }

  /**
   * Streams a critique: onHeuristic(critique) as soon as the heuristics are done, onFinal(critique)
   * with the merged result. Resolves with the final critique.
   */
  async function critiqueStream(request, { signal, onHeuristic, onFinal } = {}) {
    let res;
    try {
      res = await post("/v1/critique/stream", request, signal, "text/event-stream");
    } catch (err) {
      if (err?.name === "AbortError") throw err;
      throw err;
    }
    const type = res.headers.get("content-type") || "";
    if (!res.ok || !res.body || !type.includes("text/event-stream")) {
      if (res.status === 400 || res.status === 413 || res.status === 422) throw await errorFrom(res);
      return fallback();
    }
    let got = 0, final = null, last = null;
    try {
      for await (const ev of readSse(res.body, signal)) {
        if (ev.event === "error") {
          let data = {};
          try { data = JSON.parse(ev.data); } catch { /* plain text */ }
          throw new ServiceError(data.status || 500, data.detail || data.title || ev.data || "stream error");
        }
        if (ev.event !== "heuristic" && ev.event !== "final" && ev.event !== "message") continue;
        let data;
        try { data = JSON.parse(ev.data); } catch { continue; }
        got++;
        last = data;
        if (ev.event === "heuristic") onHeuristic?.(data);
        else { final = data; onFinal?.(data); }
      }
    } catch (err) {
      if (err?.name === "AbortError" || err instanceof ServiceError || err instanceof AuthRequired) throw err;
      if (!got) return fallback();
      if (last) { onFinal?.(last); return last; }
      throw new ServiceUnreachable("The connection to the critic service dropped.", err);
    }
    if (final) return final;
    if (!got) return fallback();
    onFinal?.(last);
    return last;

    async function fallback() {
      const data = await critique(request, { signal });
      onFinal?.(data);
      return data;
    }
  }

  /** The rule catalogue: [{id, title, rubric, severity, message, why, configurable}]. */
  async function rules({ signal } = {}) {
    const res = await send("/v1/rules", { method: "GET", headers: { Accept: "application/json" }, signal });
    if (!res.ok) throw await errorFrom(res);
    return (await res.json()).rules || [];
  }

  /** A fix made in an HTML body by the service (its source map): {body}, or a ServiceError 409 when the words moved. */
  async function edit(request, { signal } = {}) {
    const res = await post("/v1/edit", request, signal);
    if (!res.ok) throw await errorFrom(res);
    return res.json();
  }

  async function health({ signal } = {}) {
    try {
      const res = await doFetch(base + "/healthz", { signal });
      return res.ok;
    } catch {
      return false;
    }
  }

  return { critique, critiqueStream, rules, edit, health, baseUrl: base, hasKey: !!key };
}

/** Parses a text/event-stream body into {event, data, id} objects. */
export async function* readSse(body, signal) {
  const reader = body.getReader();
  const decoder = new TextDecoder();
  let buf = "";
  let event = "message", data = [], id = null;
  try {
    while (true) {
      if (signal?.aborted) throw new DOMException("aborted", "AbortError");
      const { value, done } = await reader.read();
      if (done) break;
      buf += decoder.decode(value, { stream: true });
      let nl;
      while ((nl = buf.search(/\r\n|\r|\n/)) >= 0) {
        const line = buf.slice(0, nl);
        buf = buf.slice(nl + (buf[nl] === "\r" && buf[nl + 1] === "\n" ? 2 : 1));
        if (line === "") {
          if (data.length) yield { event, data: data.join("\n"), id };
          event = "message"; data = [];
          continue;
        }
        if (line.startsWith(":")) continue;
        const c = line.indexOf(":");
        const field = c < 0 ? line : line.slice(0, c);
        let value2 = c < 0 ? "" : line.slice(c + 1);
        if (value2.startsWith(" ")) value2 = value2.slice(1);
        if (field === "event") event = value2 || "message";
        else if (field === "data") data.push(value2);
        else if (field === "id") id = value2;
      }
    }
    buf += decoder.decode();
    if (data.length) yield { event, data: data.join("\n"), id };
  } finally {
    try { reader.releaseLock(); } catch { /* already released */ }
  }
}
