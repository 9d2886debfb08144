"""Optional tools some tests drive (a browser, a load generator, an npm validator): one policy for all of them.

.ci/run installs every one of them before pytest starts, and the tests call the installed binary: nothing is
downloaded while the tests run (no `npx --yes`, no `playwright install`). A test whose tool is missing skips,
saying which tool and how to install it, on a developer's machine; in CI (CI=true) it fails instead, since a
skipped test there would hide a missing install step.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
# Where .ci/run installs npm tools (git-ignored): `npm install --prefix .tools/npm ...`.
NPM_BIN = ROOT / ".tools" / "npm" / "node_modules" / ".bin"

# name -> (where to look besides PATH, how to install it)
TOOLS: dict[str, tuple[tuple[Path, ...], str]] = {
    "chromium": ((Path("/usr/bin/chromium"),), "apt-get install chromium"),
    "wrk": ((), "apt-get install wrk"),
    "office-addin-manifest": (
        (NPM_BIN / "office-addin-manifest",),
        "npm install --prefix .tools/npm office-addin-manifest (as .ci/run does)",
    ),
}


def in_ci() -> bool:
    return os.environ.get("CI", "").lower() not in ("", "0", "false", "no")


def find_tool(name: str) -> str | None:
    """The path of an installed tool, or None."""
    places, _ = TOOLS.get(name, ((), ""))
    for place in places:
        if place.is_file() and os.access(place, os.X_OK):
            return str(place)
    return shutil.which(name)


def require_tool(name: str) -> str:
    """The path of the tool `name`; when it is missing, skip (outside CI) or fail (in CI) the calling test or module."""
    found = find_tool(name)
    if found:
        return found
    how = TOOLS.get(name, ((), f"install {name}"))[1]
    reason = f"{name} is not installed ({how}); .ci/run installs it before the tests"
    if in_ci():
        pytest.fail(f"CI=true but {reason}", pytrace=False)
    pytest.skip(reason, allow_module_level=True)


def run_critic(*args: str, timeout: float = 60) -> subprocess.CompletedProcess[str]:
    """`python -m critic ARGS...` as a user runs it, from the repository root; output captured as text."""
    return subprocess.run(
        [sys.executable, "-m", "critic", *args], capture_output=True, check=False, text=True, timeout=timeout, cwd=ROOT
    )
