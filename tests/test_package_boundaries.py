"""Each service is its own deployable package: it imports only itself, medcode-common and the
protos, never another service; the gateway imports no service package at all.

The rule holds for each package's source and its own tests (a team runs its suite with its
package alone); tests that need several services live in this folder.
"""

from __future__ import annotations

import ast
import tomllib
from collections.abc import Iterator
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
#: Every deployable package: its folder, its import name.
PACKAGES = {
    "services/codes": "medcode_codes",
    "services/search": "medcode_search",
    "services/accounts": "medcode_accounts",
    "services/metering": "medcode_metering",
    "gateway": "medcode_gateway",
}
SERVICE_MODULES = frozenset(PACKAGES.values())


def imported_modules(path: Path) -> Iterator[tuple[int, str]]:
    """(line, top-level module) of every import statement in a Python file."""
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for alias in node.names:
                yield node.lineno, alias.name.split(".")[0]
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            yield node.lineno, node.module.split(".")[0]


def foreign_imports(folder: Path, own: str) -> list[str]:
    """`file:line imports X` for every import of a service package other than `own`."""
    found = []
    for path in sorted(folder.rglob("*.py")):
        for line, module in imported_modules(path):
            if module in SERVICE_MODULES and module != own:
                found.append(f"{path.relative_to(folder.parent)}:{line} imports {module}")
    return found


@pytest.mark.parametrize("folder", sorted(PACKAGES))
def test_a_package_imports_no_other_service(folder: str) -> None:
    own = PACKAGES[folder]
    assert (ROOT / folder / "src" / own).is_dir()
    checked = [ROOT / folder / "src", ROOT / folder / "tests"]
    found = [line for path in checked if path.is_dir() for line in foreign_imports(path, own)]
    assert not found, "\n".join(found)


@pytest.mark.parametrize("folder", sorted(PACKAGES))
def test_a_package_depends_on_no_other_service(folder: str) -> None:
    project = tomllib.loads((ROOT / folder / "pyproject.toml").read_text(encoding="utf-8"))
    wanted = {
        requirement.split(";")[0].split("[")[0].split(">")[0].split("=")[0].strip()
        for requirement in project["project"]["dependencies"]
    }
    others = {name.replace("_", "-") for name in SERVICE_MODULES} - {
        PACKAGES[folder].replace("_", "-")
    }
    assert not wanted & others, f"{folder}/pyproject.toml names {sorted(wanted & others)}"


@pytest.mark.parametrize("folder", sorted(PACKAGES))
def test_an_image_installs_no_other_service(folder: str) -> None:
    dockerfile = (ROOT / folder / "Dockerfile").read_text(encoding="utf-8")
    for other_folder in PACKAGES:
        if other_folder != folder:
            assert f"COPY {other_folder}/" not in dockerfile, f"{folder} copies {other_folder}"


def test_the_walk_sees_a_foreign_import(tmp_path: Path) -> None:
    """The checker itself: a plain, a dotted and a from-import of another service are found."""
    (tmp_path / "sample.py").write_text(
        "import medcode_codes\nimport medcode_search.engine\nfrom medcode_gateway import app\n"
        "from medcode_common import codesystems\nfrom medcode_metering import quota\n"
        "from . import sibling\n",
        encoding="utf-8",
    )
    found = foreign_imports(tmp_path, "medcode_metering")
    assert [line.rsplit(" ", 1)[1] for line in found] == [
        "medcode_codes",
        "medcode_search",
        "medcode_gateway",
    ]
