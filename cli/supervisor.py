"""The process model of `govgraph serve`: granian workers forked from one in-memory copy, replaced before retired.

The supervisor (granian's main process) loads the built store into memory once (`graph.store`:
from the build's snapshot, or from the store after an update) and forks the workers from it:
a new worker serves within moments, and the workers share the copy's memory pages until they
touch them. All workers accept on one listening socket that the supervisor holds, so a
connection waits in its backlog, never refused, while workers come and go; and each worker can
leave the network namespace before it starts a thread (`graph.store.isolate_outbound_network`)
and still accept.

A worker is replaced, never just stopped: a fresh worker is forked first, and the old one is
told to stop only once the fresh one is ready. Stopping is in two steps: the worker first stops
accepting (its descriptor of the shared socket is swapped for a socket nobody connects to, so
new connections wait for the other workers), and a moment later begins granian's graceful stop
(it finishes the requests it has, closes idle connections and exits); granian alone would close
connections it had just accepted but not yet read. So every slot always has a worker accepting, even when
all workers ask to be replaced at once. A worker asks when a query outlived the timeout (the
evaluation cannot be cancelled; the process's exit ends it), and all are replaced when the
store changes (`govgraph build`, an update): the supervisor loads the new copy while the
workers keep answering from the old one. A worker that dies is forked again.

Workers talk to the supervisor over one pipe (short lines, written whole): `ready PID`,
`retire PID`, `changed PID TOKEN`, `stopping PID`. The supervisor answers an update's `changed` by creating the
file TOKEN in a directory of its own once every worker serves a copy with that update, and tells
a worker to stop through a pipe of that worker's own (whose end also tells it the supervisor is gone).
"""

from __future__ import annotations

import gc
import logging
import os
import queue
import shutil
import signal
import socket
import tempfile
import threading
import time
import uuid
from pathlib import Path
from typing import Callable

from granian.constants import Interfaces
from granian._granian import SocketHolder
from granian.server.mp import MPServer

from graph.config import Settings
from graph.errors import GovgraphError
from graph.store import MemoryCopy, load_memory_copy, save_snapshot_of, store_generation

LOG = logging.getLogger("govgraph.serve")
POLL_SECONDS = 0.25  # how often the supervisor looks for a changed store (a readlink and a stat)
RESPAWN_DELAY = 1.0  # before forking again a worker that died while starting
STOP_GRACE = 0.25  # between a worker's last accept and its graceful stop: connections it accepted get read

LOGGING = {
    "formatters": {"generic": {"()": "logging.Formatter", "fmt": "[%(asctime)s] [%(process)d] [%(levelname)s] %(name)s: %(message)s"},
                   "access": {"()": "logging.Formatter", "fmt": "%(message)s"}},
    "handlers": {"console": {"formatter": "generic", "class": "logging.StreamHandler", "stream": "ext://sys.stderr"},
                 "access": {"formatter": "access", "class": "logging.StreamHandler", "stream": "ext://sys.stderr"}},
    "loggers": {"_granian": {"handlers": ["console"], "level": "INFO", "propagate": False},
                "granian.access": {"handlers": ["access"], "level": "INFO", "propagate": False},
                "govgraph": {"handlers": ["console"], "level": "INFO", "propagate": False}},
}


class SupervisorChannel:
    """A worker's line to the supervisor, and the supervisor's to the worker (`control_fd`)."""

    def __init__(self, write_fd: int, served_dir: Path, control_fd: int, listener_fd: int):
        self.write_fd = write_fd
        self.served_dir = served_dir
        self.control_fd = control_fd
        self.listener_fd = listener_fd
        self._idle_listener: socket.socket | None = None

    def _send(self, *words: str) -> None:
        os.write(self.write_fd, (" ".join((words[0], str(os.getpid()), *words[1:])) + "\n").encode())

    def ready(self) -> None:
        """This worker is about to accept: its predecessor may stop. Starts listening for the supervisor's `stop`."""
        threading.Thread(target=self._await_stop, name="govgraph-control", daemon=True).start()
        self._send("ready")

    def _await_stop(self) -> None:
        os.read(self.control_fd, 64)  # `stop`, or nothing when the supervisor is gone
        # Stop accepting: the shared socket's descriptor now names a listening socket nobody connects to
        # (non-blocking, so granian's accept just finds nothing); connections wait for the other workers.
        self._idle_listener = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        self._idle_listener.bind(f"\0govgraph-idle-{os.getpid()}")
        self._idle_listener.listen()
        self._idle_listener.setblocking(False)
        os.dup2(self._idle_listener.fileno(), self.listener_fd)
        time.sleep(STOP_GRACE)
        # granian's graceful stop, signalled to the main thread itself (a signal sent to the process may reach a
        # thread that is evaluating a query, and the main thread would not wake for it).
        signal.pthread_kill(threading.main_thread().ident, signal.SIGTERM)
        self._send("stopping")

    def retire(self) -> None:
        """Replace this worker (a runaway evaluation is burning one of its threads)."""
        self._send("retire")

    def await_served(self, seconds: float) -> bool:
        """Return once every worker serves the store as this process's last update left it (False after `seconds`)."""
        token = uuid.uuid4().hex
        served = self.served_dir / token
        self._send("changed", token)
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline:
            if served.exists():
                served.unlink()
                return True
            time.sleep(0.01)
        LOG.warning("the update is durable, but not every worker served it within %g s", seconds)
        return False


