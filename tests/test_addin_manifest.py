"""The add-in packages: Outlook XML + unified JSON manifests, the Gmail MV3 manifest, no unsafe DOM writes."""

from __future__ import annotations

import json
import re
import subprocess
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
from tools import require_tool, run_critic

from critic.cli.addin_bundle import GMAIL_SCRIPTS, BundleError, bundle

ROOT = Path(__file__).resolve().parents[1]
ADDIN = ROOT / "addin"
OUTLOOK = ADDIN / "outlook"
GMAIL = ADDIN / "gmail"
NS = {
    "o": "http://schemas.microsoft.com/office/appforoffice/1.1",
    "bt": "http://schemas.microsoft.com/office/officeappbasictypes/1.0",
    "ov": "http://schemas.microsoft.com/office/mailappversionoverrides",
}
XSI = "{http://www.w3.org/2001/XMLSchema-instance}type"
# OfficeApp (MailApp) children in schema order (research/addins.md 2.2); optional ones may be absent, none may move.
ORDER = [
    "Id",
    "AlternateId",
    "Version",
    "ProviderName",
    "DefaultLocale",
    "DisplayName",
    "Description",
    "IconUrl",
    "HighResolutionIconUrl",
    "SupportUrl",
    "AppDomains",
    "Hosts",
    "Requirements",
    "FormSettings",
    "Permissions",
    "Rule",
    "DisableEntityHighlighting",
    "VersionOverrides",
]
REQUIRED = [
    "Id",
    "Version",
    "ProviderName",
    "DefaultLocale",
    "DisplayName",
    "Description",
    "IconUrl",
    "SupportUrl",
    "Hosts",
    "Requirements",
    "FormSettings",
    "Permissions",
    "Rule",
    "VersionOverrides",
]


def local(tag: str) -> str:
    return tag.rsplit("}", 1)[-1]


GENERATED_URL = "https://critic.example.com"


@pytest.fixture(scope="module")
def generated(tmp_path_factory) -> Path:
    """The packages `critic addin manifest --url https://critic.example.com` writes (through the real command)."""
    out = tmp_path_factory.mktemp("addin-out")
    proc = run_critic("addin", "manifest", "--url", GENERATED_URL, "--out", str(out))
    assert proc.returncode == 0, proc.stderr
    return out


@pytest.fixture(scope="module", params=["repo", "generated"])
def outlook_dir(request) -> Path:
    """The Outlook manifests as checked in (development origin) and as generated for another origin."""
    return OUTLOOK if request.param == "repo" else request.getfixturevalue("generated") / "outlook"


@pytest.fixture(scope="module")
def xml_root(outlook_dir: Path) -> ET.Element:
    return ET.parse(outlook_dir / "manifest.xml").getroot()  # raises on malformed XML


def test_outlook_xml_manifest_elements_in_schema_order(xml_root: ET.Element) -> None:
    assert local(xml_root.tag) == "OfficeApp" and xml_root.get(XSI) == "MailApp"
    names = [local(c.tag) for c in xml_root]
    assert all(n in ORDER for n in names), names
    assert names == sorted(names, key=ORDER.index), "OfficeApp children out of schema order"
    assert len(names) == len(set(names))
    for name in REQUIRED:
        assert name in names, f"missing <{name}>"


