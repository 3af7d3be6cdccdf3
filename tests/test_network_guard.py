import socket

import pytest


def test_outside_connections_are_blocked() -> None:
    with pytest.raises(RuntimeError, match="network"):
        socket.create_connection(("203.0.113.1", 80), timeout=1)


def test_loopback_is_allowed() -> None:
    server = socket.socket()
    server.bind(("127.0.0.1", 0))
    server.listen(1)
    try:
        socket.create_connection(server.getsockname(), timeout=1).close()
    finally:
        server.close()
