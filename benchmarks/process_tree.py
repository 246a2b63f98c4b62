"""Measuring a benchmarked process: wall and CPU time, and the peak RSS of its whole process tree.

dbt runs in a child process of `icp refresh`, so getrusage's maxrss (the largest single process)
says too little: /proc is polled every 50 ms and the RSS of the process and its descendants summed,
with the peak size of DuckDB's spill directory beside it.
"""

from __future__ import annotations

import os
import resource
import subprocess
import threading
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

PAGE_SIZE = os.sysconf("SC_PAGE_SIZE")
POLL_SECONDS = 0.05


def tree_pids(root: int) -> list[int]:
    """The process and its descendants, through /proc/<pid>/task/<tid>/children (a child started
    by any thread of a process is listed under that thread)."""
    found, pending = [], [root]
    while pending:
        pid = pending.pop()
        found.append(pid)
        try:
            tasks = os.listdir(f"/proc/{pid}/task")
        except OSError:
            continue
        for task in tasks:
            try:
                with open(f"/proc/{pid}/task/{task}/children") as handle:
                    pending.extend(int(child) for child in handle.read().split())
            except OSError:
                continue
    return found


def rss_bytes(pid: int) -> int:
    try:
        with open(f"/proc/{pid}/statm") as handle:
            return int(handle.read().split()[1]) * PAGE_SIZE
    except (OSError, IndexError, ValueError):
        return 0


def directory_bytes(path: Path | None) -> int:
    """Bytes of the files under `path` (DuckDB's spill files come and go while it is read)."""
    if path is None or not path.exists():
        return 0
    total = 0
    for root, _, files in os.walk(path):
        for name in files:
            try:
                total += os.stat(os.path.join(root, name)).st_size
            except OSError:
                continue
    return total


class TreeSampler(threading.Thread):
    """Polls the summed RSS of a process tree and the size of a spill directory until stopped;
    keeps the peaks."""

    def __init__(self, root: int, spill_dir: Path | None) -> None:
        super().__init__(daemon=True)
        self.root = root
        self.spill_dir = spill_dir
        self.peak_bytes = 0
        self.peak_spill_bytes = 0
        self._stop_event = threading.Event()

    def run(self) -> None:
        while not self._stop_event.is_set():
            total = sum(rss_bytes(pid) for pid in tree_pids(self.root))
            self.peak_bytes = max(self.peak_bytes, total)
            self.peak_spill_bytes = max(self.peak_spill_bytes, directory_bytes(self.spill_dir))
            self._stop_event.wait(POLL_SECONDS)

    def stop(self) -> None:
        self._stop_event.set()
        self.join()


@dataclass
class Measured:
    """One timed subprocess: wall and CPU seconds of the tree, its peak summed RSS and spill, the
    load average before and after."""

    wall_s: float
    cpu_s: float
    peak_rss_mb: float
    peak_spill_mb: float
    load_before: float
    load_after: float
    returncode: int
    stderr: str = field(repr=False, default="")


def measure(
    command: Sequence[str], cwd: Path, env: dict[str, str], log: Path, spill_dir: Path | None
) -> Measured:
    """Run a command to completion, measuring its whole process tree; output goes to `log`."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    load_before = os.getloadavg()[0]
    with log.open("w") as out:
        started = time.perf_counter()
        process = subprocess.Popen(command, cwd=cwd, env=env, stdout=out, stderr=out, text=True)
        sampler = TreeSampler(process.pid, spill_dir)
        sampler.start()
        process.wait()
        wall = time.perf_counter() - started
        sampler.stop()
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return Measured(
        wall_s=round(wall, 2),
        cpu_s=round(cpu, 2),
        peak_rss_mb=round(sampler.peak_bytes / 2**20, 1),
        peak_spill_mb=round(sampler.peak_spill_bytes / 2**20, 1),
        load_before=round(load_before, 2),
        load_after=round(os.getloadavg()[0], 2),
        returncode=process.returncode,
        stderr=log.read_text()[-4000:],
    )
