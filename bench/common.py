"""Helpers shared by the benchmark scripts: the city-scale database and a timer."""
from __future__ import annotations

import os
import statistics
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def ensure_database(url: str) -> None:
    """Build the city-scale demo into a SQLite file once (other databases must already be loaded)."""
    path = Path(url.removeprefix("sqlite:///")) if url.startswith("sqlite:///") else None
    if path is None or path.exists():
        return
    path.parent.mkdir(parents=True, exist_ok=True)
    env = {**os.environ, "DATABASE_URL": url}
    print(f"building the city-scale demo database {path} (once) …", flush=True)
    for args in (["migrate", "--no-input", "-v", "0"], ["demo", "--scale", "city", "-v", "0"]):
        subprocess.run([sys.executable, str(ROOT / "manage.py"), *args, "--skip-checks"], env=env, check=True,
                       cwd=ROOT, stdout=subprocess.DEVNULL)


def timed(func: Callable[[], object], runs: int, *, warm_up: bool = False) -> tuple[float, float, object]:
    """(best, median) seconds over `runs` calls (after one uncounted call if `warm_up`), and the last result."""
    result = func() if warm_up else None
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        result = func()
        times.append(time.perf_counter() - started)
    return min(times), statistics.median(times), result


def _proc_status(field: str) -> int:
    """A `/proc/self/status` figure in KiB (VmRSS, VmHWM)."""
    with open("/proc/self/status") as fh:
        for line in fh:
            if line.startswith(field + ":"):
                return int(line.split()[1])
    return 0


def measure_in_child(prepare: Callable[[], object], run: Callable[[object], str]) -> tuple[float, int, str]:
    """(seconds, peak MiB above the starting RSS, outcome) of `run(prepare())` in a forked child.

    The child sets up Django, calls `prepare()` (not measured), resets its peak to the current RSS,
    then times `run` and reports through a pipe, so the figures are the work's alone, whatever the
    parent holds.
    """
    read_end, write_end = os.pipe()
    pid = os.fork()
    if pid == 0:
        os.close(read_end)
        try:
            import django

            os.environ.setdefault("DJANGO_SETTINGS_MODULE", "parkledger.settings")
            django.setup()
            state = prepare()
            with open("/proc/self/clear_refs", "w") as fh:
                fh.write("5")  # reset VmHWM to the current RSS
            idle = _proc_status("VmRSS")
            started = time.perf_counter()
            outcome = run(state)
            seconds = time.perf_counter() - started
            peak = (_proc_status("VmHWM") - idle) // 1024
            os.write(write_end, f"{seconds}\t{peak}\t{outcome}".encode())
        except BaseException:
            import traceback

            traceback.print_exc()
        finally:
            os._exit(0)
    os.close(write_end)
    chunks = []
    while chunk := os.read(read_end, 65536):
        chunks.append(chunk)
    os.waitpid(pid, 0)
    seconds, peak, outcome = b"".join(chunks).decode().split("\t", 2)
    return float(seconds), int(peak), outcome
