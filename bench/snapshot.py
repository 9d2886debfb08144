"""Wire-output snapshot: critique every corpus, dev-set, held-out, example and rule-example draft, write or compare.

    python bench/snapshot.py write snap.jsonl     # before a change
    python bench/snapshot.py check snap.jsonl     # after it: exits 1 and names each draft whose output differs

A refactor must leave every line byte-identical (heuristics only; the LLM step is off). Held-out drafts are
covered too, but a check only counts theirs that differ: nobody may look at held-out results one draft at a time.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import yaml

ROOT = Path(__file__).resolve().parent.parent
DEV_SETS = tuple(f"devset{n}.yaml" for n in ("", 2, 3, 4, 5, 6, 7, 8))
HELD_OUT = ("heldout.yaml", "heldout2.yaml")
VARIANTS: tuple[dict[str, Any], ...] = (
    {},
    {"rules": {"rapport": "off", "imposition.time_slot": "error"}},
    {"recipient": ("Dana Lee", "Kettle & Crank", "")},
)


def _api() -> tuple[Any, Any, Any, Any, Any]:
    import critic
    from critic.ingest import parse_text_file

    return critic.critique, critic.Draft, critic.Recipient, parse_text_file, critic.to_wire


def drafts() -> Iterator[tuple[str, dict[str, Any]]]:
    """(name, draft fields) for every draft the snapshot covers."""
    for path in sorted((ROOT / "tests/data/corpus").glob("*.txt")):
        yield f"corpus/{path.name}", {"file": path.read_text(encoding="utf-8")}
    for path in sorted((ROOT / "examples").glob("*.txt")):
        yield f"examples/{path.name}", {"file": path.read_text(encoding="utf-8")}
    for name in (*DEV_SETS, *HELD_OUT):
        path = ROOT / "tests/data" / name
        if path.exists():
            for item in yaml.safe_load(path.read_text(encoding="utf-8")):
                yield (
                    f"{name}/{item['id']}",
                    {"body": item["body"], "subject": item.get("subject") or "", "format": item.get("format", "text")},
                )
    for path in sorted((ROOT / "critic/rules/data").glob("*.yaml")):
        data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
        for rule in data if isinstance(data, list) else []:
            for kind in ("bad", "good"):
                if not isinstance(rule, dict) or "id" not in rule:
                    continue
                for i, ex in enumerate((rule.get("examples") or {}).get(kind) or []):
                    fields = ex if isinstance(ex, dict) else {"body": ex, "subject": "Notes on your onboarding flow"}
                    yield (
                        f"rule/{rule['id']}/{kind}/{i}",
                        {"body": fields.get("body", ""), "subject": fields.get("subject", "")},
                    )


def snapshot() -> Iterator[tuple[str, str]]:
    """(key, wire JSON) for each draft and variant."""
    critique, draft_type, recipient_type, parse_text_file, to_wire = _api()

    for name, fields in drafts():
        draft = parse_text_file(fields["file"]) if "file" in fields else draft_type(**fields)
        for v, variant in enumerate(VARIANTS):
            kwargs = dict(variant)
            if "recipient" in kwargs:
                kwargs["recipient"] = recipient_type(*kwargs["recipient"])
            out = to_wire(critique(draft, llm="off", **kwargs))
            yield f"{name}#{v}", json.dumps(out, ensure_ascii=False, sort_keys=False)


def _held_out(key: str) -> bool:
    return key.startswith(tuple(f"{name}/" for name in HELD_OUT))


def main(argv: list[str]) -> int:
    if len(argv) != 2 or argv[0] not in ("write", "check"):
        print(__doc__)
        return 2
    mode, path = argv
    if mode == "write":
        with open(path, "w", encoding="utf-8") as fh:
            n = 0
            for key, line in snapshot():
                fh.write(json.dumps({"key": key, "wire": line}, ensure_ascii=False) + "\n")
                n += 1
        print(f"wrote {n} snapshots to {path}")
        return 0
    before = {}
    for raw in Path(path).read_text(encoding="utf-8").splitlines():
        row = json.loads(raw)
        before[row["key"]] = row["wire"]
    differ, seen = [], set()
    for key, line in snapshot():
        seen.add(key)
        if key in before and before[key] != line:
            differ.append(key)
    missing = sorted(set(before) - seen)
    # Held-out keys are never printed: a count says whether they changed, not which draft did.
    for key in [k for k in differ if not _held_out(k)][:40]:
        print("differs:", key)
    for key in [k for k in missing if not _held_out(k)][:10]:
        print("missing:", key)
    held_differ, held_missing = sum(map(_held_out, differ)), sum(map(_held_out, missing))
    if held_differ or held_missing:
        print(f"held-out sets: {held_differ} differ, {held_missing} missing (not named)")
    print(f"{len(seen)} snapshots, {len(differ)} differ, {len(missing)} missing")
    return 1 if differ or missing else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
