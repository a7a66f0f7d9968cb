"""Pure pieces of the stack: statement splitting, PNG generation, request parsing, CLI registration, PIDs."""

from __future__ import annotations

import json
import struct
import sys
import textwrap
import zlib

import psutil
import pytest

from stir import cli
from stir.sidecar import media
from stir.sidecar.scrape import BadRequest, parse_request
from stir.sidecar.slack import parse_payload
from stir.stack import process
from stir.stack.clickhouse import SOURCES_SQL, split_statements


def test_split_statements_drops_comment_only_chunks():
    sql = "-- header\nCREATE DATABASE a;\n\nCREATE TABLE a.t\n(\n  x UInt8 -- note\n)\nENGINE = Memory;\n-- end\n"
    assert split_statements(sql) == ["-- header\nCREATE DATABASE a", "CREATE TABLE a.t\n(\n  x UInt8 -- note\n)\nENGINE = Memory"]


def test_sources_sql_splits_into_one_statement_per_create():
    text = SOURCES_SQL.read_text()
    statements = split_statements(text)
    assert len(statements) == text.count("CREATE ")
    assert all("CREATE " in s for s in statements)


def _decode_png(data: bytes) -> tuple[int, int, bytes]:
    assert data.startswith(b"\x89PNG\r\n\x1a\n")
    pos, chunks = 8, {}
    while pos < len(data):
        (length,) = struct.unpack(">I", data[pos:pos + 4])
        kind, body = data[pos + 4:pos + 8], data[pos + 8:pos + 8 + length]
        (crc,) = struct.unpack(">I", data[pos + 8 + length:pos + 12 + length])
        assert zlib.crc32(kind + body) == crc
        chunks[kind] = chunks.get(kind, b"") + body
        pos += 12 + length
    width, height = struct.unpack(">II", chunks[b"IHDR"][:8])
    return width, height, zlib.decompress(chunks[b"IDAT"])


def test_png_is_valid_deterministic_and_path_dependent():
    width, height, raw = _decode_png(media.png_for("a/b.jpg"))
    assert (width, height) == (16, 16) and len(raw) == 16 * (1 + 16 * 3)
    assert media.png_for("a/b.jpg") == media.png_for("a/b.jpg")
    assert media.png_for("a/b.jpg") != media.png_for("a/c.jpg")
    assert media.etag(media.png_for("x")) != media.etag(media.png_for("y"))


def test_scrape_request_parsing():
    parsed = parse_request(b'{"flow": "f", "platform": "INSTAGRAM", "params": {"b": 1, "a": "x"}}', "UA/1")
    assert parsed == {"flow": "f", "platform": "INSTAGRAM", "params": '{"a":"x","b":1}', "source": "UA/1"}
    assert parse_request(b'{"flow": "f", "platform": "YOUTUBE", "source": "dag"}', None)["source"] == "dag"
    assert parse_request(b'{"flow": "f", "platform": "YOUTUBE"}', None)["params"] == "{}"
    for body, message in [
        (b"", "not valid JSON"),
        (b"[1]", "JSON object"),
        (b'{"platform": "X"}', "'flow'"),
        (b'{"flow": "f", "platform": " "}', "'platform'"),
        (b'{"flow": "f", "platform": "X", "params": [1]}', "'params'"),
    ]:
        with pytest.raises(BadRequest, match=message):
            parse_request(body, None)


def test_slack_payload_parsing():
    assert parse_payload("application/json", b'{"text": "hi"}') == {"text": "hi"}
    form = b"payload=" + json.dumps({"text": "form"}).encode().replace(b" ", b"+")
    assert parse_payload("application/x-www-form-urlencoded", form) == {"text": "form"}
    assert parse_payload("text/plain", b"plain words") == "plain words"


def test_cli_skips_areas_that_do_not_exist(monkeypatch):
    monkeypatch.setattr(cli, "COMMAND_MODULES", (("stir.no_such_area.cli", ""), ("stir.stack.cli", "")))
    args = cli.build_parser().parse_args(["stack", "status", "--json"])
    assert callable(args.func) and args.as_json


def test_cli_does_not_hide_a_broken_area(monkeypatch, tmp_path):
    pkg = tmp_path / "stir_broken_area"
    pkg.mkdir()
    (pkg / "__init__.py").write_text("")
    (pkg / "cli.py").write_text("import a_dependency_that_is_not_installed\n")
    monkeypatch.syspath_prepend(str(tmp_path))
    monkeypatch.setattr(cli, "COMMAND_MODULES", (("stir_broken_area.cli", ""),))
    with pytest.raises(ModuleNotFoundError, match="a_dependency_that_is_not_installed"):
        cli.build_parser()


def test_spawned_process_group_is_stopped_with_its_children(tmp_path):
    script = textwrap.dedent("""
        import signal, subprocess, sys
        child = subprocess.Popen([sys.executable, "-c", "import signal; signal.pause()"])
        print(child.pid, flush=True)
        signal.pause()  # both wait until the stop under test signals them
    """)
    log = tmp_path / "p.log"
    record = process.spawn([sys.executable, "-c", script], log_file=log, env={"PATH": "/usr/bin:/bin"})
    pid_file = tmp_path / "p.json"
    process.write_pid(pid_file, record)
    assert process.wait_until(lambda: log.read_text().strip().splitlines()[-1].isdigit(), 20)
    child_pid = int(log.read_text().strip().splitlines()[-1])
    assert process.live_record(pid_file) == record

    assert process.stop(record, timeout=5)

    def dead(pid):
        try:
            return psutil.Process(pid).status() == psutil.STATUS_ZOMBIE
        except psutil.NoSuchProcess:
            return True

    assert process.wait_until(lambda: dead(record.pid) and dead(child_pid), 10)
    assert process.live_record(pid_file) is None and not pid_file.exists()
    assert process.stop(record) is False


def test_pid_record_with_reused_pid_is_stale(tmp_path):
    me = psutil.Process()
    pid_file = tmp_path / "x.json"
    process.write_pid(pid_file, process.PidRecord(me.pid, me.create_time() - 60, ["old"]))
    assert process.live_record(pid_file) is None
    assert not pid_file.exists()


def test_airflow_is_sized_to_the_machine(monkeypatch):
    from stir.stack.envvars import airflow_sizing

    monkeypatch.delenv("STIR_AIRFLOW_PARALLELISM", raising=False)
    assert airflow_sizing(1)["AIRFLOW__CORE__PARALLELISM"] == "2"
    assert airflow_sizing(8)["AIRFLOW__CORE__PARALLELISM"] == "8"
    assert airflow_sizing(8)["AIRFLOW__DAG_PROCESSOR__PARSING_PROCESSES"] == "2"
    assert airflow_sizing(2)["AIRFLOW__API__WORKERS"] == "1"
    monkeypatch.setenv("STIR_AIRFLOW_PARALLELISM", "3")
    assert airflow_sizing(8)["AIRFLOW__CORE__PARALLELISM"] == "3"
