"""Start child processes that Linux kills when their parent dies, without a pre-exec hook.

The obvious way, `subprocess.Popen(preexec_fn=prctl(PR_SET_PDEATHSIG))`, forces a plain
`fork()` of the whole parent. In a parent that talks gRPC (the runner probes health over gRPC)
the fork copies gRPC's poller state mid-use, and the child can abort before it reaches `exec`:
CI saw the metering service die with SIGABRT, "Check failed: wakeup_fd_->Wakeup().ok()"
(grpc/grpc#43055). In a loop of 200 spawns next to busy gRPC calls, 0 to 8 children died
that way on this machine.

So the child is a small trampoline instead: `python -m medcode_common.parent_death PID -- ARGV`.
The parent starts it with no pre-exec hook (CPython then uses vfork/posix_spawn, which run no
fork handlers); the trampoline arms PR_SET_PDEATHSIG for itself, checks that its parent is
still PID (the parent may have died before the arming), and `exec`s ARGV, which keeps the
death signal.
"""

from __future__ import annotations

import ctypes
import logging
import os
import signal
import subprocess
import sys
from collections.abc import Sequence
from typing import Any

from medcode_common.logs import configure_logging

log = logging.getLogger(__name__)

_PR_SET_PDEATHSIG = 1

#: Exit code of a trampoline whose parent was already gone: the real program never ran.
ORPHANED = 125
#: Exit code when ARGV cannot be executed (as a shell reports a missing command).
CANNOT_EXEC = 127


def spawn_dying_with_parent(argv: Sequence[str], **popen: Any) -> subprocess.Popen[bytes]:
    """`subprocess.Popen(argv, **popen)`, except that the child gets SIGKILL if we die.

    Only an abnormal end of the parent matters here (a normal stop sends SIGTERM and waits).
    On systems without PR_SET_PDEATHSIG the child is started directly.
    """
    if not argv:
        raise ValueError("argv must name a program")
    if "preexec_fn" in popen:
        raise ValueError("preexec_fn forces fork(), which is what this function avoids")
    if not sys.platform.startswith("linux"):
        return subprocess.Popen(list(argv), **popen)
    trampoline = [sys.executable, "-m", __name__, str(os.getpid()), "--", *argv]
    return subprocess.Popen(trampoline, **popen)


def _arm_death_signal() -> None:
    libc = ctypes.CDLL(None, use_errno=True)
    if libc.prctl(_PR_SET_PDEATHSIG, signal.SIGKILL) != 0:
        raise OSError(ctypes.get_errno(), "prctl(PR_SET_PDEATHSIG) failed")


def main(args: Sequence[str]) -> int:
    """Arm the death signal, then become ARGV; return only when that cannot happen."""
    if len(args) < 3 or args[1] != "--" or not args[0].isdigit():
        log.error("usage: python -m medcode_common.parent_death PARENT_PID -- PROGRAM [ARG...]")
        return 2
    parent, argv = int(args[0]), list(args[2:])
    _arm_death_signal()
    if os.getppid() != parent:
        log.error("parent %d is gone; not starting %s", parent, argv[0])
        return ORPHANED
    sys.stdout.flush()
    sys.stderr.flush()
    try:
        os.execvp(argv[0], argv)  # does not return when it works
    except OSError as error:
        log.error("cannot start %s: %s", argv[0], error.strerror)
        return CANNOT_EXEC


if __name__ == "__main__":
    configure_logging()
    sys.exit(main(sys.argv[1:]))
