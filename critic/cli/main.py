"""The `critic` command: check drafts, evaluate against a labeled set, serve the API."""

from __future__ import annotations

import argparse
import json
import os
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from critic.cli import addin as addin_cli
from critic.cli.render import render_text
from critic.config import ConfigError
from critic.ingest.files import read_draft
from critic.model import LLM_MODES, DraftError
from critic.pipeline import critique
from critic.wire import to_wire

EXIT_OK, EXIT_BELOW, EXIT_INPUT = 0, 1, 2
PROGRESS_MIN = 10


def _parse_rule_flags(values: list[str]) -> dict[str, str]:
    out = {}
    for value in values:
        key, sep, level = value.partition("=")
        if not sep:
            raise ConfigError(f"--rule {value!r}: use ID=LEVEL, e.g. rapport.pleasantry=off")
        out[key.strip()] = level.strip()
    return out


class _Progress:
    """A one-line progress bar on stderr for large batches."""

    def __init__(self, total: int) -> None:
        self.total = total
        self.on = total >= PROGRESS_MIN and (sys.stderr.isatty() or os.environ.get("CRITIC_PROGRESS") == "1")

    def step(self, done: int) -> None:
        if self.on:
            filled = int(30 * done / self.total)
            sys.stderr.write(f"\r[{'#' * filled}{' ' * (30 - filled)}] {done}/{self.total}")
            sys.stderr.flush()

    def close(self) -> None:
        if self.on:
            sys.stderr.write("\n")


def cmd_check(args: argparse.Namespace) -> int:
    try:
        rules = _parse_rule_flags(args.rule or [])
    except ConfigError as exc:
        print(f"critic: {exc}", file=sys.stderr)
        return EXIT_INPUT
    colour = args.colour == "always" or (
        args.colour == "auto" and sys.stdout.isatty() and not os.environ.get("NO_COLOR")
    )
    status, collected = EXIT_OK, []
    progress = _Progress(len(args.paths))
    for done, path in enumerate(args.paths, 1):
        try:
            result = to_wire(critique(read_draft(path), rules=rules, llm=args.llm))
        except (DraftError, ConfigError) as exc:
            print(f"critic: {exc}", file=sys.stderr)
            status = EXIT_INPUT
            if args.format == "jsonl":
                print(json.dumps({"path": path, "error": str(exc)}, ensure_ascii=False), flush=True)
            progress.step(done)
            continue
        if args.fail_under is not None and result["scores"]["overall"] < args.fail_under and status == EXIT_OK:
            status = EXIT_BELOW
        if args.format == "jsonl":
            print(json.dumps({"path": path, **result}, ensure_ascii=False), flush=True)
        elif args.format == "json":
            collected.append({"path": path, **result})
        else:
            sys.stdout.write(render_text(result, path, colour) + ("\n" if done < len(args.paths) else ""))
        progress.step(done)
    progress.close()
    if args.format == "json" and collected:
        payload: Any = collected[0] if len(args.paths) == 1 else collected
        print(json.dumps(payload, ensure_ascii=False, indent=2))
    if status == EXIT_BELOW:
        print(f"critic: an overall score is below {args.fail_under}", file=sys.stderr)
    return status


def cmd_eval(args: argparse.Namespace) -> int:
    from critic.cli.evaluate import DEV_SET, HELD_OUT, evaluate, format_report, format_side_by_side

    paths = args.labels or [str(DEV_SET), str(HELD_OUT)]
    try:
        reports = {Path(p).stem: evaluate(p) for p in paths}
    except (OSError, ValueError) as exc:
        print(f"critic: {exc}", file=sys.stderr)
        return EXIT_INPUT
    if args.format == "json":
        print(json.dumps(reports[Path(paths[0]).stem] if len(paths) == 1 else reports, indent=2))
    elif len(paths) == 1:
        print(format_report(reports[Path(paths[0]).stem]))
    else:
        print(format_side_by_side(reports))
    return EXIT_OK


def cmd_train(args: argparse.Namespace) -> int:
    try:
        from critic.cli.train import main as train_main
    except ImportError as exc:
        print(f"critic: training needs scikit-learn ({exc}); pip install 'outreach-critic[train]'", file=sys.stderr)
        return EXIT_INPUT
    return train_main(args)


def cmd_serve(args: argparse.Namespace) -> int:
    if args.tls_cert or args.tls_key:
        if not (args.tls_cert and args.tls_key):
            print("critic: --tls-cert and --tls-key go together", file=sys.stderr)
            return EXIT_INPUT
        from critic.service.tls import serve_tls

        return serve_tls(host=args.host, port=args.port, cert=args.tls_cert, key=args.tls_key)
    from critic.service.server import serve

    return serve(host=args.host, port=args.port, workers=args.workers)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="critic", description=__doc__)
    sub = parser.add_subparsers(dest="command", required=True)

    check = sub.add_parser("check", help="critique draft files (.txt, .html, .eml, or - for standard input)")
    check.add_argument("paths", nargs="+", metavar="PATH")
    check.add_argument("--format", choices=("text", "json", "jsonl"), default="text")
    check.add_argument("--fail-under", type=int, metavar="N", help="exit 1 when any overall score is below N")
    check.add_argument("--llm", choices=LLM_MODES, default="auto", help="use the configured model: auto, on or off")
    check.add_argument(
        "--rule", action="append", metavar="ID=LEVEL", help="re-level or turn off a rule or prefix (repeatable)"
    )
    check.add_argument("--colour", "--color", choices=("auto", "always", "never"), default="auto")
    check.set_defaults(func=cmd_check)

    ev = sub.add_parser("eval", help="score the critic against labeled sets (precision, recall, F1, AUC)")
    ev.add_argument(
        "labels",
        nargs="*",
        help="labeled YAML sets (default: the dev set tests/data/devset.yaml beside the blind held-out set "
        "tests/data/heldout.yaml; one set prints its disagreements too)",
    )
    ev.add_argument("--format", choices=("text", "json"), default="text")
    ev.set_defaults(func=cmd_eval)

    tr = sub.add_parser("train", help="fit the sentence model on the sentence bank (needs scikit-learn)")
    tr.add_argument(
        "--bank", default="training/sentences", help="folder of labelled JSON-lines files (default: %(default)s)"
    )
    tr.add_argument(
        "--out", default=None, help="weights file to write (default: the shipped critic/analysis/data/functions.npz)"
    )
    tr.add_argument("--folds", type=int, default=5, help="cross-validation folds (default: %(default)s)")
    tr.set_defaults(func=cmd_train)

    serve = sub.add_parser("serve", help="run the HTTP service")
    serve.add_argument("--host", default="127.0.0.1")
    serve.add_argument("--port", type=int, default=8000)
    serve.add_argument(
        "--workers", type=int, default=None, help="worker processes sharing the port (default: one per core)"
    )
    serve.add_argument(
        "--tls-cert", metavar="FILE", help="serve HTTPS with this PEM certificate (chain); needs --tls-key"
    )
    serve.add_argument("--tls-key", metavar="FILE", help="the certificate's PEM private key")
    serve.set_defaults(func=cmd_serve)
    addin_cli.register(sub)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        return int(args.func(args))
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:
        return EXIT_OK


if __name__ == "__main__":
    sys.exit(main())
