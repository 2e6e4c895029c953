"""The production server end to end: `parkledger serve` (what `make serve` runs after collectstatic)
against a fresh PostgreSQL database with DEBUG off, on free loopback ports; /healthz 200 with the
worker and the PDF converter up, a static file under its hashed name cached for a year, the login
page, a PDF through the running converter in the simplified-Chinese faces; then SIGTERM stops all.

Skipped only when PostgreSQL is unreachable and the `CI` variable is unset (in CI it must run).
"""
from __future__ import annotations

import os
import re
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
PG = {"host": "127.0.0.1", "port": 5432, "user": "postgres"}
START_SECONDS = 120
CHROMIUM = os.environ.get("PARKLEDGER_CHROMIUM", "/usr/bin/chromium")
# the web tests' small dataset and its park's leader (a password set today, no change required)
STAFF = "from tests.web import data; from tests.web.conftest import make_user; data.build(1); make_user('leader', 'leader')"


def _postgres_up() -> bool:
    import psycopg

    try:
        with psycopg.connect(dbname="postgres", connect_timeout=3, **PG):
            return True
    except psycopg.Error:
        return False


pytestmark = pytest.mark.skipif(
    not os.environ.get("CI") and not _postgres_up(),
    reason="PostgreSQL is not reachable on 127.0.0.1:5432 (CI runs this test)",
)


def _free_port(*, also_free_plus: int = 0) -> int:
    for _ in range(50):
        with socket.socket() as probe:
            probe.bind(("127.0.0.1", 0))
            port = probe.getsockname()[1]
        if not also_free_plus or port + also_free_plus > 65535:
            if not also_free_plus:
                return port
            continue
        with socket.socket() as other:
            try:
                other.bind(("127.0.0.1", port + also_free_plus))
                return port
            except OSError:
                continue
    raise RuntimeError("no free port pair")


def _get(url: str, timeout: float = 10) -> tuple[int, dict[str, str], bytes]:
    try:
        with urllib.request.urlopen(url, timeout=timeout) as response:
            return response.status, dict(response.headers), response.read()
    except urllib.error.HTTPError as exc:
        return exc.code, dict(exc.headers), exc.read()


@pytest.fixture(scope="module")
def database():
    import psycopg

    name = f"pl_prod_serve_{os.getpid()}"
    with psycopg.connect(dbname="postgres", autocommit=True, **PG) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}"')
        conn.execute(f'CREATE DATABASE "{name}"')
    try:
        yield f"postgres://postgres@127.0.0.1:5432/{name}"
    finally:
        with psycopg.connect(dbname="postgres", autocommit=True, **PG) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.fixture(scope="module")
def server(database, tmp_path_factory):
    var = tmp_path_factory.mktemp("var")
    port, converter = _free_port(), _free_port(also_free_plus=1000)
    env = {
        **{k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "PARKLEDGER_"))},
        "DJANGO_DEBUG": "0", "DJANGO_SECRET_KEY": secrets.token_urlsafe(50), "DATABASE_URL": database,
        "DJANGO_ALLOWED_HOSTS": "127.0.0.1,localhost", "PARKLEDGER_VAR_DIR": str(var),
        "PARKLEDGER_AUDIT_KEY": secrets.token_hex(32), "PARKLEDGER_UNOSERVER": f"127.0.0.1:{converter}",
        "PARKLEDGER_WEB_WORKERS": "2", "PARKLEDGER_MIN_FREE_MB": "1",
    }
    cli = [sys.executable, "-m", "django"]
    env["DJANGO_SETTINGS_MODULE"] = "parkledger.settings"
    for step in (["migrate", "--no-input", "-v", "0"], ["collectstatic", "--no-input", "-v", "0"],
                 ["shell", "-c", STAFF]):
        subprocess.run(cli + step, env=env, cwd=ROOT, check=True, timeout=600)
    log = (var / "serve.log").open("wb")
    proc = subprocess.Popen(cli + ["serve", "--host", "127.0.0.1", "--port", str(port)], env=env, cwd=ROOT,
                            stdout=log, stderr=subprocess.STDOUT)
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + START_SECONDS
        status, body = 0, b""
        while time.monotonic() < deadline and proc.poll() is None:
            try:
                status, _headers, body = _get(f"{base}/healthz", timeout=5)
            except OSError:
                status = 0
            if status == 200:
                break
            time.sleep(1)
        if status != 200:
            pytest.fail(f"/healthz never answered 200 (last {status} {body[:200]!r}):\n"
                        + (var / "serve.log").read_text(errors="replace")[-3000:])
        yield {"base": base, "proc": proc, "port": port, "converter": converter, "var": var}
    finally:
        if proc.poll() is None:
            proc.send_signal(signal.SIGTERM)
            try:
                proc.wait(timeout=60)
            except subprocess.TimeoutExpired:
                proc.kill()
        log.close()


