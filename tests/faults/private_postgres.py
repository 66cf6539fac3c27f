"""A PostgreSQL cluster of the test's own (initdb into a temporary folder, a free port, trust
authentication on 127.0.0.1 only), which a fault test may restart. The machine's shared server is
never touched. As root, the cluster runs as the `postgres` system user (PostgreSQL refuses root).
"""

import contextlib
import glob
import os
import pwd
import shutil
import socket
import subprocess
import tempfile
from dataclasses import dataclass
from pathlib import Path

import pytest

READY_SECONDS = 60


def _unavailable(reason: str):
    if os.environ.get("CI"):
        pytest.fail(f"the PostgreSQL restart test cannot run in CI: {reason}")
    pytest.skip(reason)


def postgres_bindir() -> Path | None:
    """The newest PostgreSQL server binaries on this machine (Debian keeps them out of PATH)."""
    if (found := shutil.which("pg_ctl")) and shutil.which("initdb"):
        return Path(found).parent
    candidates = sorted(
        glob.glob("/usr/lib/postgresql/*/bin/pg_ctl"),
        key=lambda p: int(Path(p).parts[-3]) if Path(p).parts[-3].isdigit() else 0,
    )
    return Path(candidates[-1]).parent if candidates else None


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@dataclass
class PrivatePostgres:
    bindir: Path
    datadir: Path
    port: int
    run_as: str | None  # a system user when the tests run as root

    def _run(self, *args, check=True, timeout=READY_SECONDS + 30) -> subprocess.CompletedProcess:
        command = [str(self.bindir / args[0]), *args[1:]]
        if self.run_as:
            command = ["runuser", "-u", self.run_as, "--", *command]
        return subprocess.run(
            command, capture_output=True, text=True, check=check, timeout=timeout, cwd="/"
        )

    def url(self, database: str) -> str:
        return f"postgres://postgres@127.0.0.1:{self.port}/{database}"

    def init(self) -> None:
        self._run(
            "initdb",
            "-D",
            str(self.datadir),
            "-U",
            "postgres",
            "--auth=trust",
            "--encoding=UTF8",
            "--locale=C.UTF-8",
            "--no-sync",
        )

    def _pg_ctl(self, action: str, *extra: str) -> None:
        options = (
            f"-p {self.port} -c listen_addresses=127.0.0.1 -c unix_socket_directories={self.datadir}"
            " -c fsync=off -c max_connections=60"
        )
        result = self._run(
            "pg_ctl",
            action,
            "-D",
            str(self.datadir),
            "-w",
            "-t",
            str(READY_SECONDS),
            "-o",
            options,
            "-l",
            str(self.datadir / "server.log"),
            *extra,
            check=False,
        )
        if result.returncode != 0:
            log = (self.datadir / "server.log").read_text(errors="replace")[-3000:]
            pytest.fail(f"pg_ctl {action} failed: {result.stderr}\n{log}")

    def start(self) -> None:
        self._pg_ctl("start")

    def restart(self) -> None:
        """Fast shutdown (every connection is cut, open transactions roll back), then start."""
        self._pg_ctl("restart", "-m", "fast")

    def stop(self) -> None:
        self._pg_ctl("stop", "-m", "fast")

    def create_database(self, name: str) -> None:
        import psycopg2

        conn = psycopg2.connect(
            host="127.0.0.1", port=self.port, user="postgres", dbname="postgres"
        )
        try:
            conn.autocommit = True
            with conn.cursor() as cursor:
                cursor.execute(f'CREATE DATABASE "{name}"')
        finally:
            conn.close()


@pytest.fixture
def private_postgres():
    bindir = postgres_bindir()
    if bindir is None:
        _unavailable("no PostgreSQL server binaries (initdb, pg_ctl) on this machine")
    run_as = None
    if os.geteuid() == 0:
        try:
            pwd.getpwnam("postgres")
        except KeyError:
            _unavailable("running as root and there is no postgres user to run a cluster as")
        run_as = "postgres"
    top = Path(tempfile.mkdtemp(prefix="qhsta-fault-pg-"))
    datadir = top / "data"
    if run_as:
        entry = pwd.getpwnam(run_as)
        os.chown(top, entry.pw_uid, entry.pw_gid)
    server = PrivatePostgres(bindir=bindir, datadir=datadir, port=free_port(), run_as=run_as)
    server.init()
    server.start()
    try:
        yield server
    finally:
        with contextlib.suppress(BaseException):
            server.stop()
        shutil.rmtree(top, ignore_errors=True)
