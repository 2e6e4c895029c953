"""Time and peak memory of hostile report templates in the report sandbox.

    .venv/bin/python bench/template_bombs.py

Each template renders in a fresh child process (so the peak is its own); printed: the wall
time, the peak resident memory above what the child held before rendering, and the outcome
(the sandbox's error message, or the length of the text it produced).
"""
from __future__ import annotations

import os
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

BOMBS = {
    "nested list": "{% set x = [[1]*50000]*10000 %}{{ x|string|length }}",
    "string product": "{{ ('x'*50000)*50000 }}",
    "huge string": '{{ "x"*10**9 }}',
    "huge range": "{{ range(10**9)|list|length }}",
    "nested ranges": "{% for i in range(5000) %}{% for j in range(5000) %}{{ i*j }}{% endfor %}{% endfor %}",
    "macro recursion": "{% macro f(n) %}{{ f(n+1) }}{% endmacro %}{{ f(0) }}",
    "macro fan-out": "{% macro f(n) %}{% if n < 40 %}{{ f(n+1) }}{{ f(n+1) }}{% endif %}{% endmacro %}{{ f(0) }}",
    "join of shared rows": "{% set r = ['abcdefghij']*5000 %}{% set x = [r]*5000 %}"
                           "{% for row in x %}{{ row|join(',')|length }}{% endfor %}",
}


def _status(field: str) -> int:
    with open("/proc/self/status") as fh:
        for line in fh:
            if line.startswith(field + ":"):
                return int(line.split()[1])
    return 0


def measure(source: str) -> tuple[float, int, str]:
    """(seconds, peak MiB above the starting RSS, outcome) of one rendering in a child process."""
    read_end, write_end = os.pipe()
    pid = os.fork()
    if pid == 0:
        os.close(read_end)
        try:
            import django

            os.environ.setdefault("DJANGO_SETTINGS_MODULE", "parkledger.settings")
            django.setup()
            from parkledger.reports.sandbox import Limits, ReportSandbox, ReportTemplateError

            env = ReportSandbox()
            template = env.compile_template(source)
            with open("/proc/self/clear_refs", "w") as fh:
                fh.write("5")
            idle = _status("VmRSS")
            started = time.perf_counter()
            try:
                outcome = f"{len(env.render(template, {}, Limits()))} characters"
            except ReportTemplateError as exc:
                outcome = str(exc)
            seconds = time.perf_counter() - started
            os.write(write_end, f"{seconds}\t{(_status('VmHWM') - idle) // 1024}\t{outcome}".encode())
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


def main() -> None:
    sys.path.insert(0, str(ROOT))
    for name, source in BOMBS.items():
        seconds, peak, outcome = measure(source)
        print(f"{name:20} {seconds:6.2f} s  peak +{peak} MB  {outcome[:120]}", flush=True)


if __name__ == "__main__":
    main()
