"""The CLI's global behaviour: settings errors and error rendering."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from screenwise.cli.main import cli
from screenwise.errors import mask_url


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


@pytest.mark.parametrize(
    ("url", "cause"),
    [
        ("garbage", "not a usable SQLAlchemy URL"),
        ("sqlite:////proc/nope/x.db", "no screenwise store here yet"),
        ("postgresql+psycopg://u:pw@127.0.0.1:1/db", "connection"),
        ("mysql://x@127.0.0.1/db", "the database driver is not installed"),
    ],
)
def test_unusable_stores_give_one_line_naming_the_masked_url(url: str, cause: str) -> None:
    result = CliRunner().invoke(cli, ["--db", url, "lists"])
    assert result.exit_code == 8
    assert "Traceback" not in result.output
    (line,) = result.output.splitlines()
    assert line.startswith(f"error: store {mask_url(url)}: ")
    assert cause in line and ":pw@" not in line


def test_a_file_that_is_not_a_database_is_one_line(tmp_path: Path) -> None:
    passwd = tmp_path / "passwd"
    passwd.write_text("root:x:0:0:root:/root:/bin/bash\n" * 100)
    result = CliRunner().invoke(cli, ["--db", f"sqlite:///{passwd}", "lists"])
    assert result.exit_code == 8
    assert result.output == f"error: store sqlite:///{passwd}: file is not a database\n"


def test_a_store_that_cannot_be_created_is_one_line(tmp_path: Path) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("x")
    lists = tmp_path / "lists"
    lists.mkdir()
    (lists / "sdn.csv").write_bytes(b'"1","A","individual"\r\n')
    result = CliRunner().invoke(
        cli, ["--db", f"sqlite:///{blocker / 'x.db'}", "lists", "load", str(lists)]
    )
    assert result.exit_code == 8
    (line,) = result.output.splitlines()
    assert "cannot create the store file" in line
