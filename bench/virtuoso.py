"""A private OpenLink Virtuoso (Debian's virtuoso-opensource 7) on 127.0.0.1, for the tests and the scale benchmark.

Each instance gets a fresh database in its own directory, from a generated ini: random free ports,
`DirsAllowed` limited to that directory (the bulk loader reads files only from there), result rows not
capped at Virtuoso's default 10,000 (a silent truncation), and the `dba` password it starts with.
"""

from __future__ import annotations

import shutil
import subprocess
import time
from dataclasses import dataclass
from pathlib import Path

import requests
from requests.auth import HTTPDigestAuth

from bench.processes import free_port, stop

EXECUTABLE = "virtuoso-t"
USER = "dba"
PASSWORD = "dba"  # Virtuoso's initial dba password; the instance listens on 127.0.0.1 only

INI = """\
[Database]
DatabaseFile = {dir}/virtuoso.db
ErrorLogFile = {dir}/virtuoso.log
LockFile = {dir}/virtuoso.lck
TransactionFile = {dir}/virtuoso.trx
xa_persistent_file = {dir}/virtuoso.pxa
ErrorLogLevel = 7
FileExtend = 200
Striping = 0
TempStorage = TempDatabase

[TempDatabase]
DatabaseFile = {dir}/virtuoso-temp.db
TransactionFile = {dir}/virtuoso-temp.trx
Striping = 0

[Parameters]
ServerPort = 127.0.0.1:{sql_port}
DisableUnixSocket = 1
CheckpointInterval = 60
DirsAllowed = ., {dir}
NumberOfBuffers = {buffers}
MaxDirtyBuffers = {dirty_buffers}
ThreadsPerQuery = 2
MaxQueryMem = 1G
VADInstallDir = /usr/share/virtuoso-opensource-7/vad/

[HTTPServer]
ServerPort = 127.0.0.1:{http_port}
ServerRoot = /var/lib/virtuoso-opensource-7/vsp
ServerThreads = 10
MaxClientConnections = 10
MaxKeepAlives = 10
KeepAliveTimeout = 10
Charset = UTF-8
EnabledGzipContent = 0

[SPARQL]
ResultSetMaxRows = 10000000
MaxQueryCostEstimationTime = 0
MaxQueryExecutionTime = {max_query_seconds}
MaxSortedTopRows = 10000000
"""


@dataclass(frozen=True)
class Virtuoso:
    """A running instance: its HTTP base URL, SQL port, directory and process."""

    url: str
    sql_port: int
    directory: Path
    process: subprocess.Popen

    @property
    def query_url(self) -> str:
        return self.url + "/sparql"

    @property
    def update_url(self) -> str:
        """SPARQL updates need digest authentication (`dba`)."""
        return self.url + "/sparql-auth"

    @property
    def store_url(self) -> str:
        """The Graph Store Protocol, with digest authentication (`dba`)."""
        return self.url + "/sparql-graph-crud-auth"

    def isql(self, statements: str, timeout: float = 3600) -> str:
        """Run SQL statements through Virtuoso's isql client (the bulk loader has no HTTP interface)."""
        command = [isql_executable(), f"127.0.0.1:{self.sql_port}", USER, PASSWORD, "VERBOSE=OFF", "BANNER=OFF"]
        done = subprocess.run(command, input=statements, capture_output=True, text=True, timeout=timeout)
        if done.returncode != 0 or "*** Error" in done.stdout:
            raise RuntimeError(f"isql failed: {done.stdout[-2000:]} {done.stderr[-2000:]}")
        return done.stdout

    def disk_bytes(self) -> int:
        """The size of the database files."""
        return sum(path.stat().st_size for path in self.directory.glob("virtuoso*.db"))

    def stop(self) -> None:
        stop(self.process)


def available() -> bool:
    """Whether Debian's virtuoso-opensource is installed."""
    return shutil.which(EXECUTABLE) is not None


def isql_executable() -> str:
    """Debian names Virtuoso's isql `isql-vt` (plain `isql` is unixODBC's)."""
    return shutil.which("isql-vt") or "isql-vt"


def start(directory: Path, memory_mb: int = 1024, max_query_seconds: int = 0, seconds: float = 180.0) -> Virtuoso:
    """Start a fresh Virtuoso in `directory` and wait until its SPARQL endpoint answers.

    `max_query_seconds` > 0 ends a query after that long (error SR171): a query a client gave up on does not run
    on for ever.
    """
    directory.mkdir(parents=True, exist_ok=True)
    buffers = memory_mb * 1024 * 1024 // 8192 * 2 // 3  # Virtuoso's guide: two thirds of the memory in 8 kB buffers
    http_port, sql_port = free_port(), free_port()
    ini = directory / "virtuoso.ini"
    ini.write_text(INI.format(dir=directory, sql_port=sql_port, http_port=http_port, buffers=buffers,
                              dirty_buffers=buffers * 3 // 4, max_query_seconds=max_query_seconds))
    log = open(directory / "stdout.log", "wb")
    process = subprocess.Popen([EXECUTABLE, "+foreground", "+configfile", str(ini)], cwd=directory,
                               stdout=log, stderr=subprocess.STDOUT)
    instance = Virtuoso(f"http://127.0.0.1:{http_port}", sql_port, directory, process)
    _wait_until_ready(instance, seconds)
    return instance


def _wait_until_ready(instance: Virtuoso, seconds: float) -> None:
    """A new database answers HTTP before its SPARQL and update endpoints are set up: wait for an authorised update."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if instance.process.poll() is not None:
            raise RuntimeError(f"virtuoso-t exited with {instance.process.returncode}: {_log_tail(instance)}")
        try:
            answer = requests.post(instance.update_url, data={"update": "CLEAR SILENT GRAPH <urn:govgraph:probe>"},
                                   auth=HTTPDigestAuth(USER, PASSWORD), timeout=5)
            if answer.status_code == 200:
                return
        except requests.RequestException:
            pass
        time.sleep(0.3)
    instance.stop()
    raise RuntimeError(f"Virtuoso at {instance.url} was not ready within {seconds} s: {_log_tail(instance)}")


def _log_tail(instance: Virtuoso) -> str:
    log = instance.directory / "virtuoso.log"
    return log.read_text(errors="replace")[-2000:] if log.exists() else ""
