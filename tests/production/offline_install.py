#!/usr/bin/env python
"""Offline install check: `make setup OFFLINE=1` into a fresh virtual environment from `wheelhouse/`
(built by `make wheelhouse`), with pip's index switched off and pointed at a dead address, then
`parkledger check` and an import of every production dependency in that environment.

Usage (from the repository root, after `make wheelhouse`): python tests/production/offline_install.py
Prints `offline install: 1 passed, 0 failed` (or `0 passed, 1 failed`) as its last line.
"""
from __future__ import annotations

import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
MODULES = ("django", "rest_framework", "gunicorn", "whitenoise", "django_tasks", "django_tasks_db", "unoserver",
           "psycopg", "python_calamine", "docx", "openpyxl", "pytest", "playwright")


def main() -> int:
    wheelhouse = ROOT / "wheelhouse"
    if not any(wheelhouse.glob("*.whl")):
        print("wheelhouse/ is empty: run `make wheelhouse` first")
        print("offline install: 0 passed, 1 failed")
        return 1
    with tempfile.TemporaryDirectory(prefix="parkledger-offline-") as tmp:
        venv = Path(tmp) / "venv"
        env = {**os.environ, "PIP_NO_INDEX": "1", "PIP_INDEX_URL": "http://127.0.0.1:9/simple",
               "PIP_NO_CACHE_DIR": "1", "PARKLEDGER_VAR_DIR": str(Path(tmp) / "var")}
        started = time.monotonic()
        steps = [
            ["make", "-s", "setup", "OFFLINE=1", f"VENV={venv}"],
            [str(venv / "bin" / "python"), "-c", f"import {', '.join(MODULES)}"],
            [str(venv / "bin" / "parkledger"), "check"],
        ]
        for step in steps:
            result = subprocess.run(step, cwd=ROOT, env=env, capture_output=True, text=True)
            if result.returncode != 0:
                print("failed:", " ".join(step))
                print(result.stdout[-3000:], result.stderr[-3000:])
                print("offline install: 0 passed, 1 failed")
                return 1
        wheels = len(list(wheelhouse.glob("*.whl")))
        print(f"installed {wheels} wheels without an index into a fresh venv in {time.monotonic() - started:.0f} s")
    print("offline install: 1 passed, 0 failed")
    return 0


if __name__ == "__main__":
    sys.exit(main())