def test_outlook_xml_manifest_compose_task_pane(xml_root: ET.Element) -> None:
    assert re.fullmatch(
        r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}", xml_root.findtext("o:Id", namespaces=NS)
    )
    assert re.fullmatch(r"\d+\.\d+\.\d+\.\d+", xml_root.findtext("o:Version", namespaces=NS))
    assert xml_root.find("o:Hosts/o:Host", NS).get("Name") == "Mailbox"
    s = xml_root.find("o:Requirements/o:Sets/o:Set", NS)
    assert (s.get("Name"), s.get("MinVersion")) == ("Mailbox", "1.3")
    assert xml_root.findtext("o:Permissions", namespaces=NS) == "ReadWriteItem"
    assert xml_root.find("o:FormSettings/o:Form", NS).get(XSI) == "ItemEdit"
    rule = xml_root.find("o:Rule/o:Rule", NS)
    assert (rule.get(XSI), rule.get("ItemType"), rule.get("FormType")) == ("ItemIs", "Message", "Edit")

    vo = xml_root.find("ov:VersionOverrides", NS)
    assert vo.get(XSI) == "VersionOverridesV1_0"
    assert [local(c.tag) for c in vo] == ["Requirements", "Hosts", "Resources"]
    host = vo.find("ov:Hosts/ov:Host", NS)
    assert host.get(XSI) == "MailHost"
    points = host.findall("ov:DesktopFormFactor/ov:ExtensionPoint", NS)
    assert [p.get(XSI) for p in points] == ["MessageComposeCommandSurface"]
    control = points[0].find("ov:OfficeTab/ov:Group/ov:Control", NS)
    assert [local(c.tag) for c in control] == ["Label", "Supertip", "Icon", "Action"]
    assert control.find("ov:Action", NS).get(XSI) == "ShowTaskpane"

    # Every resid is defined once in Resources; every URL is https and points at a file we ship.
    defined = [e.get("id") for e in vo.iter() if local(e.tag) in ("Image", "Url", "String") and e.get("id")]
    assert len(defined) == len(set(defined))
    used = {e.get("resid") for e in vo.iter() if e.get("resid")}
    assert used <= set(defined), used - set(defined)
    urls = [e.get("DefaultValue") for e in xml_root.iter() if (e.get("DefaultValue") or "").startswith("http")]
    urls += [e.text for e in xml_root.iter() if local(e.tag) == "AppDomain"]
    assert urls and all(u.startswith("https://") for u in urls)
    origins = {re.match(r"^https://[^/]+", u).group(0) for u in urls}
    assert len(origins) == 1, origins  # one origin throughout: nothing left over from another deployment
    for u in urls:
        path = re.sub(r"^https://[^/]+", "", u)
        if path.startswith("/addin/"):
            assert (ADDIN / path.removeprefix("/addin/")).is_file(), u
    assert all(len(i) <= 32 for i in defined)


def test_unified_json_manifest_matches_the_xml(xml_root: ET.Element, outlook_dir: Path) -> None:
    data = json.loads((outlook_dir / "unified" / "manifest.json").read_text(encoding="utf-8"))
    assert data["validDomains"] == [xml_root.findtext("o:AppDomains/o:AppDomain", namespaces=NS)]
    page = ext_page = data["extensions"][0]["runtimes"][0]["code"]["page"]
    assert (
        page
        == xml_root.find("o:FormSettings/o:Form/o:DesktopSettings/o:SourceLocation", NS).get("DefaultValue")
        == ext_page
    )
    assert data["id"] == xml_root.findtext("o:Id", namespaces=NS)
    assert data["version"] == ".".join(xml_root.findtext("o:Version", namespaces=NS).split(".")[:3])
    ext = data["extensions"][0]
    assert {"name": "Mailbox", "minVersion": "1.3"} in ext["requirements"]["capabilities"]
    assert ext["ribbons"][0]["contexts"] == ["mailCompose"]
    assert ext["runtimes"][0]["code"]["page"].endswith("/addin/outlook/taskpane.html")
    assert data["authorization"]["permissions"]["resourceSpecific"] == [
        {"name": "MailboxItem.ReadWrite.User", "type": "Delegated"}
    ]
    assert "<TRUNCATED>" not in json.dumps(data)
    for icon in data["icons"].values():
        assert (outlook_dir / "unified" / icon).is_file()


