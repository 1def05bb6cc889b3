"""Threads with stacks large enough for the native SPARQL engine.

pyoxigraph parses, plans and evaluates a query by recursion on the calling thread's stack, and a
stack overflow there kills the whole process (SIGSEGV), not just the request. Measured on
pyoxigraph 0.5.13, the costliest constructs (nested `NOT EXISTS`, nested function calls) take
about 10 KB of stack per level of `sparql_protocol.syntax_depth`, so a thread with
`STACK_BYTES_PER_LEVEL` bytes per level of the configured limit has room to spare (about three
times) for any text that passes the depth check. The stack is virtual memory: a thread uses only
what its deepest query touched.

>>> run_on_large_stack(lambda: sum(range(4)), stack_size_for(100))
6
"""

from __future__ import annotations

import threading
from concurrent.futures import Future, ThreadPoolExecutor
from contextlib import contextmanager
from typing import Callable, Iterator, TypeVar

STACK_BYTES_PER_LEVEL = 32 * 1024
MINIMUM_STACK_BYTES = 16 * 1024 * 1024
T = TypeVar("T")

# threading.stack_size() is one setting per process, read when a thread starts: changed only under this lock.
_stack_size_lock = threading.Lock()


def stack_size_for(max_depth: int) -> int:
    """The stack, in bytes, for evaluating texts up to `max_depth` levels deep."""
    return max(MINIMUM_STACK_BYTES, max_depth * STACK_BYTES_PER_LEVEL)


@contextmanager
def _threads_started_with_stack(size: int) -> Iterator[None]:
    """Threads started inside get `size` bytes of stack (others started meanwhile too, which does no harm)."""
    with _stack_size_lock:
        previous = threading.stack_size(size)
        try:
            yield
        finally:
            threading.stack_size(previous)


class LargeStackExecutor(ThreadPoolExecutor):
    """A thread pool whose threads have `stack_size` bytes of stack."""

    def __init__(self, max_workers: int, stack_size: int, thread_name_prefix: str = ""):
        super().__init__(max_workers=max_workers, thread_name_prefix=thread_name_prefix)
        self.stack_size = stack_size

    def submit(self, fn, /, *args, **kwargs) -> Future:  # type: ignore[override]
        # The pool starts its threads inside submit(), one at a time as work arrives.
        with _threads_started_with_stack(self.stack_size):
            return super().submit(fn, *args, **kwargs)


def run_on_large_stack(function: Callable[[], T], stack_size: int) -> T:
    """Call `function` on a thread of its own with `stack_size` bytes of stack; its result, or its exception raised here.

    The thread is a daemon, so that an interrupted caller (Ctrl-C in the CLI) does not wait for it.
    """
    outcome: dict[str, object] = {}

    def call() -> None:
        try:
            outcome["result"] = function()
        except BaseException as error:  # noqa: BLE001 - handed to the caller as it is
            outcome["error"] = error

    with _threads_started_with_stack(stack_size):
        thread = threading.Thread(target=call, name="govgraph-large-stack", daemon=True)
        thread.start()
    thread.join()
    if "error" in outcome:
        raise outcome["error"]  # type: ignore[misc]
    return outcome["result"]  # type: ignore[return-value]
