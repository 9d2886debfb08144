"""Build once, load fast: derived data (the syllable table, parsed rule files, pattern needles) kept in a user cache.

Each entry is one `marshal` file in `$XDG_CACHE_HOME/outreach-critic` (by default `~/.cache/outreach-critic`), named
after what it holds and a key of everything it was built from (a data file's version, size and time, a source
hash), so a changed input is simply a different file. When the directory cannot be written, everything is built in
memory as before; a cache file that cannot be read is rebuilt. Nothing in the cache is ever needed: deleting the
directory only makes the next start slower.
"""

from __future__ import annotations

import hashlib
import marshal
import os
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

APP = "outreach-critic"
# Bump when the shape of anything stored changes, so files written by older code are never read.
FORMAT = 1
KEEP = 8  # entries of one name kept side by side (several installations may share the directory)
T = TypeVar("T")


def cache_dir() -> Path:
    """Where the cache lives: `$XDG_CACHE_HOME/outreach-critic`, else `~/.cache/outreach-critic`."""
    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    return Path(base) / APP


def _path(name: str, key: str) -> Path:
    tag = f"{key}|{FORMAT}|{marshal.version}|{sys.version_info[0]}.{sys.version_info[1]}"
    return cache_dir() / f"{name}-{hashlib.sha256(tag.encode()).hexdigest()[:20]}.marshal"


def load(name: str, key: str) -> Any | None:
    """The value stored under `name` and `key`, or None when there is none (or it cannot be read)."""
    try:
        return marshal.loads(_path(name, key).read_bytes())
    except (OSError, EOFError, ValueError, TypeError):
        return None


def store(name: str, key: str, value: Any) -> bool:
    """Store `value` (plain data: marshal's types) atomically; False when the directory cannot be written."""
    path = _path(name, key)
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
        tmp.write_bytes(marshal.dumps(value))
        os.replace(tmp, path)  # readers see the old file or the whole new one, never half of one
    except (OSError, ValueError):
        return False
    _prune(path.parent, name)
    return True


def _prune(directory: Path, name: str) -> None:
    """Keep the newest KEEP entries of `name`: older ones were most likely built from inputs that have changed."""
    try:
        entries = sorted(directory.glob(f"{name}-*.marshal"), key=lambda p: p.stat().st_mtime_ns, reverse=True)
        for old in entries[KEEP:]:
            old.unlink()
    except OSError:
        pass


def cached(name: str, key: str, build: Callable[[], T], valid: Callable[[Any], bool] = lambda _: True) -> T:
    """The value under `name` and `key`, built (and stored, where it can be) when missing or not `valid`."""
    value = load(name, key)
    if value is not None and valid(value):
        return value
    built = build()
    store(name, key, built)
    return built


def file_key(path: Path | str) -> str:
    """A key that changes whenever the file does: its size and modification time."""
    st = os.stat(path)
    return f"{st.st_size}|{st.st_mtime_ns}"


def distribution_version(module_file: str | os.PathLike[str], name: str) -> str:
    """The installed version of the distribution `name` beside a module file, read from its .dist-info name.

    Cheaper than importlib.metadata (which imports a good part of the standard library); "" when not found.
    """
    site = Path(module_file).resolve().parent.parent
    for info in site.glob(f"{name}-*.dist-info"):
        return info.name[len(name) + 1 : -len(".dist-info")]
    return ""
