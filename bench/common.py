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
