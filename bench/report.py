#!/usr/bin/env python
"""Benchmark of the work report at city scale: the Word report's own time beyond its figures, and PDF time.

It uses (building it once when missing) the city-scale demo database `var/bench/city.sqlite3`
(`parkledger demo --scale city`: 3000 enterprises × 48 months), or `--database URL`, and prints:
- the data size (rows of the main ledgers),
- the figures' own time: computing, with the engine, every figure the default template quotes,
- the report's time beyond the figures: rendering the template with those figures (names and
  milestones read from the ledgers), building the document and writing the .docx (goal ≤ 1 s),
- the whole `build_report` + .docx as a user runs it,
- the PDF conversion time (LibreOffice), when LibreOffice is installed: one-shot `soffice`, and
  through the persistent converter (unoserver, as `make serve` runs it; started here on a free
  port unless `--no-converter`), with the PDF's cost against the Word file's (goal ≤ 3×).

Usage (from the repository root):
    .venv/bin/python bench/report.py [--runs 5] [--database sqlite:///path] [--pdf-runs 3] [--no-converter]
"""
from __future__ import annotations

import argparse
import os
import signal
import socket
import subprocess
import sys
import time
from contextlib import contextmanager

from common import ROOT, ensure_database, timed  # noqa: E402  (bench/ is the script's folder)

PARK, PERIOD = "ECO", "2022-09"
GOAL_SECONDS = 1.0
PDF_GOAL_RATIO = 3.0


@contextmanager
def converter():
    """A persistent converter on a free loopback port for the benchmark's life (its address, or None)."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    env = {**os.environ, "FONTCONFIG_FILE": str(ROOT / "parkledger" / "reports" / "fonts" / "fonts.conf")}
    proc = subprocess.Popen([sys.executable, "-m", "parkledger.reports.renderers.unoserve", "--interface", "127.0.0.1",
                             "--port", str(port), "--uno-port", str(port + 1 if port < 65535 else port - 1)],
                            env=env, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                            start_new_session=True)
    try:
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline and proc.poll() is None:
            with socket.socket() as probe:
                if probe.connect_ex(("127.0.0.1", port)) == 0:
                    break
            time.sleep(0.5)
        else:
            yield None
            return
        yield ("127.0.0.1", port)
    finally:
        try:
            os.killpg(proc.pid, signal.SIGTERM)
            proc.wait(timeout=10)
        except (ProcessLookupError, subprocess.TimeoutExpired):
            os.killpg(proc.pid, signal.SIGKILL)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database", default=f"sqlite:///{ROOT / 'var' / 'bench' / 'city.sqlite3'}")
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--pdf-runs", type=int, default=3)
    parser.add_argument("--no-converter", action="store_true", help="one-shot soffice only")
    args = parser.parse_args()
    ensure_database(args.database)
    os.environ["DATABASE_URL"] = args.database
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "parkledger.settings")
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    from parkledger.core.kinds import kind_model
    from parkledger.core.models import Park
    from parkledger.indicators.engine import evaluate, make_context
    from parkledger.lib.periods import Period
    from parkledger.reports.document import ReportDocument, parse_document
    from parkledger.reports.language import render_template
    from parkledger.reports.renderers.docx import render_docx
    from parkledger.reports.renderers.pdf import convert_once, convert_with_server, soffice_path
    from parkledger.reports.services import build_report, default_template_text, figures_json
    from parkledger.reports.sources import LedgerNames, MappingFigures, park_info

    sizes = {kind: kind_model(kind).objects.count() for kind in
             ("park", "enterprise", "enterprise_month", "investment_project", "inspection", "petition")}
    print("data:", ", ".join(f"{k} {v}" for k, v in sizes.items()))

    warm = build_report(PARK, PERIOD)  # warm-up; also gives the keys the template quotes
    keys = list(warm.figures)
    print(f"report: {len(warm.paragraphs)} paragraphs, {warm.char_count} characters, {len(keys)} figures, "
          f"{len(warm.omitted)} sentences left out")

    def figures_only():
        ctx = make_context(PARK, PERIOD)
        return {key: evaluate(ctx, key) for key in keys}

    f_best, f_median, figs = timed(figures_only, args.runs)
    info = park_info(PARK)
    period = Period.parse(PERIOD)
    parks = tuple(Park.objects.descendant_codes(PARK))
    source = default_template_text()

    def report_only() -> bytes:
        result = render_template(source, figures=MappingFigures(PARK, PERIOD, figs), names=LedgerNames(parks, period),
                                 park=info, period=period)
        doc = ReportDocument(park=PARK, period=PERIOD, paragraphs=parse_document(result.text),
                             figures=figures_json(result.used), omitted=result.omitted,
                             places=(info.city, info.county))
        return render_docx(doc)

    r_best, r_median, docx = timed(report_only, args.runs)
    t_best, t_median, _ = timed(lambda: render_docx(build_report(PARK, PERIOD)), args.runs)
    print(f"figures' own time (engine, {len(keys)} keys):   best {f_best:.3f} s, median {f_median:.3f} s")
    print(f"report beyond the figures (template+docx):  best {r_best:.3f} s, median {r_median:.3f} s "
          f"(goal ≤ {GOAL_SECONDS:.0f} s: {'met' if r_median <= GOAL_SECONDS else 'NOT met'})")
    print(f"whole build_report + docx:                   best {t_best:.3f} s, median {t_median:.3f} s; "
          f".docx {len(docx)} bytes")
    if soffice_path():
        p_best, p_median, pdf = timed(lambda: convert_once(docx), args.pdf_runs)
        print(f"PDF conversion, one-shot soffice:           best {p_best:.3f} s, median {p_median:.3f} s; "
              f".pdf {len(pdf)} bytes; PDF/Word {(t_median + p_median) / t_median:.1f}×")
        if not args.no_converter:
            with converter() as address:
                if address is None:
                    print("PDF conversion, persistent converter: did not start (python3-uno missing? make system-deps)")
                    return 0
                s_best, s_median, pdf = timed(lambda: convert_with_server(docx, address), args.pdf_runs, warm_up=True)
                ratio = (t_median + s_median) / t_median
                print(f"PDF conversion, persistent converter:       best {s_best:.3f} s, median {s_median:.3f} s; "
                      f".pdf {len(pdf)} bytes; PDF (report + conversion) / Word {ratio:.1f}× "
                      f"(goal ≤ {PDF_GOAL_RATIO:.0f}×: {'met' if ratio <= PDF_GOAL_RATIO else 'NOT met'})")
    else:
        print("PDF conversion: LibreOffice not installed (make system-deps)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
