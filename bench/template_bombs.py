"""Time and peak memory of hostile report templates in the report sandbox.

    .venv/bin/python bench/template_bombs.py

Each template renders in a fresh child process (so the peak is its own); printed: the wall
time, the peak resident memory above what the child held before rendering, and the outcome
(the sandbox's error message, or the length of the text it produced).
"""
from __future__ import annotations

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
from bench.common import measure_in_child  # noqa: E402

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


def measure(source: str) -> tuple[float, int, str]:
    """(seconds, peak MiB above the starting RSS, outcome) of one rendering in a child process."""

    def prepare():
        from parkledger.reports.sandbox import ReportSandbox

        env = ReportSandbox()
        return env, env.compile_template(source)

    def run(state) -> str:
        from parkledger.reports.sandbox import Limits, ReportTemplateError

        env, template = state
        try:
            return f"{len(env.render(template, {}, Limits()))} characters"
        except ReportTemplateError as exc:
            return str(exc)

    return measure_in_child(prepare, run)


def main() -> None:
    sys.path.insert(0, str(ROOT))
    for name, source in BOMBS.items():
        seconds, peak, outcome = measure(source)
        print(f"{name:20} {seconds:6.2f} s  peak +{peak} MB  {outcome[:120]}", flush=True)


if __name__ == "__main__":
    main()
