"""Serves the add-in's static files: /panel/, /demo and /addin/<path> from the top-level addin/ folder."""

from __future__ import annotations

import os
from pathlib import Path

from flask import Blueprint, Response, current_app, send_from_directory
from werkzeug.exceptions import NotFound

import critic
from critic.service.errors import ApiProblem

bp = Blueprint("static_addin", __name__)
ADDIN_ENV = "CRITIC_ADDIN_DIR"
PANEL_INDEX = ("index.html", "panel.html")


def default_addin_dir() -> Path:
    """$CRITIC_ADDIN_DIR, else addin/ beside the critic package (the repository's top level)."""
    env = os.environ.get(ADDIN_ENV)
    return Path(env) if env else Path(critic.__file__).resolve().parent.parent / "addin"


def _root(*parts: str) -> Path:
    root = Path(current_app.config["ADDIN_DIR"]).joinpath(*parts)
    if not root.is_dir():
        raise ApiProblem(
            404,
            "Not Found",
            f"the add-in files are not installed on this server ({'/'.join(parts) or 'addin'}/)",
            "addin-missing",
        )
    return root


def _send(root: Path, path: str) -> Response:
    try:
        resp = send_from_directory(root, path, max_age=300)
    except NotFound:
        raise ApiProblem(404, "Not Found", f"no such add-in file: {path}") from None
    return resp


@bp.get("/panel/")
def panel_index() -> Response:
    """The task pane's page."""
    root = _root("panel")
    for name in PANEL_INDEX:
        if (root / name).is_file():
            return _send(root, name)
    raise ApiProblem(404, "Not Found", "the panel has no index.html or panel.html", "addin-missing")


@bp.get("/panel/<path:path>")
def panel_file(path: str) -> Response:
    """A file of the panel."""
    return _send(_root("panel"), path)


@bp.get("/demo")
def demo() -> Response:
    """The demo page: paste a draft, see the critique."""
    return _send(_root("demo"), "index.html")


@bp.get("/addin/<path:path>")
def addin_file(path: str) -> Response:
    """Any file under addin/ (manifests, the Outlook task pane, icons)."""
    return _send(_root(), path)