def test_unified_json_manifest_validates_offline(outlook_dir: Path) -> None:
    # JSON validation is local: office-addin-manifest checks against the schemas bundled in its package, which
    # .ci/run installs before the tests (never fetched here: no npx). The XML validator calls a Microsoft web
    # service, so the XML is checked structurally above instead.
    validator = require_tool("office-addin-manifest")
    proc = subprocess.run(
        [validator, "validate", str(outlook_dir / "unified" / "manifest.json")],
        capture_output=True,
        text=True,
        timeout=300,
        cwd=ROOT,
        check=False,
    )
    assert proc.returncode == 0, proc.stdout + proc.stderr


def test_generated_gmail_extension_reaches_only_the_service(generated: Path) -> None:
    m = json.loads((generated / "gmail" / "manifest.json").read_text(encoding="utf-8"))
    assert m["host_permissions"] == ["https://critic.example.com/*"]
    assert json.loads((generated / "gmail" / "defaults.json").read_text(encoding="utf-8")) == {
        "serviceUrl": GENERATED_URL
    }
    for f in [m["background"]["service_worker"], m["options_ui"]["page"], *m["icons"].values()]:
        assert (generated / "gmail" / f).is_file(), f
    for cs in m["content_scripts"]:
        for f in cs["js"] + cs.get("css", []):
            assert (generated / "gmail" / f).is_file(), f


def test_gmail_extension_packages_the_shared_panel_and_the_one_client(generated: Path) -> None:
    """Each script is built from its module and what it imports (no remote code): the content script runs the shared
    panel with the Gmail adapter, and the one API client (panel/api.js) is what the worker and the options page run."""
    built = {Path(s).name: (generated / "gmail" / Path(s).name).read_text(encoding="utf-8") for s in GMAIL_SCRIPTS}
    for module in ("panel/panel.js", "panel/card-view.js", "gmail/gmail-adapter.js", "gmail/relay.js"):
        assert f'__m["{module}"]' in built["content.js"], module
    assert "new CSSStyleSheet()" in built["content.js"]  # panel.css, as a constructed stylesheet
    for name in ("background.js", "options.js"):
        assert '__m["panel/api.js"]' in built[name], name
    assert '__m["panel/panel.js"]' not in built["background.js"]
    for name, src in built.items():
        # Classic scripts: no import or export statement is left, and only the bundler's module table is global.
        assert not re.search(r"^\s*(import|export)\b", src, re.M), name
        assert not re.search(r"\bfetch\(\s*[\"']https?:", src), name
    # The extension's own modules are not shipped beside the built scripts.
    assert not (generated / "gmail" / "gmail-adapter.js").exists()
    assert not (generated / "gmail" / "panel").exists()


def test_gmail_command_builds_for_this_machine_by_default(tmp_path: Path) -> None:
    proc = run_critic("addin", "gmail", "--out", str(tmp_path))
    assert proc.returncode == 0, proc.stderr
    ext = tmp_path / "gmail"
    assert json.loads((ext / "defaults.json").read_text(encoding="utf-8")) == {"serviceUrl": "http://127.0.0.1:8000"}
    assert json.loads((ext / "manifest.json").read_text(encoding="utf-8"))["host_permissions"] == ["http://127.0.0.1/*"]
    refused = run_critic("addin", "gmail", "--url", "http://critic.example.com", "--out", str(tmp_path))
    assert refused.returncode == 2 and "https://" in refused.stderr


def _write(root: Path, files: dict[str, str]) -> Path:
    for name, text in files.items():
        (root / name).parent.mkdir(parents=True, exist_ok=True)
        (root / name).write_text(text, encoding="utf-8")
    return root


def test_bundle_resolves_relative_imports_and_css_modules(tmp_path: Path) -> None:
    addin = _write(
        tmp_path,
        {
            "lib/a.js": "export const A = 1;\nexport function twice(x) { return 2 * x; }\n",
            "lib/b.js": 'import { A, twice as t } from "./a.js";\nexport class B { get v() { return t(A); } }\n',
            "app/look.css": ".x { color: red; }\n",
            "app/main.js": 'import { B } from "../lib/b.js";\nimport sheet from "./look.css" with { type: "css" };\n'
            "globalThis.out = [new B().v, sheet.cssRules.length];\n",
        },
    )
    src = bundle(addin, "app/main.js")
    assert src.index('__m["lib/a.js"]') < src.index('__m["lib/b.js"]') < src.index('__m["app/main.js"]')
    assert 'const { A, twice: t } = __m["lib/a.js"];' in src
    assert 'sheet.replaceSync(".x { color: red; }\\n");' in src


