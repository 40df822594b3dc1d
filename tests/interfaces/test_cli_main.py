"""The CLI's global behaviour: settings errors and error rendering."""

from __future__ import annotations

from pathlib import Path

from click.testing import CliRunner

from screenwise.cli.main import cli


def test_bad_setting_names_the_environment_variable(tmp_path: Path) -> None:
    result = CliRunner().invoke(
        cli, ["--data-dir", str(tmp_path), "lists"], env={"SCREENWISE_THRESHOLD": "2"}
    )
    assert result.exit_code == 2
    assert "SCREENWISE_THRESHOLD" in result.output
    assert "Traceback" not in result.output


def test_library_errors_are_one_plain_line(tmp_path: Path) -> None:
    db = f"sqlite:///{tmp_path / 'store.db'}"
    result = CliRunner().invoke(cli, ["--db", db, "entity", "us_ofac_sdn-0"])
    assert result.exit_code != 0
    assert "\x1b[" not in result.output
    assert "Traceback" not in result.output
