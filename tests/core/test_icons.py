"""The favicon, the app icons and the web manifest: linked from every page, found by the static
files finders (so collectstatic hands them to whitenoise), and the manifest's icons exist at the
sizes it states."""

from __future__ import annotations

import json
import re
import struct
from pathlib import Path
from typing import Any

from django.contrib.staticfiles import finders


def _png_size(path: Path) -> tuple[int, int]:
    head = path.read_bytes()[:24]
    assert head[:8] == b"\x89PNG\r\n\x1a\n", path
    width, height = struct.unpack(">II", head[16:24])
    return width, height


def test_every_page_links_the_icons_and_the_manifest(client: Any, db: Any) -> None:
    html = client.get("/login").content.decode()
    links = dict(re.findall(r'<link rel="([\w-]+)" href="/static/([^"]+)"', html))
    assert links["icon"].startswith("lumoflow/icon")
    assert links["apple-touch-icon"] == "lumoflow/icon-180.png"
    assert links["manifest"] == "lumoflow/manifest.webmanifest"
    for name in re.findall(
        r'<link rel="(?:icon|apple-touch-icon|manifest)" href="/static/([^"]+)"', html
    ):
        assert finders.find(name), name


def test_manifest_icons_exist_at_their_sizes() -> None:
    found = finders.find("lumoflow/manifest.webmanifest")
    assert found
    manifest_path = Path(str(found))
    manifest = json.loads(manifest_path.read_text())
    assert manifest["name"] == "LumoFlow" and manifest["start_url"] == "/"
    for icon in manifest["icons"]:
        path = manifest_path.parent / icon["src"]
        assert path.is_file(), icon
        if icon["type"] == "image/png":
            w, h = icon["sizes"].split("x")
            assert _png_size(path) == (int(w), int(h)), icon
        else:
            assert "<svg" in path.read_text()
    assert _png_size(manifest_path.parent / "icon-180.png") == (180, 180)
    assert _png_size(manifest_path.parent / "icon-32.png") == (32, 32)
