"""Downloading lists: a real HTTP server on 127.0.0.1 serves copies of the shared list files.

The server (``http.server`` in a thread, loopback only, stopped at the end of the module)
serves the staged official files read from the shared folder at test time, plus the ways a
download goes wrong: a response cut short of its Content-Length, a corrupted gzip body, a
gzip file truncated but sent whole, an HTML error page (with and without an HTML content
type), a 404. Each must raise ListFetchError naming the URL, leave no staged file behind,
and leave the active list version in place.
"""

from __future__ import annotations

import gzip
import hashlib
import json
import threading
from collections.abc import Iterator
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
from click.testing import CliRunner

from screenwise.cli.main import cli
from screenwise.errors import ChecksumError, ListFetchError
from screenwise.ingest import fetch_lists
from screenwise.settings import Settings
from screenwise.sources import SOURCES
from screenwise.sources.fetch import fetch_url
from screenwise.store.versions import ListStore

pytestmark = pytest.mark.realdata

LAST_MODIFIED = "Fri, 27 Feb 2026 06:00:00 GMT"
HTML = (
    b"<!DOCTYPE html>\n<html><head><title>503</title></head><body>Service unavailable</body></html>"
)


@dataclass
class Route:
    body: bytes
    status: int = 200
    content_type: str = "application/octet-stream"
    send_bytes: int | None = None  # send only this many body bytes (Content-Length stays full)


class Server:
    """Loopback HTTP server with a fixed route table."""

    def __init__(self, routes: dict[str, Route]) -> None:
        self.routes = routes
        table = routes

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:
                route = table.get(self.path)
                if route is None:
                    self.send_error(404, "Not Found")
                    return
                self.send_response(route.status)
                self.send_header("Content-Type", route.content_type)
                self.send_header("Content-Length", str(len(route.body)))
                self.send_header("Last-Modified", LAST_MODIFIED)
                self.end_headers()
                body = route.body if route.send_bytes is None else route.body[: route.send_bytes]
                self.wfile.write(body)
                self.wfile.flush()
                if route.send_bytes is not None:
                    self.close_connection = True

            def log_message(self, format: str, *args: object) -> None:
                return

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.base = f"http://127.0.0.1:{self.httpd.server_address[1]}"
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)

    def url(self, path: str) -> str:
        return self.base + path


@pytest.fixture(scope="module")
def lists_dir(shared_dir: Path) -> Path:
    return shared_dir / "data" / "lists"


