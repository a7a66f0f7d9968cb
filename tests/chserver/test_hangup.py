"""The disconnect check both cancel paths rely on (the watch thread and the handler's
own look between result blocks), on real socket pairs."""

from __future__ import annotations

import socket
import time

from stir.chserver.queryids import HangupCheck, client_gone


def _pair() -> tuple[socket.socket, socket.socket]:
    with socket.create_server(("127.0.0.1", 0)) as listener:
        client = socket.create_connection(listener.getsockname())
        server, _ = listener.accept()
    return server, client


def test_an_open_idle_client_is_not_gone():
    server, client = _pair()
    try:
        assert not client_gone(server)
    finally:
        server.close()
        client.close()


def test_a_closed_or_reset_client_is_gone():
    server, client = _pair()
    client.close()
    time.sleep(0.05)
    assert client_gone(server)
    server.close()
    assert client_gone(server)  # our own side closed: nothing left to answer

    server, client = _pair()
    client.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, b"\x01\x00\x00\x00\x00\x00\x00\x00")  # close = RST
    client.close()
    time.sleep(0.05)
    assert client_gone(server)
    server.close()


def test_a_pipelined_request_is_not_a_hang_up():
    server, client = _pair()
    try:
        client.sendall(b"GET /ping HTTP/1.1\r\n\r\n")
        time.sleep(0.05)
        assert not client_gone(server)
        assert server.recv(100).startswith(b"GET /ping")  # the peek consumed nothing
    finally:
        server.close()
        client.close()


def test_the_handler_check_looks_at_most_every_interval():
    server, client = _pair()
    check = HangupCheck(server, every=60)
    try:
        assert not check()
        client.close()
        time.sleep(0.05)
        assert not check()  # within the interval: no second look, so no cost per block
        assert HangupCheck(server, every=60)()
    finally:
        server.close()
