"""Rule overrides (off or a new severity, by id or prefix) from a config file and per request."""

from __future__ import annotations

import os
import tomllib
from collections.abc import Collection, Mapping
from dataclasses import dataclass
from pathlib import Path

from critic.model import Severity

OFF = "off"
CONFIG_ENV = "CRITIC_CONFIG"
CONFIG_NAME = "critic.toml"


class ConfigError(ValueError):
    """The rule overrides are not valid; the message names the key."""


@dataclass(frozen=True)
class Overrides:
    """Maps rule ids or prefixes (`rapport`, `rapport.pleasantry`) to `off` or a severity; the longest key wins."""

    levels: tuple[tuple[str, Severity | None], ...] = ()

    @classmethod
    def parse(cls, raw: Mapping[str, str] | None, known: Collection[str] | None = None) -> Overrides:
        if not raw:
            return cls()
        if not isinstance(raw, Mapping):
            raise ConfigError("rules must be a mapping of rule id or prefix to 'off' or a severity")
        levels = []
        for key, value in raw.items():
            if not isinstance(key, str) or not isinstance(value, str):
                raise ConfigError(f"rules.{key}: use 'off', 'suggestion', 'warning' or 'error'")
            if known is not None and not any(rule == key or rule.startswith(key + ".") for rule in known):
                raise ConfigError(f"rules.{key}: no rule has this id or prefix")
            if value.lower() == OFF:
                levels.append((key, None))
            else:
                try:
                    levels.append((key, Severity.parse(value)))
                except ValueError:
                    raise ConfigError(
                        f"rules.{key}: use 'off', 'suggestion', 'warning' or 'error', not {value!r}"
                    ) from None
        return cls(tuple(levels))

    def then(self, other: Overrides) -> Overrides:
        """These overrides with `other` applied on top (per-request over file)."""
        return Overrides(self.levels + other.levels)

    def level(self, rule_id: str, default: Severity) -> Severity | None:
        """The severity to use for `rule_id`, or None when the rule is off."""
        best, best_len, best_pos = default, -1, -1
        for pos, (key, level) in enumerate(self.levels):
            # Longer (more specific) keys win; among equal keys the later one does.
            if (rule_id == key or rule_id.startswith(key + ".")) and (
                len(key) > best_len or (len(key) == best_len and pos > best_pos)
            ):
                best, best_len, best_pos = level, len(key), pos
        return best


def find_config(start: Path | None = None) -> Path | None:
    """The config file: $CRITIC_CONFIG, else critic.toml in the working directory."""
    env = os.environ.get(CONFIG_ENV)
    if env:
        return Path(env)
    candidate = (start or Path.cwd()) / CONFIG_NAME
    return candidate if candidate.is_file() else None


def load_file_overrides(path: Path | None, known: Collection[str]) -> Overrides:
    """Overrides from the `[rules]` table of a TOML config file."""
    if path is None:
        return Overrides()
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise ConfigError(f"{path}: {exc}") from exc
    return Overrides.parse(data.get("rules") or {}, known)