@pytest.fixture(scope="module")
def server(lists_dir: Path) -> Iterator[Server]:
    un = (lists_dir / "un" / "consolidated.xml.gz").read_bytes()
    history = lists_dir / "ofac" / "sdn" / "history"
    corrupt = bytearray(un)
    for offset in range(len(un) // 2, len(un) // 2 + 64):
        corrupt[offset] ^= 0xFF
    routes = {
        "/un/consolidated.xml.gz": Route(un, content_type="application/gzip"),
        "/sdn/sdn.csv.gz": Route((history / "sdn-2023-12-28.csv.gz").read_bytes()),
        "/sdn/alt.csv.gz": Route((history / "alt-2023-12-28.csv.gz").read_bytes()),
        "/sdn/add.csv.gz": Route((history / "add-2023-12-28.csv.gz").read_bytes()),
        "/cut/consolidated.xml.gz": Route(un, send_bytes=len(un) // 2),
        "/corrupt/consolidated.xml.gz": Route(bytes(corrupt)),
        "/halfgzip/consolidated.xml.gz": Route(un[: len(un) // 2]),
        "/error/consolidated.xml": Route(HTML, content_type="text/html; charset=utf-8"),
        "/sniffed/consolidated.xml": Route(HTML),
        "/empty/consolidated.xml": Route(b""),
    }
    srv = Server(routes)
    srv.thread.start()
    try:
        yield srv
    finally:
        srv.httpd.shutdown()
        srv.httpd.server_close()


BAD = {
    "/cut/consolidated.xml.gz": "download failed",
    "/corrupt/consolidated.xml.gz": "corrupted gzip",
    "/halfgzip/consolidated.xml.gz": "truncated gzip",
    "/error/consolidated.xml": "HTML page",
    "/sniffed/consolidated.xml": "HTML page",
    "/empty/consolidated.xml": "empty response",
    "/missing/consolidated.xml": "HTTP 404",
}


def test_fetch_url_stages_the_file_with_its_sha256(
    server: Server, lists_dir: Path, tmp_path: Path
) -> None:
    expected = hashlib.sha256((lists_dir / "un" / "consolidated.xml.gz").read_bytes()).hexdigest()
    staged = fetch_url(server.url("/un/consolidated.xml.gz"), tmp_path / "un.xml.gz")
    assert staged.sha256 == expected
    assert staged.path.read_bytes()[:2] == b"\x1f\x8b"
    assert staged.last_modified is not None
    assert staged.last_modified.date().isoformat() == "2026-02-27"
    assert [p.name for p in tmp_path.iterdir()] == ["un.xml.gz"]


@pytest.mark.parametrize("path", sorted(BAD))
def test_bad_downloads_raise_and_leave_nothing(server: Server, tmp_path: Path, path: str) -> None:
    url = server.url(path)
    with pytest.raises(ListFetchError) as caught:
        fetch_url(url, tmp_path / "file")
    assert url in str(caught.value)
    assert BAD[path] in str(caught.value)
    assert list(tmp_path.iterdir()) == []


def test_size_limit_and_checksum(server: Server, tmp_path: Path) -> None:
    url = server.url("/un/consolidated.xml.gz")
    with pytest.raises(ListFetchError, match="above the limit of 1000 bytes"):
        fetch_url(url, tmp_path / "a", max_bytes=1000)
    with pytest.raises(ChecksumError, match="does not match expected"):
        fetch_url(url, tmp_path / "b", expected_sha256="0" * 64)
    assert list(tmp_path.iterdir()) == []


def test_local_paths_and_file_urls_take_the_same_checks(lists_dir: Path, tmp_path: Path) -> None:
    source = lists_dir / "un" / "consolidated.xml.gz"
    by_path = fetch_url(str(source), tmp_path / "a.xml.gz")
    by_url = fetch_url(source.as_uri(), tmp_path / "b.xml.gz")
    assert by_path.sha256 == by_url.sha256 == hashlib.sha256(source.read_bytes()).hexdigest()
    page = tmp_path / "page.xml"
    page.write_bytes(HTML)
    with pytest.raises(ListFetchError, match="HTML page"):
        fetch_url(page.as_uri(), tmp_path / "c.xml")
    truncated = tmp_path / "cut.xml.gz"
    truncated.write_bytes(source.read_bytes()[:5000])
    with pytest.raises(ListFetchError, match="truncated gzip"):
        fetch_url(str(truncated), tmp_path / "d.xml.gz")


def test_fetch_lists_loads_and_failures_keep_the_active_version(
    server: Server, tmp_path: Path
) -> None:
    settings = Settings(data_dir=tmp_path / "data")
    with ListStore(f"sqlite:///{tmp_path / 'store.db'}") as store:
        good = {"un_sc_sanctions": {"xml": server.url("/un/consolidated.xml.gz")}}
        [result] = fetch_lists(store, ["un_sc_sanctions"], settings, urls=good)
        assert result.status == "promoted", result.reason
        assert result.version is not None
        assert result.version.entity_count == 1003
        assert result.version.published is not None
        assert result.version.published.isoformat() == "2026-02-27"  # dateGenerated in the file
        assert result.version.source == server.url("/un/consolidated.xml.gz")
        active = result.version.version_id

        for path, fragment in BAD.items():
            bad = {"un_sc_sanctions": {"xml": server.url(path)}}
            [failed] = fetch_lists(store, ["un_sc_sanctions"], settings, urls=bad)
            assert failed.status == "failed"
            assert server.url(path) in failed.reason and fragment in failed.reason
            assert store.active_version("un_sc_sanctions").version_id == active

        assert len(store.versions("un_sc_sanctions")) == 1
        staging = tmp_path / "data" / "downloads" / "un_sc_sanctions"
        assert len(list(staging.iterdir())) == 1  # failed downloads leave no directory

        [again] = fetch_lists(store, ["un_sc_sanctions"], settings, urls=good)
        assert again.status == "unchanged"


def test_fetch_a_multi_file_ofac_set(server: Server, tmp_path: Path) -> None:
    settings = Settings(data_dir=tmp_path / "data")
    urls = {
        "us_ofac_sdn": {
            "primary": server.url("/sdn/sdn.csv.gz"),
            "alt": server.url("/sdn/alt.csv.gz"),
            "add": server.url("/sdn/add.csv.gz"),
        }
    }
    with ListStore("sqlite://") as store:
        [result] = fetch_lists(store, ["us_ofac_sdn"], settings, urls=urls)
        assert result.status == "promoted", result.reason
        assert result.version is not None
        assert result.version.entity_count == 13821
        assert result.version.complete
        assert sorted(result.version.files) == ["add", "alt", "primary"]
        # the CSV states no date: the server's Last-Modified date is used
        assert result.version.published is not None
        assert result.version.published.isoformat() == "2026-02-27"
        assert "PUTIN, Vladimir" in store.get_entity("us_ofac_sdn-35096").get("alias")


def test_cli_fetch_reports_failure_and_exit_code(
    server: Server, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    source = SOURCES["un_sc_sanctions"]
    monkeypatch.setattr(source, "urls", {"xml": server.url("/un/consolidated.xml.gz")})
    db = f"sqlite:///{tmp_path / 'cli.db'}"
    runner = CliRunner()
    args = ["--db", db, "--data-dir", str(tmp_path / "data"), "lists", "fetch"]
    ok = runner.invoke(cli, [*args, "un_sc_sanctions", "--json"])
    assert ok.exit_code == 0, ok.output
    assert json.loads(ok.output)["results"][0]["status"] == "promoted"

    monkeypatch.setattr(source, "urls", {"xml": server.url("/cut/consolidated.xml.gz")})
    bad = runner.invoke(cli, [*args, "un_sc_sanctions"])
    assert bad.exit_code == ListFetchError.exit_code
    assert "failed" in bad.output and "/cut/consolidated.xml.gz" in bad.output


def test_gzip_members_are_checked_to_their_end(tmp_path: Path) -> None:
    whole = gzip.compress(b"<CONSOLIDATED_LIST/>" * 1000)
    cut = tmp_path / "cut.gz"
    cut.write_bytes(whole[:-8])  # CRC and length trailer missing
    with pytest.raises(ListFetchError, match="truncated gzip"):
        fetch_url(str(cut), tmp_path / "x.gz")
