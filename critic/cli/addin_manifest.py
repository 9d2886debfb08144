"""`critic addin manifest --url https://critic.example.com --out DIR`: the add-in packages for one service origin.

The manifests in addin/ are written for the development origin https://localhost:8443; this writes copies for
another origin so nobody edits URLs by hand: DIR/outlook/manifest.xml (add-in-only XML), DIR/outlook/unified/
(manifest.json + its two icons, zip them for the unified manifest) and DIR/gmail/ (the Chrome extension with host
access to that origin and the service URL as its default). `critic addin gmail --out DIR [--url URL]` writes only
DIR/gmail/, for a service on this machine by default.
"""

from __future__ import annotations

import json
import shutil
import xml.etree.ElementTree as ET
from pathlib import Path
from urllib.parse import urlsplit

from critic.service.security import is_loopback

TEMPLATE_ORIGIN = "https://localhost:8443"
GMAIL_DEFAULTS = "defaults.json"


class ManifestError(ValueError):
    """The URL or the add-in folder cannot make a manifest; the message says which."""


def service_base(url: str) -> tuple[str, str]:
    """(origin, base URL without a trailing slash) of an https service URL."""
    parts = urlsplit(url.strip())
    if parts.scheme != "https":
        raise ManifestError("Outlook loads add-ins only over HTTPS: give an https:// URL")
    if not parts.hostname or parts.username or parts.password or parts.query or parts.fragment:
        raise ManifestError("the URL must be https://host[:port][/path], with no credentials, query or fragment")
    origin = f"https://{parts.netloc.lower()}"
    return origin, origin + parts.path.rstrip("/")


def _swap(text: str, base: str, origin: str) -> str:
    # AppDomain / validDomains name the origin; every other URL is a file under the service's base URL.
    text = text.replace(f"<AppDomain>{TEMPLATE_ORIGIN}</AppDomain>", f"<AppDomain>{origin}</AppDomain>")
    text = text.replace(f'"{TEMPLATE_ORIGIN}"', f'"{origin}"')
    return text.replace(TEMPLATE_ORIGIN + "/", base + "/")


def write_outlook(addin: Path, out: Path, url: str) -> list[Path]:
    """The XML and unified JSON manifests for `url`, under out/outlook."""
    origin, base = service_base(url)
    src = addin / "outlook"
    dest = out / "outlook"
    (dest / "unified").mkdir(parents=True, exist_ok=True)
    xml = _swap((src / "manifest.xml").read_text(encoding="utf-8"), base, origin)
    ET.fromstring(xml.encode("utf-8"))  # still well-formed
    if TEMPLATE_ORIGIN in xml:
        raise ManifestError("manifest.xml has a development URL the generator does not know how to replace")
    data = json.loads(_swap((src / "unified" / "manifest.json").read_text(encoding="utf-8"), base, origin))
    data["validDomains"] = [origin]
    written = [dest / "manifest.xml", dest / "unified" / "manifest.json"]
    written[0].write_text(xml, encoding="utf-8")
    written[1].write_text(json.dumps(data, indent=4, ensure_ascii=False) + "\n", encoding="utf-8")
    for icon in data["icons"].values():
        shutil.copyfile(src / "unified" / icon, dest / "unified" / icon)
        written.append(dest / "unified" / icon)
    return written


def write_gmail(addin: Path, out: Path, url: str) -> list[Path]:
    """The Gmail extension for `url` under out/gmail: host access to its origin, and it as the default service."""
    parts = urlsplit(url.strip())
    if parts.scheme not in ("https", "http") or not parts.hostname:
        raise ManifestError("the service URL must be http(s)://host[:port][/path]")
    if parts.username or parts.password or parts.query or parts.fragment:
        raise ManifestError("the service URL must have no credentials, query or fragment")
    if parts.scheme == "http" and not is_loopback(parts.hostname):
        raise ManifestError("the extension sends your API key: use https:// for anything but this machine")
    from critic.cli.addin_bundle import BundleError, write_gmail_extension

    dest = out / "gmail"
    try:
        write_gmail_extension(addin, dest)
    except BundleError as exc:
        raise ManifestError(f"cannot package the extension: {exc}") from None
    manifest = json.loads((dest / "manifest.json").read_text(encoding="utf-8"))
    manifest["host_permissions"] = [f"{parts.scheme}://{parts.hostname}/*"]
    (dest / "manifest.json").write_text(json.dumps(manifest, indent=2) + "\n", encoding="utf-8")
    base = f"{parts.scheme}://{parts.netloc.lower()}{parts.path.rstrip('/')}"
    (dest / GMAIL_DEFAULTS).write_text(json.dumps({"serviceUrl": base}) + "\n", encoding="utf-8")
    return sorted(p for p in dest.rglob("*") if p.is_file())


def write_all(addin: Path, out: Path, url: str) -> list[Path]:
    """Both Outlook manifests and the Gmail extension for one service URL."""
    return write_outlook(addin, out, url) + write_gmail(addin, out, url)
