"""A scriptable OpenAI-compatible chat-completions server on 127.0.0.1 for the LLM tests.

Each test scripts what the next calls answer (a queue of `Response`s or callables taking the request), with a
default for calls past the script. The server counts calls, records every request, and tracks how many requests
were in flight at once. `hang` responses wait on an event that `stop()` sets, so no thread outlives the test.
"""

from __future__ import annotations

import json
import re
import threading
import time
from collections import deque
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

RUBRICS = ("empathy", "value_first", "imposition", "rapport", "clarity")
USAGE = {"prompt_tokens": 812, "completion_tokens": 164, "total_tokens": 976}


@dataclass
class Response:
    status: int = 200
    body: Any = None  # a dict is sent as JSON, a str as is
    headers: dict[str, str] = field(default_factory=dict)
    delay: float = 0.0


Behaviour = Response | Callable[[dict[str, Any]], Response]


def answer(
    findings: list[dict[str, Any]] | None = None,
    adjustments: dict[str, int] | None = None,
    generic_swap: list[dict[str, Any]] | None = None,
    rewrite: str | None = None,
    rewrite_subject: str | None = None,
) -> dict[str, Any]:
    """A schema-valid model answer."""
    return {
        "findings": findings or [],
        "adjustments": {r: (adjustments or {}).get(r, 0) for r in RUBRICS},
        "generic_swap": generic_swap or [],
        "rewrite": rewrite,
        "rewrite_subject": rewrite_subject,
    }


def finding(
    quote: str,
    rubric: str = "value_first",
    severity: str = "warning",
    field_: str = "body",
    message: str = "The offer is generic.",
    replacement: str | None = None,
) -> dict[str, Any]:
    return {
        "rubric": rubric,
        "field": field_,
        "quote": quote,
        "message": message,
        "why": "The reader cannot tell what they get.",
        "severity": severity,
        "replacement": replacement,
    }


def completion(
    content: Any, finish_reason: str = "stop", usage: dict[str, int] | None = None, model: str = "fake-model"
) -> Response:
    """A 200 chat completion whose message content is `content` (a dict is JSON-encoded)."""
    text = content if isinstance(content, str) else json.dumps(content)
    return Response(
        200,
        {
            "id": "chatcmpl-fake",
            "object": "chat.completion",
            "created": int(time.time()),
            "model": model,
            "choices": [
                {"index": 0, "message": {"role": "assistant", "content": text}, "finish_reason": finish_reason}
            ],
            "usage": usage or USAGE,
        },
    )


def error(status: int, message: str = "boom", headers: dict[str, str] | None = None) -> Response:
    return Response(status, {"error": {"message": message, "type": "server_error", "code": None}}, headers or {})


def hang(seconds: float) -> Response:
    return Response(200, None, delay=seconds)


def draft_of(request: dict[str, Any]) -> dict[str, str]:
    """The subject and body the critic put between its boundary markers in the user message."""
    user = next(m["content"] for m in request["messages"] if m["role"] == "user")
    out = {}
    for tag in ("subject", "body", "automatic_findings", "personal_sentences"):
        m = re.search(rf"<{tag}>\n(.*?)\n</{tag}>", user, re.DOTALL)
        out[tag] = m.group(1) if m else ""
    return out


class FakeOpenAI:
    """The server; `base_url` ends in /v1 like the real one."""

    def __init__(self, port: int = 0) -> None:
        self.calls = 0
        self.requests: list[dict[str, Any]] = []
        self.headers: list[dict[str, str]] = []
        self.in_flight = 0
        self.max_in_flight = 0
        self.script: deque[Behaviour] = deque()
        self.default: Behaviour = completion(answer())
        self.release = threading.Event()
        self._lock = threading.Lock()
        self._server = ThreadingHTTPServer(("127.0.0.1", port), self._handler())
        self._server.daemon_threads = True
        self._server.block_on_close = False
        self._thread = threading.Thread(target=self._server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)

    @property
    def base_url(self) -> str:
        host, port = self._server.server_address[:2]
        return f"http://{host}:{port}/v1"

    def start(self) -> FakeOpenAI:
        self._thread.start()
        return self

    def stop(self) -> None:
        self.release.set()
        self._server.shutdown()
        self._server.server_close()

    def then(self, *behaviours: Behaviour) -> FakeOpenAI:
        """Queue what the next calls answer."""
        self.script.extend(behaviours)
        return self

    def _next(self, request: dict[str, Any]) -> Response:
        with self._lock:
            self.calls += 1
            self.requests.append(request)
            behaviour = self.script.popleft() if self.script else self.default
        return behaviour(request) if callable(behaviour) else behaviour

    def _handler(self) -> type[BaseHTTPRequestHandler]:
        fake = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, format: str, *args: Any) -> None:  # quiet
                pass

            def do_POST(self) -> None:
                length = int(self.headers.get("content-length") or 0)
                raw = self.rfile.read(length)
                if not self.path.endswith("/chat/completions"):
                    self._send(error(404, f"no route {self.path}"))
                    return
                with fake._lock:
                    fake.headers.append({k.lower(): v for k, v in self.headers.items()})
                    fake.in_flight += 1
                    fake.max_in_flight = max(fake.max_in_flight, fake.in_flight)
                try:
                    response = fake._next(json.loads(raw))
                    if response.delay:
                        fake.release.wait(response.delay)
                    self._send(response)
                finally:
                    with fake._lock:
                        fake.in_flight -= 1

            def _send(self, response: Response) -> None:
                body = response.body if isinstance(response.body, str) else json.dumps(response.body)
                data = body.encode("utf-8")
                try:
                    self.send_response(response.status)
                    self.send_header("content-type", "application/json")
                    self.send_header("content-length", str(len(data)))
                    for k, v in response.headers.items():
                        self.send_header(k, v)
                    self.end_headers()
                    self.wfile.write(data)
                except (BrokenPipeError, ConnectionResetError):
                    pass  # the client gave up (deadline): nothing to do

        return Handler


LLM_ENV = (
    "OPENAI_BASE_URL",
    "OPENAI_API_KEY",
    "CRITIC_LLM_MODEL",
    "CRITIC_LLM_TIMEOUT",
    "CRITIC_LLM_MAX_CONCURRENCY",
    "CRITIC_LLM_RESPONSE_FORMAT",
    "CRITIC_LLM_CACHE_TTL",
    "CRITIC_LLM_MAX_TOKENS",
    "CRITIC_CONFIG",
)


def clear_llm_env(monkeypatch: Any) -> None:
    for name in LLM_ENV:
        monkeypatch.delenv(name, raising=False)


def serve(monkeypatch: Any, timeout: float = 5.0) -> Iterator[FakeOpenAI]:
    """Start a server and point the critic at it (a generator for a pytest fixture)."""
    import critic.llm

    clear_llm_env(monkeypatch)
    server = FakeOpenAI().start()
    monkeypatch.setenv("OPENAI_BASE_URL", server.base_url)
    monkeypatch.setenv("CRITIC_LLM_MODEL", "fake-model")
    monkeypatch.setenv("CRITIC_LLM_TIMEOUT", str(timeout))
    critic.llm.reset()
    try:
        yield server
    finally:
        server.stop()
        critic.llm.reset()
