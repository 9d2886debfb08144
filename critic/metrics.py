"""Prometheus metrics (prometheus_client): requests by route and status, latency, and the LLM stage's counters."""

from __future__ import annotations

import time
from collections.abc import Iterator

from flask import Flask, Response, g, request
from prometheus_client import (
    CONTENT_TYPE_LATEST,
    CollectorRegistry,
    Counter,
    Histogram,
    disable_created_metrics,
    generate_latest,
)
from prometheus_client.core import CounterMetricFamily, GaugeMetricFamily
from prometheus_client.registry import Collector

import critic.llm as llm_stage

disable_created_metrics()  # the *_created series only add noise to the exposition
LATENCY_BUCKETS = (0.002, 0.005, 0.01, 0.02, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0)


class LLMCollector(Collector):
    """Reads `critic.llm.counters()` and `backend_state()` at scrape time."""

    def collect(self) -> Iterator[CounterMetricFamily | GaugeMetricFamily]:
        try:
            counts = llm_stage.counters()
        except Exception:  # noqa: BLE001 - a broken stage must not break the scrape
            counts = {}
        for name, value in sorted(counts.items()):
            if isinstance(value, int | float) and name.replace("_", "").isalnum():
                yield CounterMetricFamily(f"critic_llm_{name}", f"LLM stage counter `{name}` since start", value=value)
        try:
            configured = bool(llm_stage.backend_state().get("configured"))
        except Exception:  # noqa: BLE001
            configured = False
        yield GaugeMetricFamily("critic_llm_configured", "1 when an LLM backend is configured", value=int(configured))


class Metrics:
    """The app's own registry, so several apps in one process (tests) do not collide."""

    def __init__(self) -> None:
        self.registry = CollectorRegistry()
        self.requests = Counter("critic_http_requests", "HTTP requests answered", ["route", "method", "status"],
                                registry=self.registry)
        self.latency = Histogram("critic_http_request_duration_seconds", "Time to answer, by route", ["route"],
                                 buckets=LATENCY_BUCKETS, registry=self.registry)
        self.registry.register(LLMCollector())

    def install(self, app: Flask) -> None:
        """Time every request and serve /metrics."""
        app.before_request(self._start)
        app.after_request(self._observe)
        app.add_url_rule("/metrics", "metrics", self.scrape, methods=["GET"])

    def _start(self) -> None:
        g.started = time.perf_counter()

    def _observe(self, resp: Response) -> Response:
        route = request.url_rule.rule if request.url_rule else "(unmatched)"
        self.requests.labels(route, request.method, str(resp.status_code)).inc()
        started = g.get("started")
        if started is not None:
            self.latency.labels(route).observe(time.perf_counter() - started)
        return resp

    def scrape(self) -> Response:
        """The Prometheus text exposition."""
        return Response(generate_latest(self.registry), mimetype=CONTENT_TYPE_LATEST.split(";")[0],
                        headers={"Content-Type": CONTENT_TYPE_LATEST})
