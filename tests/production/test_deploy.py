"""deploy/: the systemd units verify (with this checkout in place of /opt/parkledger), run commands
that exist, and agree with the Nginx site (port, upload limit, X-Forwarded-Proto) and docker-compose."""
from __future__ import annotations

import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml
from django.conf import settings
from django.core.management import get_commands

ROOT = Path(__file__).resolve().parents[2]
DEPLOY = ROOT / "deploy"
UNITS = sorted((DEPLOY / "systemd").glob("parkledger-*"))


def _unit(name: str) -> str:
    return (DEPLOY / "systemd" / name).read_text()


def test_the_units_are_there():
    assert [u.name for u in UNITS] == [
        "parkledger-backup.service", "parkledger-backup.timer", "parkledger-converter.service",
        "parkledger-filing-remind.service", "parkledger-filing-remind.timer",
        "parkledger-web.service", "parkledger-worker.service",
    ]


@pytest.mark.skipif(shutil.which("systemd-analyze") is None, reason="systemd-analyze is not installed")
def test_systemd_verifies_the_units(tmp_path):
    env = tmp_path / "parkledger.env"
    env.write_text((DEPLOY / "parkledger.env.example").read_text())
    for unit in UNITS:
        text = (unit.read_text().replace("/opt/parkledger/.venv", sys.prefix).replace("/opt/parkledger", str(ROOT))
                .replace("/etc/parkledger/parkledger.env", str(env)))
        (tmp_path / unit.name).write_text(text)
    result = subprocess.run(["systemd-analyze", "verify", "--man=no", *[str(tmp_path / u.name) for u in UNITS]],
                            capture_output=True, text=True, timeout=120, cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert "Unknown" not in result.stderr and "not executable" not in result.stderr, result.stderr


def test_the_units_run_existing_commands():
    commands = get_commands()
    for unit in UNITS:
        for line in re.findall(r"^ExecStart(?:Pre)?=(.*)$", unit.read_text(), re.M):
            argv = line.split()
            if argv[0].endswith("/parkledger"):
                assert argv[1] in commands, line
            else:
                assert argv[1:3] == ["-m", "parkledger.reports.renderers.unoserve"], line
    assert "parkledger jobs backup" in _unit("parkledger-backup.service")
    assert re.search(r"^OnCalendar=\*-\*-\* 02:30:00$", _unit("parkledger-backup.timer"), re.M)


def test_nginx_passes_to_the_web_unit_with_the_upload_limit_and_the_scheme():
    site = (DEPLOY / "nginx" / "parkledger.conf").read_text()
    port = re.search(r"--port (\d+)", _unit("parkledger-web.service")).group(1)
    assert f"proxy_pass http://127.0.0.1:{port};" in site
    limit_mb = int(re.search(r"client_max_body_size (\d+)m;", site).group(1))
    upload_mb = settings.PARKLEDGER_MAX_UPLOAD_BYTES / (1 << 20)
    assert upload_mb <= limit_mb <= upload_mb + 2
    assert "proxy_set_header X-Forwarded-Proto $scheme;" in site
    assert "ssl_certificate " in site and "listen 443 ssl" in site and "return 301 https://" in site


def test_the_env_example_names_every_setting_the_units_need():
    text = (DEPLOY / "parkledger.env.example").read_text()
    for name in ("DJANGO_DEBUG=0", "DJANGO_SECRET_KEY=", "DJANGO_ALLOWED_HOSTS=", "DATABASE_URL=postgres://",
                 "DJANGO_SECURE_SSL=1", "DJANGO_SECURE_PROXY_SSL_HEADER=1", "PARKLEDGER_AUDIT_KEY",
                 "PARKLEDGER_UNOSERVER=127.0.0.1:2003", "DJANGO_EMAIL_HOST="):
        assert name in text, name
    assert "--port 2003" in _unit("parkledger-converter.service")


def test_docker_compose_runs_the_app_on_postgresql_with_a_health_check():
    compose = yaml.safe_load((DEPLOY / "docker-compose.yml").read_text())
    services = compose["services"]
    assert services["db"]["image"].startswith("postgres:15")
    app = services["app"]
    assert app["environment"]["DATABASE_URL"].startswith("postgres://") and "@db:5432/" in app["environment"]["DATABASE_URL"]
    assert app["environment"]["DJANGO_DEBUG"] == "0"
    assert "/healthz" in " ".join(app["healthcheck"]["test"])
    assert app["depends_on"]["db"]["condition"] == "service_healthy"
    assert app["build"]["dockerfile"] == "deploy/Dockerfile"
    dockerfile = (DEPLOY / "Dockerfile").read_text()
    assert "parkledger serve" in dockerfile and "python3-uno" in dockerfile and "make fonts-fandol" in dockerfile
