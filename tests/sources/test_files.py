"""Tests for the shared list-file reading helpers (decompression, sniffing, decoding, CSV)."""

from __future__ import annotations

import gzip
import io
import zipfile
from pathlib import Path

import pytest

from screenwise.errors import ListParseError
from screenwise.sources.files import (
    decode_utf8,
    describe,
    iter_csv_dicts,
    iter_csv_rows,
    read_bytes,
    read_head,
    read_text,
)

CSV = b'1,"ALPHA, Ann","individual"\r\n2,"BETA LTD","-0- "\r\n\x1a\r\n'


def _write(tmp_path: Path, name: str, data: bytes) -> Path:
    path = tmp_path / name
    path.write_bytes(data)
    return path


def _zip(members: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in members.items():
            archive.writestr(name, data)
    return buffer.getvalue()


def test_read_bytes_plain_gzip_and_zip_give_same_content(tmp_path: Path) -> None:
    plain = _write(tmp_path, "a.csv", CSV)
    gz = _write(tmp_path, "a.csv.gz", gzip.compress(CSV))
    zipped = _write(tmp_path, "a.zip", _zip({"A.CSV": CSV}))
    no_suffix = _write(tmp_path, "download", gzip.compress(CSV))
    assert read_bytes(plain) == CSV
    assert read_bytes(gz) == CSV
    assert read_bytes(zipped) == CSV
    assert read_bytes(no_suffix) == CSV  # detected by magic number, not by name


def test_read_bytes_zip_named_member(tmp_path: Path) -> None:
    path = _write(tmp_path, "x.zip", _zip({"dir/ONE.XML": b"<a/>", "TWO.XML": b"<b/>"}))
    assert read_bytes(path, member="one.xml") == b"<a/>"
    with pytest.raises(ListParseError, match="exactly one file"):
        read_bytes(path)
    with pytest.raises(ListParseError, match=r"no member 'three\.xml'") as info:
        read_bytes(path, member="three.xml")
    assert info.value.path == str(path)


def test_truncated_gzip_names_file(tmp_path: Path) -> None:
    data = gzip.compress(CSV * 200)
    path = _write(tmp_path, "sdn.csv.gz", data[: len(data) // 2])
    with pytest.raises(ListParseError, match="truncated gzip") as info:
        read_bytes(path)
    assert info.value.path == str(path)
    assert str(path) in str(info.value)


def test_corrupt_gzip_names_file(tmp_path: Path) -> None:
    data = bytearray(gzip.compress(CSV * 200))
    data[20:40] = b"\xff" * 20
    path = _write(tmp_path, "sdn.csv.gz", bytes(data))
    with pytest.raises(ListParseError, match="gzip") as info:
        read_bytes(path)
    assert info.value.path == str(path)


def test_truncated_zip_names_file(tmp_path: Path) -> None:
    data = _zip({"CONS_ENHANCED.XML": b"<x>" + b"a" * 5000 + b"</x>"})
    path = _write(tmp_path, "CONS_ENHANCED.ZIP", data[: len(data) - 30])
    with pytest.raises(ListParseError, match="truncated or corrupt zip") as info:
        read_bytes(path)
    assert info.value.path == str(path)


def test_corrupt_zip_member_names_member(tmp_path: Path) -> None:
    data = bytearray(_zip({"L.XML": b"<x>" + bytes(range(256)) * 40 + b"</x>"}))
    data[60:90] = b"\x00" * 30  # inside the compressed member data
    path = _write(tmp_path, "l.zip", bytes(data))
    with pytest.raises(ListParseError) as info:
        read_bytes(path)
    assert info.value.path == describe(path, "L.XML")


def test_empty_files_refused(tmp_path: Path) -> None:
    empty = _write(tmp_path, "sdn.csv", b"")
    with pytest.raises(ListParseError, match="empty file") as info:
        read_bytes(empty)
    assert info.value.path == str(empty)
    empty_gz = _write(tmp_path, "sdn.csv.gz", gzip.compress(b""))
    with pytest.raises(ListParseError, match="empty file"):
        read_bytes(empty_gz)
    blank = _write(tmp_path, "blank.csv", b"\r\n  \r\n\x1a")
    with pytest.raises(ListParseError, match="empty file"):
        read_bytes(blank)


@pytest.mark.parametrize(
    "page",
    [
        b"<!DOCTYPE html>\n<html><body>503 Service Unavailable</body></html>",
        b"\xef\xbb\xbf  <HTML><head><title>Error</title></head></HTML>",
        b"\n\n<!doctype HTML PUBLIC><html></html>",
    ],
)
def test_html_error_page_refused(tmp_path: Path, page: bytes) -> None:
    path = _write(tmp_path, "sdn.xml", page)
    with pytest.raises(ListParseError, match="HTML page") as info:
        read_bytes(path)
    assert info.value.path == str(path)
    gz = _write(tmp_path, "sdn.csv.gz", gzip.compress(page))
    with pytest.raises(ListParseError, match="HTML page"):
        read_bytes(gz)


def test_size_limits(tmp_path: Path) -> None:
    path = _write(tmp_path, "big.csv", b"x" * 1000)
    with pytest.raises(ListParseError, match="larger than the limit of 999 bytes"):
        read_bytes(path, max_bytes=999)
    bomb = _write(tmp_path, "bomb.gz", gzip.compress(b"0" * 200_000))
    with pytest.raises(ListParseError, match="decompressed content larger"):
        read_bytes(bomb, max_bytes=100_000)
    zbomb = _write(tmp_path, "bomb.zip", _zip({"B.XML": b"0" * 200_000}))
    with pytest.raises(ListParseError, match="larger than the limit"):
        read_bytes(zbomb, max_bytes=100_000)


def test_missing_file(tmp_path: Path) -> None:
    with pytest.raises(ListParseError, match="cannot read file"):
        read_bytes(tmp_path / "nope.csv")


def test_decode_utf8_bom_and_cp1252(tmp_path: Path) -> None:
    assert decode_utf8("\ufeffJos\u00e9".encode(), "f.csv") == "José"
    data = b'1,"ONE"\r\n2,"TWO"\r\n3,"CAF\xc9 \x96 BAR"\r\n'  # cp1252 É and en dash
    with pytest.raises(ListParseError) as info:
        decode_utf8(data, "sdn.csv")
    err = info.value
    assert err.path == "sdn.csv"
    assert err.line == 3
    assert "byte offset 24" in err.reason
    assert "0xc9" in err.reason
    assert str(err).startswith("sdn.csv line 3:")


def test_read_text_through_gzip_names_line(tmp_path: Path) -> None:
    path = _write(tmp_path, "alt.csv.gz", gzip.compress(b"a\r\nb\r\nc\x92d\r\n"))
    with pytest.raises(ListParseError) as info:
        read_text(path)
    assert info.value.line == 3
    assert info.value.path == str(path)
    ok = _write(tmp_path, "ok.csv.gz", gzip.compress("é\r\n".encode()))
    assert read_text(ok) == "é\r\n"


def test_read_head_decompresses_and_never_raises(tmp_path: Path) -> None:
    body = b"<sdnList>" + b"x" * 20_000
    gz = _write(tmp_path, "sdn.xml.gz", gzip.compress(body))
    assert read_head(gz) == body[:8192]
    assert read_head(gz, 9) == b"<sdnList>"
    zipped = _write(tmp_path, "C.ZIP", _zip({"C.XML": body}))
    assert read_head(zipped, 20) == body[:20]
    data = gzip.compress(body)
    truncated = _write(tmp_path, "t.gz", data[:40])
    assert body.startswith(read_head(truncated))
    assert read_head(tmp_path / "missing") == b""


def test_iter_csv_rows_lines_eof_and_multiline() -> None:
    text = '1,"A","x"\r\n2,"multi\r\nline","y"\r\n\r\n3,"C","z"\r\n\x1a\r\n'
    rows = list(iter_csv_rows(text, "f.csv", columns=("id", "name", "type")))
    assert rows == [
        (1, ["1", "A", "x"]),
        (2, ["2", "multi\r\nline", "y"]),
        (5, ["3", "C", "z"]),
    ]


def test_iter_csv_rows_short_row_names_column() -> None:
    text = '1,"A","x"\r\n2,"B"\r\n'
    with pytest.raises(ListParseError) as info:
        list(iter_csv_rows(text, "sdn.csv", columns=("ent_num", "SDN_Name", "SDN_Type")))
    err = info.value
    assert (err.path, err.line, err.field) == ("sdn.csv", 2, "SDN_Type")
    assert str(err) == "sdn.csv line 2 field SDN_Type: row has 2 fields, expected 3"


def test_iter_csv_rows_quote_faults_name_line() -> None:
    stray = '1,"A"\r\n2,"B"x",C\r\n'
    with pytest.raises(ListParseError, match="CSV syntax error") as info:
        list(iter_csv_rows(stray, "f.csv"))
    assert (info.value.path, info.value.line) == ("f.csv", 2)
    unclosed = '1,"A"\r\n2,"B\r\n3,"C"\r\n'
    with pytest.raises(ListParseError, match="starting at line 2"):
        list(iter_csv_rows(unclosed, "f.csv"))
    assert len(list(iter_csv_rows(stray, "f.csv", strict=False))) == 2


def test_iter_csv_dicts() -> None:
    text = "\ufeffid,name\r\n7,Ann\r\n8,Bob\r\n"
    assert list(iter_csv_dicts(text, "c.csv", required=("id",))) == [
        (2, {"id": "7", "name": "Ann"}),
        (3, {"id": "8", "name": "Bob"}),
    ]
    with pytest.raises(ListParseError) as info:
        list(iter_csv_dicts(text, "c.csv", required=("programs",)))
    assert (info.value.line, info.value.field) == (1, "programs")
    with pytest.raises(ListParseError) as short:
        list(iter_csv_dicts("id,name\r\n7\r\n", "c.csv"))
    assert (short.value.line, short.value.field) == (2, "name")


def test_reading_a_small_file_allocates_little(tmp_path: Path) -> None:
    """The size limit must not turn into a buffer of ``max_bytes`` for every file."""
    import tracemalloc

    path = _write(tmp_path, "a.csv", CSV)
    tracemalloc.start()
    try:
        read_bytes(path)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert peak < 1_000_000
