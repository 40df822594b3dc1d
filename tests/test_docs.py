"""The user documentation stays true to the code (the datasette / sqlite-utils habit).

* docs/cli.md is the live ``--help`` of every command, regenerated in-process through
  click's ``CliRunner`` by ``scripts/gen_cli_docs.py`` and compared with the file; every
  command has help text and a section there.
* docs/settings.md has a section for every field of
  :class:`screenwise.settings.Settings`, naming its ``SCREENWISE_*`` variable, and none for
  a field that does not exist.
* docs/api.md names every HTTP route with its method.
* README.md keeps its promises: what screenwise does first, then ``make demo`` and
  ``make test``; every registered list id is in its table of lists.
* Relative links in README.md and docs/*.md point at files that exist.

No lists are loaded and no server is started: these tests read code and Markdown only.
"""

from __future__ import annotations

import importlib.util
import re
from pathlib import Path
from types import ModuleType

import click
import pytest

from screenwise.cli.main import cli
from screenwise.settings import Settings

ROOT = Path(__file__).resolve().parents[1]
DOCS = ROOT / "docs"
GEN_SCRIPT = ROOT / "scripts" / "gen_cli_docs.py"
REGENERATE = "run `.venv/bin/python scripts/gen_cli_docs.py` and commit docs/cli.md"


def _load_generator() -> ModuleType:
    spec = importlib.util.spec_from_file_location("gen_cli_docs", GEN_SCRIPT)
    assert spec is not None and spec.loader is not None, f"cannot load {GEN_SCRIPT}"
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="module")
def gen() -> ModuleType:
    """The docs/cli.md generator, imported from scripts/gen_cli_docs.py."""
    return _load_generator()


@pytest.fixture(scope="module")
def commands(gen: ModuleType) -> list[tuple[tuple[str, ...], click.Command]]:
    """Every ``(path, command)`` of the CLI tree, root first."""
    found: list[tuple[tuple[str, ...], click.Command]] = list(gen.iter_commands(cli))
    return found


def _text(name: str) -> str:
    return (DOCS / name).read_text(encoding="utf-8")


# -- CLI reference ----------------------------------------------------------------------------


def test_command_tree_has_the_documented_commands(
    commands: list[tuple[tuple[str, ...], click.Command]],
) -> None:
    paths = {" ".join(path) for path, _ in commands}
    # The commands the README and the tutorial use; a rename must update the docs.
    for expected in ("", "lists", "lists load", "lists delta", "screen", "screen-text", "serve"):
        assert expected in paths, f"command 'screenwise {expected}' not found"


def test_every_command_has_help_text(
    commands: list[tuple[tuple[str, ...], click.Command]],
) -> None:
    missing = [
        " ".join(("screenwise", *path))
        for path, command in commands
        if not (command.help or command.short_help or "").strip()
    ]
    assert not missing, f"commands without help text (add a docstring): {missing}"


def test_every_command_has_a_section_in_cli_md(
    gen: ModuleType, commands: list[tuple[tuple[str, ...], click.Command]]
) -> None:
    headings = set(re.findall(r"^## .+$", _text("cli.md"), flags=re.MULTILINE))
    missing = [gen.heading(path) for path, _ in commands if gen.heading(path) not in headings]
    assert not missing, f"docs/cli.md has no section for {missing}: {REGENERATE}"


def test_cli_md_matches_live_help(gen: ModuleType) -> None:
    expected = gen.render_markdown(cli)
    current = _text("cli.md")
    if current != expected:
        diff = _first_difference(current, expected)
        pytest.fail(f"docs/cli.md is out of date ({diff}): {REGENERATE}")


def test_cli_md_holds_the_help_of_screen(gen: ModuleType) -> None:
    help_text = gen.render_help(cli, ("screen",))
    assert help_text.startswith("Usage: screenwise screen [OPTIONS] NAME")
    assert "--threshold FLOAT" in help_text
    assert help_text in _text("cli.md")


