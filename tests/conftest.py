"""Shared fixtures for the service tests: an app with generous limits and its test client."""

from __future__ import annotations

import os

import pytest


@pytest.fixture
def make_app(monkeypatch):
    """A factory for service apps with test settings; the environment cannot leak in."""
    for name in ("CRITIC_API_KEYS", "CRITIC_CORS_ORIGINS", "CRITIC_RATE_LIMIT", "CRITIC_MAX_BYTES", "CRITIC_ADDIN_DIR"):
        monkeypatch.delenv(name, raising=False)
    from critic.service.app import create_app

    def make(**config):
        return create_app({"RATE_LIMIT": "100000/minute", **config})

    return make


@pytest.fixture
def client(make_app):
    """A test client of a default app."""
    return make_app().test_client()


# Every app and `critic serve` started by a test checks its responses against their schemas (production does not).
os.environ.setdefault("CRITIC_VALIDATE_RESPONSES", "1")
