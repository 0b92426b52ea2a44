"""Front-end files from npm: found in node_modules, collected for whitenoise, linked by pages."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
from django.contrib.staticfiles import finders
from django.core.management import call_command

from lumoflow.core.assets import PACKAGES, PackageFinder

CHART_FILES = [
    "vendor/vega/vega.min.js",
    "vendor/vega-lite/vega-lite.min.js",
    "vendor/vega-embed/vega-embed.min.js",
]


@pytest.mark.parametrize("path", CHART_FILES)
def test_the_chart_libraries_are_found_in_node_modules(path: str) -> None:
    found = finders.find(path)
    assert found and Path(found).is_file() and "node_modules" in found


@pytest.mark.parametrize(
    "path",
    [
        "vendor/vega/package.json",
        "vendor/vega/../vega-lite/package.json",
        "vendor/vega-lite/index.d.ts",
        "vendor/left-pad/index.js",
        "vega/vega.min.js",
    ],
)
def test_only_the_named_files_are_served(path: str) -> None:
    assert PackageFinder().find(path) is None
    assert PackageFinder().find(path, find_all=True) == []


def test_every_named_file_is_installed() -> None:
    assert PackageFinder().check() == []
    listed = {f"{s.prefix}/{name}" for name, s in PackageFinder().list([])}
    assert listed == {f"vendor/{p}/{n}" for p, (_, names) in PACKAGES.items() for n in names}


def test_collectstatic_gives_the_libraries_hashed_names(settings: Any, tmp_path: Path) -> None:
    # given the product's storage (hashed, compressed names in a manifest)
    settings.STATIC_ROOT = tmp_path / "static"
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
    }
    # when
    call_command("collectstatic", interactive=False, verbosity=0)
    # then
    from django.contrib.staticfiles.storage import staticfiles_storage

    for path in [*CHART_FILES, "lumoflow/charts.js"]:
        hashed = staticfiles_storage.stored_name(path)
        assert hashed != path and (tmp_path / "static" / hashed).is_file()
        assert (tmp_path / "static" / (hashed + ".gz")).is_file()


def test_pages_load_the_chart_script_with_the_libraries_addresses(client: Any, db: Any) -> None:
    html = client.get("/login").content.decode()
    tag = re.search(r'<script src="([^"]+charts\.js)" defer ([^>]*)>', html)
    assert tag, "no charts.js on the page"
    addresses = dict(re.findall(r'data-(vega[\w-]*)="([^"]+)"', tag.group(2)))
    assert set(addresses) == {"vega", "vega-lite", "vega-embed"}
    for address in addresses.values():
        assert finders.find(address.removeprefix("/static/"))
