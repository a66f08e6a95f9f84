"""bench/service.py: the CPU a server and its workers spend, read from /proc."""

from __future__ import annotations

import subprocess
import sys
import time
from pathlib import Path
from types import ModuleType

import pytest
from bench_scripts import load_bench_script

pytestmark = pytest.mark.skipif(not Path("/proc/self/task").is_dir(), reason="reads Linux's /proc")


def load_bench() -> ModuleType:
    return load_bench_script("service")


def test_cpu_seconds_counts_a_busy_grandchild_and_not_an_idle_parent() -> None:
    bench = load_bench()
    # A parent that sleeps and its child that spins for half a second, like a server whose
    # workers do the work.
    spin = (
        "import time\nend = time.process_time() + 0.5\n"
        "while time.process_time() < end: pass\ntime.sleep(5)"
    )
    parent = subprocess.Popen(
        [
            sys.executable,
            "-c",
            "import subprocess, sys, time\n"
            f"child = subprocess.Popen([sys.executable, '-c', {spin!r}])\n"
            "time.sleep(5)",
        ]
    )
    try:
        time.sleep(0.2)  # both started
        before = bench.cpu_seconds(parent.pid)
        time.sleep(1.2)  # the child has spun its half second and sleeps, still alive
        spent = bench.cpu_seconds(parent.pid) - before
    finally:
        parent.kill()
        parent.wait()
    # The child spun 0.5 s, part of it perhaps before the first reading; the parent slept.
    assert 0.1 <= spent < 1.2


def test_cpu_seconds_of_a_process_that_is_gone_is_zero() -> None:
    bench = load_bench()
    ended = subprocess.Popen([sys.executable, "-c", "pass"])
    ended.wait()
    assert bench.cpu_seconds(ended.pid) == 0.0
