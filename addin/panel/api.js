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

export function createClient(baseUrl = "", { fetchImpl } = {}) {
  const base = String(baseUrl || "").replace(/\/+$/, "");
  const doFetch = fetchImpl || ((...a) => fetch(...a));

  async function post(path, body, signal, accept = "application/json") {
    try {
      return await doFetch(base + path, {
        method: "POST",
        headers: { "Content-Type": "application/json", Accept: accept },
        body: JSON.stringify(body),
        signal,
      });
    } catch (err) {
      if (err?.name === "AbortError") throw err;
      throw new ServiceUnreachable("The critic service cannot be reached.", err);
    }
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
      if (err?.name === "AbortError" || err instanceof ServiceError) throw err;
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

  async function health({ signal } = {}) {
    try {
      const res = await doFetch(base + "/healthz", { signal });
      return res.ok;
    } catch {
      return false;
    }
  }

  return { critique, critiqueStream, health, baseUrl: base };
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