@pytest.mark.parametrize(
    ("files", "message"),
    [
        ({"m.js": 'import * as x from "./n.js";\n', "n.js": ""}, "m.js:1: unsupported import/export form"),
        ({"m.js": "export default 1;\n"}, "m.js:1: unsupported import/export form"),
        ({"m.js": 'import { x } from "../../etc/x.js";\n'}, "outside the add-in folder"),
        ({"m.js": 'import { x } from "./gone.js";\n'}, "gone.js, which does not exist"),
        ({"m.js": 'import { x } from "./n.js";\n', "n.js": 'import { y } from "./m.js";\n'}, "import cycle"),
    ],
)
def test_bundle_refuses_what_it_cannot_package(tmp_path: Path, files: dict[str, str], message: str) -> None:
    with pytest.raises(BundleError, match=re.escape(message)):
        bundle(_write(tmp_path, files), "m.js")


@pytest.mark.parametrize(
    "url", ["http://critic.example.com", "https://user:pw@critic.example.com", "ftp://x", "https://x/?a=1"]
)
def test_manifest_command_refuses_urls_outlook_cannot_use(url: str, tmp_path: Path) -> None:
    proc = run_critic("addin", "manifest", "--url", url, "--out", str(tmp_path))
    assert proc.returncode == 2 and proc.stderr.startswith("critic: "), proc.stderr


def test_gmail_extension_is_mv3_with_only_needed_permissions() -> None:
    m = json.loads((GMAIL / "manifest.json").read_text(encoding="utf-8"))
    assert m["manifest_version"] == 3
    assert m["permissions"] == ["storage"]
    assert sorted(m["host_permissions"]) == ["http://127.0.0.1/*", "http://localhost/*"]
    assert set(m.get("optional_host_permissions", [])) <= {"https://*/*", "http://*/*"}
    assert [cs["matches"] for cs in m["content_scripts"]] == [["https://mail.google.com/*"]]
    assert "web_accessible_resources" not in m and "content_security_policy" not in m
    files = [
        m["background"]["service_worker"],
        m["options_ui"]["page"],
        m["action"]["default_popup"],
        *m["icons"].values(),
    ]
    files += [f for cs in m["content_scripts"] for f in cs.get("js", []) + cs.get("css", [])]
    for f in files:
        assert (GMAIL / f).is_file(), f


def test_extension_has_no_remote_code(generated: Path) -> None:
    for path in [*GMAIL.rglob("*"), *(generated / "gmail").rglob("*")]:
        if path.suffix not in (".js", ".html"):
            continue
        src = path.read_text(encoding="utf-8")
        assert not re.search(r"\beval\s*\(|new\s+Function\s*\(|importScripts\s*\(|\bimport\s*\(", src), path
        assert not re.search(r"<script[^>]+src=[\"']https?:", src), path


def test_no_markup_sinks_in_the_addin_code() -> None:
    """Draft text reaches the DOM only as text nodes: no innerHTML & co. anywhere in addin/."""
    for path in ADDIN.rglob("*.js"):
        src = path.read_text(encoding="utf-8")
        assert not re.search(
            r"\.(innerHTML|outerHTML)\s*=|insertAdjacentHTML|document\.write\s*\(|createContextualFragment", src
        ), path


def test_taskpane_loads_office_js_from_microsoft() -> None:
    html = (OUTLOOK / "taskpane.html").read_text(encoding="utf-8")
    assert '<script src="https://appsforoffice.microsoft.com/lib/1/hosted/office.js"></script>' in html
