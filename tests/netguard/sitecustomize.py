"""Blocks every network connection except loopback, in this process and every Python child.

Loaded by Python at start-up because scripts/test and tests/conftest.py put this folder on
PYTHONPATH. A test that reaches the network (a DNS lookup of a real host, a connection to a
non-loopback address) fails with NetworkBlocked instead of silently depending on it.
"""

from __future__ import annotations

import ipaddress
import os
import socket


class NetworkBlocked(OSError):
    """Raised instead of touching the network during tests."""


def _is_loopback(host: object) -> bool:
    if not isinstance(host, str):
        return False
    if host in ("localhost", ""):
        return True
    try:
        return ipaddress.ip_address(host.split("%")[0]).is_loopback
    except ValueError:
        return False


def _check(address: object) -> None:
    if isinstance(address, tuple) and address and not _is_loopback(address[0]):
        raise NetworkBlocked(f"network access blocked in tests: {address!r}")


def install() -> None:
    """Patch socket so only loopback and Unix sockets work."""
    if getattr(socket, "_pressroom_guard", False):
        return
    original_connect = socket.socket.connect
    original_connect_ex = socket.socket.connect_ex
    original_getaddrinfo = socket.getaddrinfo

    def connect(self: socket.socket, address: object) -> None:
        _check(address)
        return original_connect(self, address)

    def connect_ex(self: socket.socket, address: object) -> int:
        _check(address)
        return original_connect_ex(self, address)

    def getaddrinfo(host: object, *args: object, **kwargs: object):  # type: ignore[no-untyped-def]
        if host is not None and not _is_loopback(host if isinstance(host, str) else str(host)):
            raise NetworkBlocked(f"network access blocked in tests: DNS lookup of {host!r}")
        return original_getaddrinfo(host, *args, **kwargs)  # type: ignore[arg-type]

    socket.socket.connect = connect  # type: ignore[method-assign]
    socket.socket.connect_ex = connect_ex  # type: ignore[method-assign]
    socket.getaddrinfo = getaddrinfo  # type: ignore[assignment]
    socket._pressroom_guard = True  # type: ignore[attr-defined]


if os.environ.get("PRESSROOM_BLOCK_NETWORK") == "1":
    install()
