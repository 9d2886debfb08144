"""Prometheus metrics (prometheus_client): requests by route and status, latency, and the LLM stage's counters.

`critic serve --workers N` answers from N processes behind one socket, so a scrape reaches one of them at random.
With PROMETHEUS_MULTIPROC_DIR set before prometheus_client is imported (`critic serve` sets a private temporary
one before it imports the app), every process writes its counts to that directory and a scrape sums them all:
prometheus_client's documented multiprocess mode. The master marks dead workers in gunicorn's `child_exit` hook.
"""

from __future__ import annotations

import logging
import os
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
    multiprocess,
    values,
)
from prometheus_client.core import CounterMetricFamily, GaugeMetricFamily
from prometheus_client.registry import Collector

import critic.llm as llm_stage

log = logging.getLogger("critic.service.metrics")
disable_created_metrics()  # the *_created series only add noise to the exposition
LATENCY_BUCKETS = (0.002, 0.005, 0.01, 0.02, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0)


MULTIPROC_ENV = "PROMETHEUS_MULTIPROC_DIR"
LLM_HELP = "LLM stage counter `{}` since start"


class LLMCollector(Collector):
    """Reads `critic.llm.counters()` (unless shared across processes) and `backend_state()` at scrape time."""

    def __init__(self, counts: bool = True) -> None:
        self.counts = counts

    def collect(self) -> Iterator[CounterMetricFamily | GaugeMetricFamily]:
        try:
            counts = llm_stage.counters() if self.counts else {}
        except Exception:  # noqa: BLE001 - a broken stage must not break the scrape
            counts = {}
        for name, value in sorted(counts.items()):
            if isinstance(value, int | float) and name.replace("_", "").isalnum():
                yield CounterMetricFamily(f"critic_llm_{name}", LLM_HELP.format(name), value=value)
        try:
            configured = bool(llm_stage.backend_state().get("configured"))
        except Exception:  # noqa: BLE001
            configured = False
        yield GaugeMetricFamily("critic_llm_configured", "1 when an LLM backend is configured", value=int(configured))
        try:
            shared = llm_stage.shared_state()
        except Exception:  # noqa: BLE001
            shared = {}
        if shared.get("configured"):
            # As this process last saw it: 0 after a failed Redis call, until one succeeds again.
            yield GaugeMetricFamily(
                "critic_shared_up", "1 when Redis (CRITIC_REDIS_URL) answered", value=int(shared.get("up") is not False)
            )


def shared_directory() -> str | None:
    """Where worker processes pool their counts, when they do (PROMETHEUS_MULTIPROC_DIR set before the import)."""
    named = os.environ.get(MULTIPROC_ENV) or None
    if named and not getattr(values.ValueClass, "_multiprocess", False):
        # prometheus_client chose its value store when it was imported, before the directory was named.
        log.warning("%s was set after prometheus_client was imported; metrics stay per process", MULTIPROC_ENV)
        return None
    return named


class Metrics:
    """The app's own registry, so several apps in one process (tests) do not collide."""

    def __init__(self) -> None:
        self.shared = shared_directory()
        self.registry = CollectorRegistry()
        self.requests = Counter(
            "critic_http_requests", "HTTP requests answered", ["route", "method", "status"], registry=self.registry
        )
        self.latency = Histogram(
            "critic_http_request_duration_seconds",
            "Time to answer, by route",
            ["route"],
            buckets=LATENCY_BUCKETS,
            registry=self.registry,
        )
        self.scraped = self.registry
        if self.shared:
            llm = {
                name: Counter(f"critic_llm_{name}", LLM_HELP.format(name), registry=self.registry)
                for name in llm_stage.COUNTER_NAMES
            }
            llm_stage.subscribe(lambda name: llm[name].inc() if name in llm else None)
            self.scraped = CollectorRegistry()
            multiprocess.MultiProcessCollector(self.scraped, path=self.shared)
        self.scraped.register(LLMCollector(counts=not self.shared))

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
        return Response(
            generate_latest(self.scraped),
            mimetype=CONTENT_TYPE_LATEST.split(";")[0],
            headers={"Content-Type": CONTENT_TYPE_LATEST},
        )