def test_healthz_is_ok_with_every_part_up(server):
    status, headers, body = _get(f"{server['base']}/healthz")
    assert status == 200, body
    assert body.decode() == ('{"status": "ok", "checks": {"database": "ok", "migrations": "ok", "disk": "ok", '
                             '"worker": "ok", "pdf_converter": "ok"}}')


def test_the_login_page_links_hashed_static_files_cached_for_a_year(server):
    status, headers, body = _get(f"{server['base']}/accounts/login/")
    assert status == 200 and "text/html" in headers["Content-Type"]
    page = body.decode()
    assert 'name="password"' in page
    css = re.search(r'href="(/static/web/app\.[0-9a-f]{12}\.css)"', page)
    assert css, "the stylesheet is not linked by its hashed name"
    status, headers, _ = _get(server["base"] + css.group(1))
    assert status == 200
    assert headers["Cache-Control"] == "max-age=31536000, public, immutable"
    # debug pages are off: an unknown address is a plain 404
    status, _headers, body = _get(f"{server['base']}/no-such-page/")
    assert status == 404 and b"URLconf" not in body


def test_a_pdf_goes_through_the_running_converter_in_the_sc_faces(server, monkeypatch, tmp_path):
    if not shutil.which("pdffonts"):
        pytest.fail("pdffonts (poppler-utils) is needed: make system-deps")
    from parkledger.reports.renderers import pdf as pdf_module
    from parkledger.reports.renderers.docx import render_docx
    from tests.reports.helpers import document, figure, figure_map

    doc = document("园区工作总结\n\n一、总体情况\n\n（一）招商引资\n\n1-9月，园区新签约项目{{ 'invest.signed' | n }}个。",
                   figure_map(figure("invest.signed", "19", "个")))
    monkeypatch.setenv("PARKLEDGER_UNOSERVER", f"127.0.0.1:{server['converter']}")
    used = []
    original = pdf_module.convert_with_server
    monkeypatch.setattr(pdf_module, "convert_with_server", lambda *a: used.append(a) or original(*a))
    monkeypatch.setattr(pdf_module, "convert_once", lambda *a, **k: pytest.fail("fell back to a one-shot soffice"))
    out = tmp_path / "report.pdf"
    out.write_bytes(pdf_module.docx_to_pdf(render_docx(doc)))
    assert used
    fonts = subprocess.run(["pdffonts", str(out)], capture_output=True, text=True, check=True).stdout
    assert "FandolFang-Regular" in fonts and "CJKjp" not in fonts, fonts


def test_a_browser_signs_in_and_the_dashboard_draws_its_charts(server, request):
    if not Path(CHROMIUM).exists():
        if os.environ.get("CI"):
            pytest.fail(f"chromium not found at {CHROMIUM}: make system-deps")
        pytest.skip(f"chromium not found at {CHROMIUM}")
    from tests.web.conftest import PASSWORD

    browser = request.getfixturevalue("browser")  # the run's one Chromium (root conftest)
    context = browser.new_context(locale="zh-CN")
    try:
        page = context.new_page()
        errors: list[str] = []
        page.on("pageerror", lambda exc: errors.append(str(exc)))
        page.on("console", lambda msg: errors.append(msg.text) if msg.type == "error" else None)
        page.goto(f"{server['base']}/accounts/login/?next=/%3Fpark%3DECO%26period%3D2022-09")
        page.fill("input[name=username]", "leader")
        page.fill("input[name=password]", PASSWORD)
        page.click("button[type=submit]")
        page.wait_for_selector("[data-testid=chart-output] canvas", timeout=30_000)
        assert page.url.startswith(server["base"] + "/") and "/accounts/login" not in page.url
        assert errors == [], errors  # scripts load under their hashed names, no CSP refusal
    finally:
        context.close()


def test_sigterm_stops_the_server_the_worker_and_the_converter(server):
    proc = server["proc"]
    proc.send_signal(signal.SIGTERM)
    assert proc.wait(timeout=60) == 0
    for port in (server["port"], server["converter"]):
        with socket.socket() as probe:
            assert probe.connect_ex(("127.0.0.1", port)) != 0, f"port {port} still open"
    beats = list((server["var"] / "run").glob("worker-*.beat"))
    assert beats == [], "the worker did not stop cleanly"
