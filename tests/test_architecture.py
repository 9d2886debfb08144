"""The tree is the pipeline: no import cycles, and each stage imports only the stages before it."""

from __future__ import annotations

import ast
from pathlib import Path

PACKAGE = Path(__file__).resolve().parent.parent / "critic"

# What each stage may import from critic (besides itself and critic.model). Later stages may use earlier ones.
ALLOWED: dict[str, set[str]] = {
    "model": set(),
    "ingest": set(),
    "analysis": {"ingest"},
    "config": set(),
    "rules": {"analysis", "ingest", "config"},
    "scoring": set(),
    "llm": {
        "ingest",
        "config",
        "scoring",
        "analysis",
    },  # analysis: the lexicon loader (the injection patterns are data)
    "wire": {"scoring"},
    "pipeline": {"ingest", "analysis", "config", "rules", "scoring", "llm", "wire"},
}


def _module_name(path: Path) -> str:
    parts = list(path.relative_to(PACKAGE.parent).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def _imports(path: Path) -> set[str]:
    """Every critic module `path` imports, at any depth (function-level and type-only imports included)."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    found: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found.update(a.name for a in node.names if a.name.startswith("critic"))
        elif isinstance(node, ast.ImportFrom) and node.module and node.module.startswith("critic"):
            for alias in node.names:
                candidate = f"{node.module}.{alias.name}"
                found.add(
                    candidate
                    if (PACKAGE.parent / (candidate.replace(".", "/") + ".py")).exists()
                    or (PACKAGE.parent / candidate.replace(".", "/")).is_dir()
                    else node.module
                )
    return found


def _graph() -> dict[str, set[str]]:
    modules = {_module_name(p): p for p in PACKAGE.rglob("*.py")}
    return {name: {m for m in _imports(path) if m in modules and m != name} for name, path in modules.items()}


def _stage(module: str) -> str:
    parts = module.split(".")
    return parts[1] if len(parts) > 1 else "critic"


def test_no_import_cycle() -> None:
    graph = _graph()
    state: dict[str, int] = {}
    stack: list[str] = []

    def visit(node: str) -> None:
        state[node] = 1
        stack.append(node)
        for nxt in sorted(graph[node]):
            if state.get(nxt) == 1:
                cycle = stack[stack.index(nxt) :] + [nxt]
                raise AssertionError("import cycle: " + " -> ".join(cycle))
            if nxt not in state:
                visit(nxt)
        stack.pop()
        state[node] = 2

    for node in sorted(graph):
        if node not in state:
            visit(node)


def test_stages_import_only_earlier_stages() -> None:
    wrong = []
    for module, deps in _graph().items():
        stage = _stage(module)
        if stage not in ALLOWED:
            continue
        for dep in deps:
            target = _stage(dep)
            if target not in (stage, "model") and target not in ALLOWED[stage]:
                wrong.append(f"{module} imports {dep}")
    assert not wrong, wrong


def test_the_model_imports_nothing_of_critic() -> None:
    assert not _imports(PACKAGE / "model.py")
