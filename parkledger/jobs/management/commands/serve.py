"""`parkledger serve`: the production server — gunicorn, the job worker and the PDF converter together.

Refuses to start (exit 2, a message saying how to fix it) with a missing or default secret key,
DEBUG on, pending migrations, uncollected static files, or active demo accounts (unless
PARKLEDGER_DEMO=1, then it warns). SIGTERM or SIGINT stops all three; so does any one of them
exiting (the launcher then exits non-zero, for systemd or docker to restart it).
"""
from __future__ import annotations

import os
import signal
import subprocess
import sys
import time

from django.core.management.base import BaseCommand, CommandParser

from parkledger.jobs.health import converter_address
from parkledger.jobs.startup import startup_problems
from parkledger.reports.renderers.pdf import FONTS_CONF, soffice_path

STOP_SECONDS = 30
CONVERTER_STOP_SECONDS = 5


def web_workers() -> int:
    configured = os.environ.get("PARKLEDGER_WEB_WORKERS", "")
    if configured.isdigit() and int(configured) > 0:
        return int(configured)
    return min(2 * (os.cpu_count() or 1) + 1, 12)


class Command(BaseCommand):
    help = "Serve in production: gunicorn, the background worker and the PDF converter (stopped together)."
    requires_system_checks: list = []

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--host", default=os.environ.get("HOST", "127.0.0.1"))
        parser.add_argument("--port", type=int, default=int(os.environ.get("PORT", "8000")))
        parser.add_argument("--no-worker", action="store_true", help="do not start the job worker (run it elsewhere)")
        parser.add_argument("--no-converter", action="store_true", help="do not start the PDF converter")

    def handle(self, *args, **options) -> None:
        problems, warnings = startup_problems()
        for warning in warnings:
            self.stderr.write(self.style.WARNING(warning))
        if problems:
            for problem in problems:
                self.stderr.write(self.style.ERROR("无法启动 (cannot start): " + problem))
            sys.exit(2)
        commands = {"web": self._gunicorn(options["host"], options["port"])}
        if not options["no_worker"]:
            commands["worker"] = [sys.executable, "-m", "django", "worker"]
        if not options["no_converter"]:
            converter = self._converter()
            if converter:
                commands["converter"] = converter
        self.stdout.write(f"ParkLedger on http://{options['host']}:{options['port']}/ "
                          f"({', '.join(commands)}; {web_workers()} web workers)")
        sys.exit(run_together(commands, self.stderr.write))

    @staticmethod
    def _gunicorn(host: str, port: int) -> list[str]:
        return [
            sys.executable, "-m", "gunicorn", "parkledger.wsgi:application",
            "--bind", f"{host}:{port}", "--workers", str(web_workers()),
            "--timeout", os.environ.get("PARKLEDGER_WEB_TIMEOUT", "300"), "--graceful-timeout", "20",
            "--max-requests", "2000", "--max-requests-jitter", "200",
            "--access-logfile", "-", "--no-control-socket", "--forwarded-allow-ips", os.environ.get("FORWARDED_ALLOW_IPS", "127.0.0.1"),
        ]

    def _converter(self) -> list[str] | None:
        address = converter_address()
        if address is None:
            return None
        if soffice_path() is None:
            self.stderr.write(self.style.WARNING(
                "未安装 LibreOffice：不启动 PDF 转换服务（make system-deps 安装）。(LibreOffice is not installed.)"))
            return None
        return [sys.executable, "-m", "parkledger.reports.renderers.unoserve",
                "--interface", address[0], "--port", str(address[1])]


def run_together(commands: dict[str, list[str]], log=print) -> int:
    """Start every command in its own process group; stop all when one ends or on SIGTERM/SIGINT."""
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": os.environ.get("DJANGO_SETTINGS_MODULE", "parkledger.settings"),
           "FONTCONFIG_FILE": str(FONTS_CONF)}
    children: dict[str, subprocess.Popen] = {}
    stopping = {"signal": 0}

    def on_signal(signum: int, _frame) -> None:
        stopping["signal"] = signum

    previous = {sig: signal.signal(sig, on_signal) for sig in (signal.SIGTERM, signal.SIGINT)}
    status = 0
    try:
        for name, cmd in commands.items():
            children[name] = subprocess.Popen(cmd, env=env, start_new_session=True)
        while not stopping["signal"]:
            ended = [(name, child.returncode) for name, child in children.items() if child.poll() is not None]
            if ended:
                name, code = ended[0]
                log(f"{name} exited ({code}); stopping the others\n")
                status = 1
                break
            time.sleep(0.2)
    finally:
        for child in children.values():
            if child.poll() is None:
                _signal_group(child, signal.SIGTERM)
        started = time.monotonic()
        for name, child in children.items():
            # the converter holds no work worth waiting for; LibreOffice can be slow to quit
            grace = CONVERTER_STOP_SECONDS if name == "converter" else STOP_SECONDS
            try:
                child.wait(timeout=max(0.1, started + grace - time.monotonic()))
            except subprocess.TimeoutExpired:
                _signal_group(child, signal.SIGKILL)
                child.wait()
        for child in children.values():  # soffice and other grandchildren left in a group
            _signal_group(child, signal.SIGKILL)
        for sig, handler in previous.items():
            signal.signal(sig, handler)
    return status


def _signal_group(child: subprocess.Popen, sig: int) -> None:
    try:
        os.killpg(child.pid, sig)
    except (ProcessLookupError, PermissionError):
        pass
