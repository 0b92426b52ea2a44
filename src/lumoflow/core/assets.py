"""Front-end files from npm packages, found where `make` installed them (node_modules).

`package.json` and its lock pin the packages; `npm ci` (run by `make`) installs them. This
static files finder hands Django the few built files pages load, each under
`static/vendor/<package>/`: `collectstatic` (run by `lumoflow setup`) copies them beside the
app's own files for whitenoise, and the development server and the browser tests serve them from
here. Only the files named below are exposed, not the packages' sources, type declarations or
tooling. Nothing is loaded from a CDN.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any, Literal, overload

from django.conf import settings
from django.contrib.staticfiles.finders import BaseFinder
from django.core.checks import CheckMessage, Warning
from django.core.files.storage import FileSystemStorage

#: Package → (its folder of built files, the files pages load from it, with their source maps).
PACKAGES: dict[str, tuple[str, tuple[str, ...]]] = {
    "vega": ("vega/build", ("vega.min.js",)),
    "vega-lite": ("vega-lite/build", ("vega-lite.min.js", "vega-lite.min.js.map")),
    "vega-embed": ("vega-embed/build", ("vega-embed.min.js", "vega-embed.min.js.map")),
}


def node_modules() -> Path:
    """Where npm installed the packages: node_modules at the repository's root."""
    return Path(settings.REPO_DIR) / "node_modules"


class _PackageStorage(FileSystemStorage):
    """A package's folder of built files, listed under `vendor/<package>/` by collectstatic."""

    def __init__(self, package: str, location: Path) -> None:
        super().__init__(location=location)
        self.prefix = f"vendor/{package}"


class PackageFinder(BaseFinder):
    """Find `vendor/<package>/<file>` among the files of `PACKAGES`."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        root = node_modules()
        self.storages = {
            package: _PackageStorage(package, root / folder)
            for package, (folder, _) in PACKAGES.items()
        }

    def check(self, **kwargs: Any) -> list[CheckMessage]:
        missing = [
            str(Path(self.storages[package].location) / name)
            for package, (_, names) in PACKAGES.items()
            for name in names
            if not (Path(self.storages[package].location) / name).is_file()
        ]
        if not missing:
            return []
        return [
            Warning(
                f"Front-end files are missing: {', '.join(missing)}; pages show charts as "
                "static images only.",
                hint="Run `make setup` (npm ci installs them from package-lock.json).",
                id="lumoflow.E001",
            )
        ]

    @overload
    def find(self, path: str, find_all: Literal[False] = False, **kwargs: Any) -> str | None: ...
    @overload
    def find(self, path: str, find_all: Literal[True], **kwargs: Any) -> list[str]: ...
    def find(self, path: str, find_all: bool = False, **kwargs: Any) -> str | list[str] | None:
        find_all = find_all or bool(kwargs.get("all"))  # the name before Django 5.2
        found: list[str] = []
        package, _, name = path.removeprefix("vendor/").partition("/")
        if path.startswith("vendor/") and name in PACKAGES.get(package, ("", ()))[1]:
            full = Path(self.storages[package].location) / name
            if full.is_file():
                found.append(str(full))
        if find_all:
            return found
        return found[0] if found else None

    def list(self, ignore_patterns: Any) -> Iterator[tuple[str, FileSystemStorage]]:
        for package, (_, names) in PACKAGES.items():
            storage = self.storages[package]
            for name in names:
                if storage.exists(name):
                    yield name, storage
