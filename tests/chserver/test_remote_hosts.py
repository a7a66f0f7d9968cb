"""url()/s3() & co. reach only allowed hosts (ClickHouse's remote_url_allow_hosts): by
default loopback, so s3() against a loopback moto server works while any other host is
refused with UNACCEPTABLE_URL before a connection is made; the server option and its
environment variable widen the list; the stack allows its own S3 endpoint."""

from __future__ import annotations

import socket
import subprocess
import sys
import threading
import urllib.request
import uuid
from http.server import BaseHTTPRequestHandler, HTTPServer

import boto3
import pytest

from stir.chserver.testing import free_port, running_server

from .httpraw import request

KEY, SECRET, BUCKET = "testing-key", "testing-secret", "remote-hosts"


@pytest.fixture(scope="module")
def moto_endpoint():
    port = free_port()
    proc = subprocess.Popen([sys.executable, "-m", "moto.server", "-H", "127.0.0.1", "-p", str(port)],
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    endpoint = f"http://127.0.0.1:{port}"
    try:
        for _ in range(300):
            try:
                urllib.request.urlopen(f"{endpoint}/moto-api/data.json", timeout=1).close()
                break
            except OSError:
                threading.Event().wait(0.1)
        boto3.client("s3", endpoint_url=endpoint, aws_access_key_id=KEY, aws_secret_access_key=SECRET,
                     region_name="us-east-1").create_bucket(Bucket=BUCKET)
        yield endpoint
    finally:
        proc.terminate()
        proc.wait(10)


class _Csv(BaseHTTPRequestHandler):
    def do_GET(self):  # noqa: N802 - http.server's naming
        self.send_response(200)
        self.send_header("Content-Length", "2")
        self.end_headers()
        self.wfile.write(b"5\n")

    def log_message(self, *args):
        pass


@pytest.fixture
def other_host():
    """An HTTP server on 127.0.0.2 (not in the default list), counting connections."""
    server = HTTPServer(("127.0.0.2", 0), _Csv)
    seen = []
    original = server.get_request

    def counting():
        conn = original()
        seen.append(conn[1])
        return conn

    server.get_request = counting
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield server.server_address[1], seen
    server.shutdown()
    server.server_close()


def _s3(endpoint: str, key: str) -> str:
    return f"s3('{endpoint}/{BUCKET}/{key}', '{KEY}', '{SECRET}', 'CSV', 'a UInt32')"


def test_loopback_s3_works_by_default(ch, moto_endpoint):
    key = f"{uuid.uuid4().hex}.csv"
    status, _, body = request(ch, f"INSERT INTO FUNCTION {_s3(moto_endpoint, key)} SELECT 42")
    assert status == 200, body
    # the streamed-insert path (data after the statement) is checked too
    status, _, body = request(ch, f"INSERT INTO FUNCTION {_s3(moto_endpoint, 'b-' + key)} FORMAT CSV\n7\n")
    assert status == 200, body
    assert request(ch, f"SELECT a FROM {_s3(moto_endpoint, key)}")[2] == b"42\n"


@pytest.mark.parametrize("query", [
    "SELECT * FROM url('http://127.0.0.2:{port}/x.csv', 'CSV', 'a UInt32')",
    "INSERT INTO FUNCTION url('http://127.0.0.2:{port}/x.csv', 'CSV', 'a UInt32') SELECT 1",
    "INSERT INTO FUNCTION url('http://127.0.0.2:{port}/x.csv', 'CSV', 'a UInt32') FORMAT CSV\n1\n",
    "SELECT * FROM s3Cluster('default', 'http://127.0.0.2:{port}/b/k.csv', 'CSV', 'a UInt32')",
    "CREATE TABLE t_{port} (a UInt32) ENGINE = URL('http://127.0.0.2:{port}/x.csv', CSV)",
    "SELECT * FROM remote('127.0.0.2:{port}', system.one)",
])
def test_other_hosts_are_refused_before_any_connection(ch, other_host, query):
    port, seen = other_host
    status, headers, body = request(ch, query.format(port=port))
    assert headers.get("x-clickhouse-exception-code") == "491", body
    assert b"UNACCEPTABLE_URL" in body and b"remote_url_allow_hosts" in body
    assert seen == []


def test_unresolvable_and_non_literal_addresses_are_refused(ch):
    status, headers, _ = request(ch, "SELECT * FROM url('https://example.invalid/x.csv', 'CSV', 'a UInt8')")
    assert headers.get("x-clickhouse-exception-code") == "491"
    status, headers, _ = request(ch, "SELECT * FROM url({u:String}, 'CSV', 'a UInt8')",
                                 params={"param_u": "http://127.0.0.1:1/x.csv"})
    assert headers.get("x-clickhouse-exception-code") == "491"


def test_tables_named_like_functions_still_work(ch, db):
    assert request(ch, f"CREATE TABLE {db}.url (a UInt8) ENGINE = Memory")[0] == 200
    assert request(ch, f"INSERT INTO {db}.url (a) VALUES (3)")[0] == 200
    assert request(ch, f"SELECT a FROM {db}.url")[2] == b"3\n"


@pytest.mark.parametrize("how", ["option", "env"])
def test_allow_list_widened_by_option_or_environment(other_host, how):
    port, seen = other_host
    entry = f"127.0.0.1,127.0.0.2:{port}"
    kwargs = {"extra_args": ("--remote-url-allow-hosts", entry)} if how == "option" \
        else {"env": {"STIR_CH_REMOTE_URL_ALLOW_HOSTS": entry}}
    with running_server(**kwargs) as server:
        status, _, body = request(server, f"SELECT a FROM url('http://127.0.0.2:{port}/x.csv', 'CSV', 'a UInt32')")
        assert (status, body) == (200, b"5\n")
        assert seen
        # the same host on another port is still refused
        status, headers, _ = request(server, "SELECT * FROM url('http://127.0.0.2:1/x.csv', 'CSV', 'a UInt8')")
        assert headers.get("x-clickhouse-exception-code") == "491"


def test_stack_allows_its_own_s3_endpoint(monkeypatch):
    from stir.stack import components
    from stir.stack.layout import s3_endpoint

    monkeypatch.delenv("STIR_CH_REMOTE_URL_ALLOW_HOSTS", raising=False)
    args = components._ch_remote_hosts()
    assert args[0] == "--remote-url-allow-hosts"
    hosts = args[1].split(",")
    endpoint = s3_endpoint().split("//", 1)[1]
    assert endpoint in hosts and "127.0.0.1" in hosts
    monkeypatch.setenv("STIR_CH_REMOTE_URL_ALLOW_HOSTS", "*")
    assert components._ch_remote_hosts() == ["--remote-url-allow-hosts", "*"]


def test_loopback_127_0_0_2_reachable_here():
    """The refusal tests mean something only if 127.0.0.2 is reachable on this machine."""
    with socket.create_server(("127.0.0.2", 0)) as srv:
        socket.create_connection(srv.getsockname(), timeout=2).close()
