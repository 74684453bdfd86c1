"""A real PostgreSQL server for the store tests, started in a temporary directory (recipe: ../shared/docs/PLATFORM.md
section 3), and a ``store_url`` fixture that runs a test once on SQLite and once on PostgreSQL.

Registered for the whole session by ``pytest_plugins`` in conftest.py; test modules just name the fixtures. When the PostgreSQL binaries are absent the PostgreSQL cases skip with one plain message, which the summary at the
end of the run counts.
"""

from __future__ import annotations

import itertools
import os
import shutil
import socket
import subprocess
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest

SKIP_MESSAGE = "PostgreSQL not installed (apt-get install postgresql): store tests on PostgreSQL skipped"


def pg_bin() -> Path | None:
    """The folder of initdb/pg_ctl: $STORYTRACE_PGBIN, Debian's newest /usr/lib/postgresql/N/bin, or the PATH."""
    env = os.environ.get("STORYTRACE_PGBIN")
    candidates = [Path(env)] if env else []
    candidates += sorted(
        Path("/usr/lib/postgresql").glob("*/bin"), key=lambda p: -int(p.parent.name) if p.parent.name.isdigit() else 0
    )
    if shutil.which("initdb"):
        candidates.append(Path(shutil.which("initdb") or "").parent)
    for c in candidates:
        if (c / "initdb").exists() and (c / "pg_ctl").exists():
            return c
    return None


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


class PgServer:
    """A throwaway cluster: trust auth on 127.0.0.1, fsync off; one fresh database per test."""

    def __init__(self, bindir: Path) -> None:
        self.bindir = bindir
        self.dir = Path(tempfile.mkdtemp(prefix="storytrace-pg-"))  # not tmp_path: /tmp/pytest-of-root is 0700
        self.as_root = os.geteuid() == 0
        if self.as_root:
            shutil.chown(self.dir, "postgres", "postgres")
        self.port = _free_port()
        self._names = itertools.count(1)

    def _run(self, *cmd: str) -> None:
        # initdb and postgres refuse to run as root
        prefix = ["runuser", "-u", "postgres", "--"] if self.as_root else []
        done = subprocess.run(
            [*prefix, str(self.bindir / cmd[0]), *cmd[1:]], capture_output=True, text=True, check=False
        )
        if done.returncode:
            raise RuntimeError(f"{cmd[0]} failed ({done.returncode}): {done.stderr.strip() or done.stdout.strip()}")

    def start(self) -> None:
        data = self.dir / "data"
        self._run("initdb", "-D", str(data), "-U", "test", "--auth=trust", "-E", "UTF8", "--no-sync")
        opts = f"-p {self.port} -k {self.dir} -c listen_addresses=127.0.0.1 -c fsync=off -c full_page_writes=off"
        self._run("pg_ctl", "-D", str(data), "-l", str(self.dir / "log"), "-w", "start", "-o", opts)

    def stop(self) -> None:
        try:
            self._run("pg_ctl", "-D", str(self.dir / "data"), "-m", "immediate", "-w", "stop")
        finally:
            shutil.rmtree(self.dir, ignore_errors=True)

    def new_database(self) -> str:
        """A fresh empty database; returns its plain ``postgresql://`` URL (the store maps it to psycopg 3)."""
        import psycopg

        name = f"t{next(self._names)}"
        with psycopg.connect(f"postgresql://test@127.0.0.1:{self.port}/postgres", autocommit=True) as conn:
            conn.execute(f"CREATE DATABASE {name}")
        return f"postgresql://test@127.0.0.1:{self.port}/{name}"


@pytest.fixture(scope="session")
def pg_server() -> Iterator[PgServer]:
    bindir = pg_bin()
    if bindir is None:
        pytest.skip(SKIP_MESSAGE)
    if os.geteuid() == 0 and shutil.which("runuser") is None:
        pytest.skip("PostgreSQL tests run initdb as the postgres user, and runuser is missing: skipped")
    pytest.importorskip("psycopg", reason="psycopg is not installed (pip install 'storytrace[postgres]'): skipped")
    server = PgServer(bindir)
    server.start()
    yield server
    server.stop()


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def store_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """A fresh, empty database: a SQLite file under tmp_path, or a new database on the PostgreSQL test server."""
    if request.param == "sqlite":
        return str(tmp_path / "store.db")
    server: PgServer = request.getfixturevalue("pg_server")
    return server.new_database()


def corpus_files() -> list[str]:
    """The example corpus's article files: those EXPECTED.json describes (not its README or EXPECTED files)."""
    import json

    from conftest import CORPUS

    expected = json.loads((CORPUS / "EXPECTED.json").read_text(encoding="utf-8"))
    return sorted(str(CORPUS / name) for name in expected["articles"])


@pytest.fixture(scope="session")
def corpus_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The example corpus ingested once into a SQLite file; tests copy it (``shutil.copy``) before writing to it."""
    from storytrace.store import open_store

    path = tmp_path_factory.mktemp("corpus-db") / "corpus.db"
    with open_store(path) as store:
        store.ingest(corpus_files())
        # fold the write-ahead log into the file so that a plain copy is the whole database
        with store.engine.connect() as conn:
            conn.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")
    return path
