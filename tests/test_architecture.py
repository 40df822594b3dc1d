"""Layering contract: lower layers never import higher ones.

sources, names and text import nothing of matching, store, api or cli; the library never
imports the interfaces (cli, api). Checked on the source text with ``ast`` so it needs no
import side effects.
"""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest

SRC = Path(__file__).resolve().parents[1] / "src" / "screenwise"

#: package -> packages it must never import
FORBIDDEN: dict[str, tuple[str, ...]] = {
    "sources": ("matching", "store", "api", "cli", "screening", "index", "text"),
    "names": ("sources", "matching", "store", "api", "cli", "screening", "index", "text"),
    "text": ("store", "api", "cli", "sources"),
    "matching": ("store", "api", "cli", "sources", "text"),
    "store": ("api", "cli", "matching", "text"),
    "index.py": ("store", "api", "cli", "text"),
    "screening.py": ("api", "cli"),
}


def _imports(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    found: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module:
            found.add(node.module)
    return {name for name in found if name.startswith("screenwise.")}


def _files(part: str) -> list[Path]:
    target = SRC / part
    if target.is_file():
        return [target]
    return sorted(target.rglob("*.py"))


@pytest.mark.parametrize("part", sorted(FORBIDDEN))
def test_layering(part: str) -> None:
    files = _files(part)
    assert files, f"{part} has no modules"
    violations = []
    for path in files:
        for name in _imports(path):
            top = name.split(".")[1]
            if top in FORBIDDEN[part] or f"{top}.py" in FORBIDDEN[part]:
                violations.append(f"{path.relative_to(SRC)} imports {name}")
    assert not violations, "\n".join(violations)


def test_makefile_targets_point_at_existing_files() -> None:
    root = SRC.parents[1]
    makefile = (root / "Makefile").read_text(encoding="utf-8")
    scripts = re.findall(r"python\s+((?:benchmarks|scripts)/\S+\.py)", makefile)
    assert scripts, "the Makefile runs no benchmark script"
    missing = [s for s in scripts if not (root / s).is_file()]
    assert not missing, f"Makefile names missing files: {missing}"


def test_ci_runs_the_readme_test_command() -> None:
    root = SRC.parents[1]
    assert "make test" in (root / ".ci" / "run").read_text(encoding="utf-8")
    readme = (root / "README.md").read_text(encoding="utf-8")
    assert "make demo" in readme and "make test" in readme
