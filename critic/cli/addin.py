"""The `critic addin` and `critic tls` commands: add-in packages for a service URL, and a development certificate."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

EXIT_OK, EXIT_INPUT = 0, 2


EXTENSION_DEFAULT_URL = "http://127.0.0.1:8000"


def _addin_dir(args: argparse.Namespace) -> Path | None:
    from critic.service.static import default_addin_dir

    addin = Path(args.addin_dir) if args.addin_dir else default_addin_dir()
    if not (addin / "outlook" / "manifest.xml").is_file() or not (addin / "gmail" / "manifest.json").is_file():
        print(f"critic: no add-in files in {addin} (set --addin-dir or CRITIC_ADDIN_DIR)", file=sys.stderr)
        return None
    return addin


def cmd_manifest(args: argparse.Namespace) -> int:
    from critic.cli.addin_manifest import ManifestError, write_all

    addin = _addin_dir(args)
    if addin is None:
        return EXIT_INPUT
    try:
        written = write_all(addin, Path(args.out), args.url)
    except ManifestError as exc:
        print(f"critic: {exc}", file=sys.stderr)
        return EXIT_INPUT
    out = Path(args.out)
    print(
        f"wrote {len(written)} files under {out}:\n"
        f"  Outlook: {out / 'outlook' / 'manifest.xml'} (sideload this), {out / 'outlook' / 'unified'}/ (zip for the unified manifest)\n"
        f"  Gmail:   {out / 'gmail'}/ (chrome://extensions -> Load unpacked)"
    )
    return EXIT_OK


def cmd_gmail(args: argparse.Namespace) -> int:
    from critic.cli.addin_manifest import ManifestError, write_gmail

    addin = _addin_dir(args)
    if addin is None:
        return EXIT_INPUT
    try:
        write_gmail(addin, Path(args.out), args.url)
    except ManifestError as exc:
        print(f"critic: {exc}", file=sys.stderr)
        return EXIT_INPUT
    print(
        f"wrote the Gmail extension to {Path(args.out) / 'gmail'}/ for {args.url}\n"
        "  chrome://extensions -> Developer mode -> Load unpacked -> that folder; then its options: your API key"
    )
    return EXIT_OK


def cmd_dev_cert(args: argparse.Namespace) -> int:
    from critic.service.tls import make_dev_cert, trust_hint

    paths = make_dev_cert(Path(args.out).expanduser())
    print(
        f"wrote {paths['cert']} and {paths['key']} (for localhost, 127.0.0.1, ::1), signed by {paths['ca']}\n"
        f"Serve: critic serve --port 8443 --tls-cert {paths['cert']} --tls-key {paths['key']}\n{trust_hint(paths['ca'])}"
    )
    return EXIT_OK


def register(sub: argparse._SubParsersAction) -> None:
    """Add `addin manifest`, `addin gmail` and `tls dev-cert` to the critic command."""
    addin = sub.add_parser("addin", help="add-in packages (Outlook manifests, Gmail extension) for a service URL")
    addin_sub = addin.add_subparsers(dest="addin_command", required=True)
    manifest = addin_sub.add_parser("manifest", help="write both Outlook manifests and the Gmail extension for --url")
    manifest.add_argument(
        "--url", required=True, help="the HTTPS URL that serves `critic serve`, e.g. https://critic.example.com"
    )
    manifest.add_argument("--out", required=True, help="folder to write into (outlook/, gmail/)")
    manifest.add_argument(
        "--addin-dir", help="the addin/ folder to read (default: $CRITIC_ADDIN_DIR or the repository's)"
    )
    manifest.set_defaults(func=cmd_manifest)
    gmail = addin_sub.add_parser("gmail", help="write the Gmail extension (shared panel and API client packaged in)")
    gmail.add_argument(
        "--url",
        default=EXTENSION_DEFAULT_URL,
        help=f"the service's URL, its default in the extension's options (default {EXTENSION_DEFAULT_URL}; "
        "https:// for anything but this machine)",
    )
    gmail.add_argument("--out", required=True, help="folder to write into (the extension goes in its gmail/)")
    gmail.add_argument("--addin-dir", help="the addin/ folder to read (default: $CRITIC_ADDIN_DIR or the repository's)")
    gmail.set_defaults(func=cmd_gmail)

    tls = sub.add_parser("tls", help="certificates for HTTPS in development")
    tls_sub = tls.add_subparsers(dest="tls_command", required=True)
    cert = tls_sub.add_parser("dev-cert", help="a local CA and a localhost certificate signed by it")
    cert.add_argument(
        "--out", default="~/.outreach-critic-certs", help="folder for ca.crt, localhost.crt, localhost.key"
    )
    cert.set_defaults(func=cmd_dev_cert)
