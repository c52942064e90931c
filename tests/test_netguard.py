"""The suite runs with the network blocked: prove the guard is active here and in children."""

from __future__ import annotations

import socket
import subprocess
import sys

import pytest


def test_outside_connections_fail_in_process() -> None:
    with pytest.raises(OSError, match="network access blocked"):
        socket.create_connection(("198.51.100.7", 80), timeout=1)
    with pytest.raises(OSError, match="network access blocked"):
        socket.getaddrinfo("example.org", 443)


def test_outside_connections_fail_in_child_processes() -> None:
    code = "import socket; socket.create_connection(('198.51.100.7', 80), timeout=1)"
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert proc.returncode != 0
    assert "network access blocked" in proc.stderr


def test_loopback_still_works() -> None:
    server = socket.socket()
    server.bind(("127.0.0.1", 0))
    server.listen(1)
    client = socket.create_connection(server.getsockname(), timeout=1)
    client.close()
    server.close()
