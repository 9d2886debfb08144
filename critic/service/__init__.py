"""The HTTP service: app factory, API blueprint, ops views, errors, parsing, security, metrics, OpenAPI, static files."""
