"""Regenerates unified/manifest.json (new Outlook, Microsoft 365) from manifest.xml.

    python addin/outlook/build_unified.py        # needs node + npx (office-addin-manifest-converter)

The converter does the translation; this script then fixes the three things it cannot know:
the short description (it writes a "<TRUNCATED>" placeholder), the accent colour (random), and the
app-package icons (paths inside the zip: color.png 192x192 and outline.png 32x32 beside manifest.json).
Validate the result offline with `npx --yes office-addin-manifest validate addin/outlook/unified/manifest.json`.
"""

from __future__ import annotations

import json
import subprocess
import sys
import tempfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
SHORT = "Critiques the outreach email you are writing, with one-click fixes."
ACCENT = "#2F5BD3"


def main() -> int:
    with tempfile.TemporaryDirectory() as tmp:
        subprocess.run(
            ["npx", "--yes", "office-addin-manifest-converter", "convert", str(HERE / "manifest.xml"), "--output", tmp],
            check=True,
        )
        data = json.loads((Path(tmp) / "manifest.json").read_text(encoding="utf-8"))
    data["description"]["short"] = SHORT
    data["accentColor"] = ACCENT
    data["icons"] = {"outline": "outline.png", "color": "color.png"}
    out = HERE / "unified" / "manifest.json"
    out.parent.mkdir(exist_ok=True)
    out.write_text(json.dumps(data, indent=4, ensure_ascii=False) + "\n", encoding="utf-8")
    print(f"wrote {out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
