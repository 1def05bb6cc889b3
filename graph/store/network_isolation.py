"""Take a server process off the network for outbound connections (Linux network namespaces).

A second line of defence behind the SERVICE/LOAD policy (`graph.store.sparql_protocol`): after
`isolate_outbound_network()`, a query the policy missed still cannot open a connection to
another host or to a local listener, because the process sits in a network namespace of its
own with no interface up. Sockets it already holds (the server's listening socket) keep working
in the namespace they were made in. Needs root (CAP_SYS_ADMIN) or, for an unprivileged
single-threaded process, user namespaces.
"""

from __future__ import annotations

import ctypes
import os

CLONE_NEWNET = 0x40000000
CLONE_NEWUSER = 0x10000000


def network_namespace(pid: int | str = "self") -> str:
    """The network namespace a process is in, e.g. 'net:[4026531840]'."""
    return os.readlink(f"/proc/{pid}/ns/net")


def isolate_outbound_network() -> bool:
    """Move this process into an empty network namespace; False when the OS does not allow it."""
    libc = ctypes.CDLL(None, use_errno=True)
    for flags in (CLONE_NEWNET, CLONE_NEWUSER | CLONE_NEWNET):
        if libc.unshare(flags) == 0:
            return True
    return False