def _first_difference(current: str, expected: str) -> str:
    old, new = current.splitlines(), expected.splitlines()
    for number, (a, b) in enumerate(zip(old, new, strict=False), start=1):
        if a != b:
            return f"line {number}: file has {a!r}, --help gives {b!r}"
    return f"file has {len(old)} lines, --help gives {len(new)}"


# -- settings ---------------------------------------------------------------------------------


def _settings_sections() -> dict[str, str]:
    """Return ``{field name: section text}`` of docs/settings.md (``### name`` headings)."""
    text = _text("settings.md")
    parts = re.split(r"^### +`?([a-z_]+)`? *$", text, flags=re.MULTILINE)
    return {parts[i]: parts[i + 1] for i in range(1, len(parts) - 1, 2)}


def test_every_setting_has_a_section() -> None:
    sections = _settings_sections()
    fields = set(Settings.model_fields)
    missing = sorted(fields - set(sections))
    unknown = sorted(set(sections) - fields)
    assert not missing, f"docs/settings.md has no '### name' section for {missing}"
    assert not unknown, f"docs/settings.md documents settings that do not exist: {unknown}"


@pytest.mark.parametrize("name", sorted(Settings.model_fields))
def test_setting_section_names_its_variable_and_default(name: str) -> None:
    section = _settings_sections().get(name)
    assert section is not None, f"docs/settings.md has no '### {name}' section"
    variable = f"SCREENWISE_{name.upper()}"
    assert variable in section, f"section '{name}' does not name {variable}"
    default = Settings.model_fields[name].default
    if isinstance(default, int | float) and not isinstance(default, bool):
        # Numbers may be written with digit group separators (2_000_000 or 2,000,000).
        written = {str(default), f"{default:_}", f"{default:,}"}
        assert any(w in section for w in written), (
            f"section '{name}' does not give the default {default}"
        )


# -- HTTP API ---------------------------------------------------------------------------------


def _api_routes() -> list[str]:
    from screenwise.api import review, screen, yente_compat

    routes: list[str] = []
    for router in (yente_compat.router, screen.router, review.router):
        for route in router.routes:
            path = getattr(route, "path", None)
            methods = getattr(route, "methods", None) or set()
            if path:
                routes.extend(f"{method} {path}" for method in sorted(methods))
    return routes


def test_api_md_names_every_route() -> None:
    routes = _api_routes()
    assert "POST /match/{dataset}" in routes
    text = _text("api.md")
    missing = [route for route in routes if route not in text]
    assert not missing, f"docs/api.md does not name these routes: {missing}"


# -- README and links -------------------------------------------------------------------------


def test_readme_starts_with_what_it_does_then_the_two_commands() -> None:
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    lines = text.splitlines()
    assert lines[0] == "# screenwise"
    first_paragraph = next(line for line in lines[1:] if line.strip())
    assert first_paragraph.startswith("screenwise "), first_paragraph
    demo, test, bench = text.find("make demo"), text.find("make test"), text.find("make bench")
    assert 0 < demo < test, "README must give `make demo` then `make test`"
    assert bench > test, "README must mention `make bench` after the two commands"
    assert text.find("```sh") < demo, "the two commands belong in the first code block"


def test_readme_names_every_registered_list() -> None:
    from screenwise.sources import SOURCES

    text = (ROOT / "README.md").read_text(encoding="utf-8")
    missing = [list_id for list_id in SOURCES if f"`{list_id}`" not in text]
    assert not missing, f"README.md does not name these list ids: {missing}"


_LINK = re.compile(r"\]\(([^)#\s]+)(?:#[^)]*)?\)")


@pytest.mark.parametrize(
    "path", [ROOT / "README.md", *sorted(DOCS.glob("*.md"))], ids=lambda p: p.name
)
def test_relative_links_resolve(path: Path) -> None:
    broken = []
    for target in _LINK.findall(path.read_text(encoding="utf-8")):
        if re.match(r"^[a-z]+:", target):
            continue  # http(s), mailto
        if not (path.parent / target).exists():
            broken.append(target)
    assert not broken, f"{path.name} links to missing files: {broken}"
