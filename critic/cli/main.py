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
    from critic.cli.evaluate import DEFAULT_SETS, evaluate, format_report, format_side_by_side

    paths = args.labels or [str(p) for p in DEFAULT_SETS]
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


CHECK_EPILOG = f"""\
inputs:
  .txt    optional header lines (Subject:, To:, From:, Cc:, Date:; only the subject is used), then a
          blank line, then the body; without header lines the whole file is the body; a body that
          starts with an HTML tag is read as HTML
  .html   an HTML body (also .htm); quoted replies and signatures are left out of the judgement
  .eml    a whole RFC 5322 message: its Subject and its text (or HTML) part
  -       standard input: read as .txt, or as .eml when it starts with MIME headers
  Text files must be UTF-8 (a .eml may declare its own charset).

exit codes:
  {EXIT_OK}  every file was checked and none scored below --fail-under
  {EXIT_BELOW}  an overall score is below --fail-under
  {EXIT_INPUT}  an input or configuration error: an unreadable, empty or undecodable file (the other files
     are still checked), a bad --rule, a malformed config file, or a bad command line

environment:
  CRITIC_CONFIG        the config file of rule levels (default: critic.toml in the working directory)
  OPENAI_BASE_URL      an OpenAI-compatible endpoint for the LLM rubrics (with CRITIC_LLM_MODEL)
  OPENAI_API_KEY       its API key, where it needs one (alone, it means api.openai.com)
  CRITIC_LLM_MODEL     the model to ask; without a model and an endpoint, --llm auto uses heuristics only
  CRITIC_LLM_TIMEOUT   seconds the LLM step may take per draft (default: 15)
  NO_COLOR             any value turns colour off for --colour auto
"""

SERVE_EPILOG = """\
environment:
  CRITIC_API_KEYS      comma-separated API keys; required to bind anything but loopback
  CRITIC_CORS_ORIGINS  comma-separated origins allowed by CORS (default: none)
  CRITIC_RATE_LIMIT    requests per key or address (default: 600/minute; off turns it off)
  CRITIC_LOG_LEVEL     log level (default: INFO)
  CRITIC_CONFIG, OPENAI_BASE_URL, OPENAI_API_KEY, CRITIC_LLM_MODEL, CRITIC_LLM_TIMEOUT: as for `critic check`
  More in docs/deploy.md and docs/llm.md.
"""


class _Formatter(argparse.RawDescriptionHelpFormatter, argparse.ArgumentDefaultsHelpFormatter):
    """Descriptions and epilogs as written; every option's default appended to its help, unless the help already
    states it (options whose default is None or a list say what that means themselves)."""

    def _get_help_string(self, action: argparse.Action) -> str | None:
        text = action.help or ""
        if "default" in text or action.default is None or isinstance(action.default, list):
            return text
        return super()._get_help_string(action)


class _Version(argparse.Action):
    """--version, reading the installed version only when asked (importlib.metadata is slow to import)."""

    def __init__(self, option_strings: list[str], dest: str = argparse.SUPPRESS, **kwargs: Any) -> None:
        super().__init__(option_strings, dest, nargs=0, default=argparse.SUPPRESS, **kwargs)

    def __call__(self, parser: argparse.ArgumentParser, *_args: Any, **_kwargs: Any) -> None:
        import critic

        print(f"critic {critic.__version__}")
        parser.exit()


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="critic", description=__doc__, formatter_class=_Formatter)
    parser.add_argument("--version", action=_Version, help="print the version and exit")
    sub = parser.add_subparsers(dest="command", required=True)

    check = sub.add_parser(
        "check",
        help="critique draft files (.txt, .html, .eml, or - for standard input)",
        description="Critique draft files: each finding with the exact words, why, and a replacement.",
        epilog=CHECK_EPILOG,
        formatter_class=_Formatter,
    )
    check.add_argument("paths", nargs="+", metavar="PATH", help="draft files (.txt, .html, .eml), or - for stdin")
    check.add_argument(
        "--format",
        choices=("text", "json", "jsonl"),
        default="text",
        help="text: the draft with flagged words marked, then each finding; json: the wire form (one object, or "
        "a list for several files); jsonl: one object per file, with its path, as each is done",
    )
    check.add_argument(
        "--fail-under",
        type=int,
        metavar="N",
        help="exit 1 when any overall score is below N (default: no threshold)",
    )
    check.add_argument(
        "--llm", choices=LLM_MODES, default="auto", help="the LLM rubrics: auto (when configured), on or off"
    )
    check.add_argument(
        "--rule",
        action="append",
        metavar="ID=LEVEL",
        help="re-level a rule, or every rule under a prefix, to error, warning, suggestion or off, e.g. "
        "rapport.pleasantry=off (repeatable; default: the levels in the rule files and the config file)",
    )
    check.add_argument(
        "--colour", "--color", choices=("auto", "always", "never"), default="auto", help="colour in text output"
    )
    check.set_defaults(func=cmd_check)

    ev = sub.add_parser(
        "eval",
        help="score the critic against labeled sets (precision, recall, F1, AUC)",
        description="Score the heuristic critic against labeled sets of drafts: the two tuning sets (the rules "
        "are tuned on them) beside the blind held-out set (never tuned on).",
        formatter_class=_Formatter,
    )
    ev.add_argument(
        "labels",
        nargs="*",
        help="labeled YAML sets (default: the tuning sets tests/data/devset*.yaml and heldout.yaml side by side; "
        "one set prints its disagreements too)",
    )
    ev.add_argument("--format", choices=("text", "json"), default="text", help="a table, or the whole report as JSON")
    ev.set_defaults(func=cmd_eval)

    tr = sub.add_parser(
        "train",
        help="fit the sentence and subject models on their banks (needs scikit-learn)",
        description="Cross-validate and fit the sentence model on training/sentences/*.jsonl and the subject model "
        "on training/subjects/*.jsonl, and write their weights.",
        formatter_class=_Formatter,
    )
    tr.add_argument("--bank", default="training/sentences", help="folder of labelled JSON-lines files")
    tr.add_argument("--out", default=None, help="weights file to write (default: the shipped model)")
    tr.add_argument("--folds", type=int, default=5, help="cross-validation folds")
    tr.add_argument("--model", choices=("all", "sentences", "subjects"), default="all", help="which model to fit")
    tr.add_argument("--subjects-bank", default="training/subjects", help="folder of labelled subject lines")
    tr.add_argument("--subjects-out", default=None, help="subject weights file (default: the shipped model)")
    tr.set_defaults(func=cmd_train)

    serve = sub.add_parser(
        "serve",
        help="run the HTTP service",
        description="Run the HTTP API, the panel (/panel/) and the demo page (/demo): on gunicorn with several "
        "workers, on waitress with one (and on Windows).",
        epilog=SERVE_EPILOG,
        formatter_class=_Formatter,
    )
    serve.add_argument(
        "--host", default="127.0.0.1", help="the address to listen on (not loopback: set CRITIC_API_KEYS)"
    )
    serve.add_argument("--port", type=int, default=8000, help="the port to listen on")
    serve.add_argument(
        "--workers",
        type=int,
        default=None,
        help="worker processes (gunicorn when more than one; default: one per CPU this process may use)",
    )
    serve.add_argument(
        "--tls-cert",
        metavar="FILE",
        help="serve HTTPS with this PEM certificate (chain); needs --tls-key (default: none, plain HTTP)",
    )
    serve.add_argument("--tls-key", metavar="FILE", help="the certificate's PEM private key (default: none)")
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
