"""The prompt files (system prompt, output schema, versioned user template), loaded and checked once.

The files live in `critic/llm/prompts/` so that they ship in the wheel as package data; the repository's
top-level `prompts/` is a symlink to that folder, so the design's `prompts/` is where people look for them.
Every problem is reported as a `PromptError` that names the file.
"""

from __future__ import annotations

import functools
import hashlib
import json
import re
import string
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from critic.model import RUBRICS

if TYPE_CHECKING:  # jsonschema is imported when a schema is checked or an answer validated, not with critic
    from jsonschema import Draft202012Validator

PROMPTS_DIR = Path(__file__).resolve().parent / "prompts"
SYSTEM_FILE = "system.md"
SCHEMA_FILE = "schema.json"
TEMPLATE_FILE = "user.v1.txt"

SYSTEM_FIELDS = frozenset({"adjust_min", "adjust_max", "max_findings"})
TEMPLATE_FIELDS = frozenset({"boundary", "recipient", "subject", "body", "heuristic_findings", "personal_sentences"})
# What the code reads from the model's answer: the schema must require these, with these shapes.
REQUIRED_KEYS = ("findings", "adjustments", "generic_swap", "rewrite", "rewrite_subject")
FINDING_KEYS = ("rubric", "field", "quote", "message", "why", "severity", "replacement")
_VERSION_IN_NAME = re.compile(r"^user\.(v\d+)\.txt$")


class PromptError(ValueError):
    """A prompt file is missing or malformed; the message names the file."""


@dataclass(frozen=True)
class Prompts:
    """The validated prompt files and the version that keys the cache."""

    system: string.Template
    schema: dict[str, Any]
    user: string.Template
    version: str

    @functools.cached_property
    def validator(self) -> Draft202012Validator:
        from jsonschema import Draft202012Validator

        return Draft202012Validator(self.schema)

    def system_text(self, adjust_min: int, adjust_max: int, max_findings: int, *, with_schema: bool) -> str:
        text = self.system.substitute(adjust_min=adjust_min, adjust_max=f"+{adjust_max}", max_findings=max_findings)
        if with_schema:
            # JSON mode servers do not receive the schema in `response_format`, so the model must read it here.
            text += "\n\nThe JSON object must follow this JSON Schema:\n" + json.dumps(
                self.schema, separators=(",", ":")
            )
        return text


def _read(path: Path) -> str:
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise PromptError(f"prompt file {path}: missing") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise PromptError(f"prompt file {path}: cannot be read ({exc})") from None
    if not text.strip():
        raise PromptError(f"prompt file {path}: is empty")
    return text


def _template(path: Path, text: str, allowed: frozenset[str], required: frozenset[str]) -> string.Template:
    tpl = string.Template(text)
    if not tpl.is_valid():
        raise PromptError(f"prompt file {path}: invalid placeholder syntax (write a literal dollar sign as $$)")
    found = set(tpl.get_identifiers())
    if unknown := sorted(found - allowed):
        raise PromptError(
            f"prompt file {path}: unknown placeholder(s) {', '.join('$' + u for u in unknown)}; "
            f"allowed: {', '.join('$' + a for a in sorted(allowed))}"
        )
    if missing := sorted(required - found):
        raise PromptError(f"prompt file {path}: missing placeholder(s) {', '.join('$' + m for m in missing)}")
    return tpl


def _check_schema(path: Path, schema: Any) -> None:
    from jsonschema import Draft202012Validator
    from jsonschema.exceptions import SchemaError

    if not isinstance(schema, dict):
        raise PromptError(f"prompt file {path}: the schema must be a JSON object")
    try:
        Draft202012Validator.check_schema(schema)
    except SchemaError as exc:
        raise PromptError(f"prompt file {path}: not a valid JSON Schema: {exc.message}") from None
    props = schema.get("properties") or {}
    required = set(schema.get("required") or ())
    for key in REQUIRED_KEYS:
        if key not in props or key not in required:
            raise PromptError(f"prompt file {path}: the schema must define and require {key!r}")
    item = (props["findings"].get("items") or {}) if isinstance(props["findings"], dict) else {}
    item_props, item_required = item.get("properties") or {}, set(item.get("required") or ())
    for key in FINDING_KEYS:
        if key not in item_props or key not in item_required:
            raise PromptError(f"prompt file {path}: findings items must define and require {key!r}")
    if set(item_props["rubric"].get("enum") or ()) != set(RUBRICS):
        raise PromptError(f"prompt file {path}: findings.rubric must enumerate exactly {', '.join(RUBRICS)}")
    adjust = props["adjustments"].get("properties") or {}
    if set(adjust) != set(RUBRICS) or set(props["adjustments"].get("required") or ()) != set(RUBRICS):
        raise PromptError(f"prompt file {path}: adjustments must define and require exactly {', '.join(RUBRICS)}")


def load_prompts(directory: Path | str = PROMPTS_DIR, template: str = TEMPLATE_FILE) -> Prompts:
    """Read and check the three prompt files in `directory`; raise PromptError naming the faulty file."""
    directory = Path(directory)
    system_path, schema_path, user_path = directory / SYSTEM_FILE, directory / SCHEMA_FILE, directory / template
    match = _VERSION_IN_NAME.match(template)
    if not match:
        raise PromptError(f"prompt file {user_path}: a user template must be named user.vN.txt")
    system_text = _read(system_path)
    system = _template(system_path, system_text, SYSTEM_FIELDS, SYSTEM_FIELDS)
    missing = [r for r in RUBRICS if f"`{r}`" not in system_text]
    if missing:
        raise PromptError(
            f"prompt file {system_path}: does not define rubric(s) {', '.join(missing)} (write each id as `id`)"
        )
    schema_text = _read(schema_path)
    try:
        schema = json.loads(schema_text)
    except json.JSONDecodeError as exc:
        raise PromptError(
            f"prompt file {schema_path}: invalid JSON at line {exc.lineno} column {exc.colno}: {exc.msg}"
        ) from None
    _check_schema(schema_path, schema)
    user_text = _read(user_path)
    user = _template(user_path, user_text, TEMPLATE_FIELDS, TEMPLATE_FIELDS)
    digest = hashlib.sha256("\0".join((system_text, schema_text, user_text)).encode("utf-8")).hexdigest()[:8]
    return Prompts(system, schema, user, f"{match.group(1)}-{digest}")
