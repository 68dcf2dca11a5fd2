"""Free loopback ports for the processes the tests and the bench start (gateways, partner
stand-ins), each of which binds its port itself."""

from __future__ import annotations

import random
import socket
from pathlib import Path

__all__ = ["free_port"]


def free_port() -> int:
    """A port of the loopback that nothing listens on, for a process that binds it itself.

    Chosen below the kernel's ephemeral range (where ports for outgoing connections and for
    binds to port 0 come from), and never the same twice in one run: a port picked inside
    that range could be taken, before its process bound it, by any connection another
    process opened (it happened in the tests: a gateway of the nginx pair found its
    sandbox's port taken while the other instance connected to PostgreSQL and Redis).
    For the tests and the bench, which start gateways and stand-ins on such ports."""
    below = _ephemeral_start()
    for _ in range(100):
        port = random.randrange(_LOWEST_PICKED, below)
        if port in _handed_out:
            continue
        with socket.socket() as probe:
            try:
                probe.bind(("127.0.0.1", port))
            except OSError:
                continue
        _handed_out.add(port)
        return port
    with socket.socket() as probe:  # nothing free below the range: the kernel's choice
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


_LOWEST_PICKED = 10_000
_handed_out: set[int] = set()


def _ephemeral_start() -> int:
    """The lowest port of the kernel's ephemeral range (Linux's 32768 when unreadable)."""
    try:
        low = int(Path("/proc/sys/net/ipv4/ip_local_port_range").read_text().split()[0])
    except (OSError, ValueError, IndexError):
        low = 32_768
    return max(low, _LOWEST_PICKED + 1_000)
