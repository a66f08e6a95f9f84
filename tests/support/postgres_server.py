"""A throwaway PostgreSQL server on loopback, from Debian's ``postgresql`` package.

The test suite starts one server per session in a temporary folder (never touching a system
cluster) and gives each test its own database.
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import tempfile
import time
from collections.abc import Sequence
from pathlib import Path


def find_bin_dir() -> Path | None:
    """The newest ``/usr/lib/postgresql/<version>/bin`` with a server, if any."""
    candidates = sorted(Path("/usr/lib/postgresql").glob("*/bin/postgres"), reverse=True)
    if candidates:
        return candidates[0].parent
    found = shutil.which("postgres")
    return Path(found).parent if found else None


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


class PostgresServer:
    """A running server; :meth:`stop` shuts it down."""

    def __init__(self, bin_dir: Path) -> None:
        # Not under pytest's tmp_path: that is private to root, and the server runs as
        # 'postgres' when the tests run as root.
        root = Path(tempfile.mkdtemp(prefix="atelier-pg-"))
        self.root = root
        self.bin_dir = bin_dir
        self.data = root / "data"
        self.port = _free_port()
        # The server refuses to run as root; Debian's package creates a 'postgres' user.
        self.as_user: list[str] = ["runuser", "-u", "postgres", "--"] if os.geteuid() == 0 else []
        if self.as_user:
            shutil.chown(root, "postgres")
        self._run(
            [
                str(bin_dir / "initdb"),
                "-D",
                str(self.data),
                "-A",
                "trust",
                "-U",
                "atelier",
                "--no-sync",
                "-E",
                "UTF8",
            ]
        )
        self.start()

    def start(self) -> None:
        """Start the server on its data folder and port (again, after :meth:`halt`)."""
        self._run(
            [
                str(self.bin_dir / "pg_ctl"),
                "-D",
                str(self.data),
                "-l",
                str(self.root / "log"),
                "-o",
                f"-p {self.port} -k {self.root} -c listen_addresses=127.0.0.1 "
                "-c fsync=off -c full_page_writes=off",
                "-w",
                "start",
            ]
        )
        self._wait()

    def halt(self) -> None:
        """Shut the server down, keeping its data for :meth:`start` (clients are cut off)."""
        self._run([str(self.bin_dir / "pg_ctl"), "-D", str(self.data), "-m", "fast", "stop"])

    def _run(self, command: Sequence[str]) -> None:
        done = subprocess.run([*self.as_user, *command], capture_output=True, text=True)
        if done.returncode:
            raise RuntimeError(f"{command[0]} failed: {done.stderr.strip() or done.stdout}")

    def _wait(self) -> None:
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            with socket.socket() as sock:
                if sock.connect_ex(("127.0.0.1", self.port)) == 0:
                    return
            time.sleep(0.1)
        raise RuntimeError("PostgreSQL did not start within 30 s")

    def url(self, database: str = "postgres") -> str:
        """A SQLAlchemy URL for ``database`` on this server."""
        return f"postgresql+psycopg://atelier@127.0.0.1:{self.port}/{database}"

    def create_database(self, name: str) -> str:
        """Create an empty database and return its URL."""
        import psycopg

        with psycopg.connect(
            f"host=127.0.0.1 port={self.port} user=atelier dbname=postgres", autocommit=True
        ) as connection:
            connection.execute(f'CREATE DATABASE "{name}"')
        return self.url(name)

    def stop(self) -> None:
        """Shut the server down immediately."""
        self._run([str(self.bin_dir / "pg_ctl"), "-D", str(self.data), "-m", "immediate", "stop"])
        shutil.rmtree(self.root, ignore_errors=True)