WorkerApp = Callable[[Settings, "MemoryCopy | None", SupervisorChannel], object]


def _worker_main(*args) -> None:
    """A worker process: granian's WSGI worker, then an immediate exit.

    Once granian has answered every request it had, threads still evaluating a runaway query
    cannot be joined: os._exit ends them with the process.
    """
    code = 0
    try:
        MPServer._spawn_wsgi_worker(*args)
    except BaseException:
        LOG.exception("worker %d failed", os.getpid())
        code = 1
    finally:
        logging.shutdown()
        os._exit(code)


class Supervisor(MPServer):
    """granian's process manager with one shared copy, replace-then-retire and a watch on the store."""

    def __init__(self, settings: Settings, worker_app: WorkerApp, *, host: str, port: int, workers: int, threads: int):
        super().__init__(
            "govgraph",
            address=host,
            port=port,
            interface=Interfaces.WSGI,
            workers=workers,
            blocking_threads=threads,
            log_dictconfig=LOGGING,
            # Retired workers finish their requests, each within the query timeout; then they are killed.
            workers_kill_timeout=int(settings.query_timeout) + 5,
        )
        self.settings = settings
        self.worker_app = worker_app
        self.copy: MemoryCopy | None = None
        self._read_fd, self._write_fd = os.pipe()
        self.served_dir = Path(tempfile.mkdtemp(prefix="govgraph-serve-"))
        self._events: queue.SimpleQueue = queue.SimpleQueue()
        self._waiting: dict[int, list] = {}  # slot -> old workers to stop once the slot's worker is ready
        self._retiring: list[tuple[object, float]] = []  # (worker, kill deadline)
        self._respawn_at: dict[int, float] = {}
        self._tokens: list[str] = []
        self._loading = False
        self._retry_at = 0.0
        self._next_poll = 0.0
        self._ever_ready = False
        self._start_failed = False
        self._spawn_target: Callable | None = None
        self._target_loader: Callable | None = None
        self._controls: set[int] = set()  # the supervisor's ends of the workers' control pipes
        self._control_for_child = -1

    # --- start and stop ------------------------------------------------------------------------

    def run(self) -> None:
        """Take the port, load the copy (when the store is built), then serve until SIGINT/SIGTERM."""
        self._sso = socket.socket(socket.AF_INET6 if ":" in self.bind_addr else socket.AF_INET, socket.SOCK_STREAM)
        self._sso.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)  # not SO_REUSEPORT: the port is ours alone
        try:
            self._sso.bind((self.bind_addr, self.bind_port))
            self._sso.listen(self.backlog)
        except OSError as error:
            self._sso.close()
            raise GovgraphError(f"cannot listen on {self.bind_addr}:{self.bind_port}: {error.strerror}") from None
        if self.settings.backend == "embedded":
            try:
                self.copy = load_memory_copy(self.settings.data_dir)
            except Exception as error:
                LOG.warning("%s; serving errors until a store is built", error)
        try:
            self.serve(spawn_target=_worker_main, target_loader=self._load_worker_app, wrap_loader=False)
        finally:
            shutil.rmtree(self.served_dir, ignore_errors=True)

    def _init_shared_socket(self) -> None:
        # granian gives each Linux worker a socket of its own (SO_REUSEPORT, so a second server could bind the
        # same port unnoticed). One socket, made and held here, instead: the port is ours alone, connections
        # wait in its backlog while workers are replaced, and a worker can leave the network namespace yet accept.
        self._sso.set_inheritable(True)  # bound in run()
        self._sfd = self._sso.fileno()
        self._shd = SocketHolder(self._sfd, False, self.backlog)
        self._ssp = None

    def _load_worker_app(self):
        """In the new worker (forked, one thread): the app on the copy the supervisor held at the fork."""
        for descriptor in (self._read_fd, *self._controls):
            os.close(descriptor)
        channel = SupervisorChannel(self._write_fd, self.served_dir, self._control_for_child, self._sfd)
        return self.worker_app(self.settings, self.copy, channel)

    def _stop_workers(self) -> None:
        for worker in [old for olds in self._waiting.values() for old in olds] + [worker for worker, _ in self._retiring]:
            worker.terminate()
        super()._stop_workers()
        for worker, _ in self._retiring:
            worker.join(1)
            if worker.is_alive():
                worker.kill()

    def _stop(self, worker) -> None:
        """Tell a worker to stop accepting, finish its requests and exit (granian's own terminate: SIGTERM)."""
        worker.interrupt_by_parent = True
        try:
            os.write(worker.control, b"stop\n")
        except OSError:  # it has exited already
            pass

    # --- workers ---------------------------------------------------------------------------------

    def _spawn_workers(self, spawn_target, target_loader) -> None:
        self._spawn_target, self._target_loader = spawn_target, target_loader
        for slot in range(self.workers):
            self.wrks.append(self._start_worker(slot))

    def _start_worker(self, slot: int):
        """Fork a worker for a slot, with its own control pipe."""
        self._control_for_child, control = os.pipe()
        gc.freeze()  # the supervisor's objects stay shared: the collector would write to their pages
        worker = self._spawn_worker(slot, self._spawn_target, self._target_loader)
        worker.copy, worker.spawned, worker.control = self.copy, time.monotonic(), control
        worker.ready = worker.stopping = False
        worker._watcher = lambda: self._report_exit(worker)  # granian's own watcher shuts down after repeated crashes
        worker.terminate = lambda: self._stop(worker)
        worker.start()
        os.close(self._control_for_child)
        self._controls.add(control)
        return worker

    def _report_exit(self, worker) -> None:
        worker.inner.join()
        self._events.put(("exited", worker))
        self.main_loop_interrupt.set()

    def _replace(self, slot: int) -> None:
        """Fork a fresh worker for a slot; its predecessor stops once it is ready (or now, if it never served)."""
        previous = self.wrks[slot]
        fresh = self._start_worker(slot)
        self.wrks[slot] = fresh
        if previous.ready and previous.is_alive():
            self._waiting.setdefault(slot, []).append(previous)
        else:
            self._retire(previous)

    def _retire(self, worker) -> None:
        if worker.is_alive():
            LOG.info("stopping worker %d: it finishes its requests, then exits", worker.inner.pid)
            worker.terminate()
            self._retiring.append((worker, time.monotonic() + self.workers_kill_timeout))

    def _slot_of(self, pid: int) -> int | None:
        return next((slot for slot, worker in enumerate(self.wrks) if worker.inner.pid == pid), None)

    # --- the loop --------------------------------------------------------------------------------

    def _serve_loop(self, spawn_target, target_loader) -> None:
        threading.Thread(target=self._read_messages, name="govgraph-messages", daemon=True).start()
        while True:
            self.main_loop_interrupt.wait(POLL_SECONDS)
            self.main_loop_interrupt.clear()
            if self.interrupt_signal:
                break
            if self.reload_signal:  # SIGHUP: load the store anew and replace every worker
                self.reload_signal = False
                self._start_loading()
            while not self._events.empty():
                self._handle(*self._events.get())
            self._respawn_due()
            self._follow_store()
            self._kill_overdue()
            self._report_served_updates()
            if self._start_failed:
                LOG.error("the workers could not start; see the errors above")
                self.interrupt_children.append(0)  # granian's shutdown then exits with status 1
                break

    def _read_messages(self) -> None:
        with os.fdopen(self._read_fd, "rb", buffering=0) as pipe:
            buffer = b""
            while chunk := pipe.read(4096):
                buffer += chunk
                *lines, buffer = buffer.split(b"\n")
                for line in lines:
                    kind, pid, *rest = line.decode().split()
                    self._events.put((kind, int(pid), *rest))
                self.main_loop_interrupt.set()

    def _handle(self, kind: str, subject, *rest) -> None:
        if kind == "ready":
            slot = self._slot_of(subject)
            if slot is not None:
                self.wrks[slot].ready = self._ever_ready = True
                for old in self._waiting.pop(slot, []):
                    self._retire(old)
        elif kind == "retire":
            slot = self._slot_of(subject)
            if slot is not None and self.wrks[slot].ready:
                LOG.warning("worker %d ran a query past the timeout: replacing it", subject)
                self._replace(slot)
        elif kind == "stopping":
            for worker, _ in self._retiring:
                if worker.inner.pid == subject:
                    worker.stopping = True
        elif kind == "changed":
            self._tokens.append(rest[0])
            self._next_poll = 0.0
        elif kind == "exited":
            self._exited(subject)
        elif kind == "loaded":
            self._loaded(subject)
        elif kind == "load-failed":
            self._loading = False
            self._retry_at = time.monotonic() + 5.0
            LOG.warning("could not load the changed store (%s); the workers keep serving the previous copy", subject)

    def _exited(self, worker) -> None:
        os.close(worker.control)
        self._controls.discard(worker.control)
        self._retiring = [(old, deadline) for old, deadline in self._retiring if old is not worker]
        for olds in self._waiting.values():
            if worker in olds:
                olds.remove(worker)
        if worker in self.wrks and not worker.interrupt_by_parent:
            if not self._ever_ready:  # no worker ever started: the app cannot (a bug), so stop rather than loop
                self._start_failed = True
                return
            slot = self.wrks.index(worker)
            LOG.error("worker %d exited unexpectedly (status %s): starting another", worker.inner.pid, worker.inner.exitcode)
            started_recently = time.monotonic() - worker.spawned < RESPAWN_DELAY
            self._respawn_at[slot] = time.monotonic() + (RESPAWN_DELAY if started_recently else 0.0)

    def _respawn_due(self) -> None:
        for slot, due in list(self._respawn_at.items()):
            if time.monotonic() >= due:
                del self._respawn_at[slot]
                self._replace(slot)

    def _kill_overdue(self) -> None:
        now = time.monotonic()
        for worker, deadline in self._retiring:
            if now >= deadline and worker.is_alive():
                LOG.warning("worker %d did not finish its requests in time: killing it", worker.inner.pid)
                worker.kill()

    # --- following the store ---------------------------------------------------------------------

    def _follow_store(self) -> None:
        if self.settings.backend != "embedded" or self._loading:
            return
        now = time.monotonic()
        if now < self._next_poll or now < self._retry_at:
            return
        self._next_poll = now + POLL_SECONDS
        generation = store_generation(self.settings.data_dir)
        if generation[0] is not None and (self.copy is None or generation != self.copy.generation):
            self._start_loading()

    def _start_loading(self) -> None:
        if self.settings.backend != "embedded" or self._loading:
            return
        self._loading = True
        threading.Thread(target=self._load, name="govgraph-load", daemon=True).start()

    def _load(self) -> None:
        try:
            copy = load_memory_copy(self.settings.data_dir)
        except Exception as error:
            self._events.put(("load-failed", error))
        else:
            self._events.put(("loaded", copy))
            if copy.source == "store":  # the next start loads from a snapshot again, several times faster
                try:
                    save_snapshot_of(copy, self.settings.data_dir)
                except OSError as error:
                    LOG.warning("could not save a snapshot of the store: %s", error)
        self.main_loop_interrupt.set()

    def _loaded(self, copy: MemoryCopy) -> None:
        self._loading = False
        self.copy = copy
        LOG.info("replacing the workers to serve the store as it is now")
        for slot in range(len(self.wrks)):
            self._replace(slot)

    def _report_served_updates(self) -> None:
        """Answer the updates' `changed` once every worker serves a copy of the store as it is now on disk."""
        if not self._tokens or self.copy is None or any(self._waiting.values()) or self._respawn_at:
            return
        # Old workers must have begun their graceful stop: until then a keep-alive connection could still reach one.
        if not all(worker.stopping for worker, _ in self._retiring if worker.is_alive()):
            return
        if not all(worker.ready and worker.copy is self.copy for worker in self.wrks):
            return
        if store_generation(self.settings.data_dir) != self.copy.generation:
            return  # changed again since this copy was loaded: the next copy will have the updates
        for token in self._tokens:
            (self.served_dir / token).touch()
        self._tokens.clear()
