"""Install the pinned front-end libraries from npm and copy them into the static folder."""
from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

VENDOR_FILES = {
    "echarts/dist/echarts.min.js": "echarts.min.js",
    "htmx.org/dist/htmx.min.js": "htmx.min.js",
}


class Command(BaseCommand):
    help = "Install ECharts and htmx (pinned in package.json) and copy them to web/static/vendor."

    def handle(self, *args, **options) -> None:
        root = settings.PROJECT_DIR
        modules = root / "node_modules"
        target = Path(settings.BASE_DIR) / "web" / "static" / "vendor"
        if all((target / name).exists() for name in VENDOR_FILES.values()):
            return
        if not all((modules / src).exists() for src in VENDOR_FILES):
            npm = shutil.which("npm")
            if not npm:
                raise CommandError("npm is needed once to install ECharts and htmx (apt-get install npm)")
            lock = (root / "package-lock.json").exists()
            cmd = [npm, "ci" if lock else "install", "--no-audit", "--no-fund", "--silent"]
            subprocess.run(cmd, cwd=root, check=True)
        target.mkdir(parents=True, exist_ok=True)
        for src, name in VENDOR_FILES.items():
            shutil.copyfile(modules / src, target / name)
        self.stdout.write(f"front-end libraries copied to {target}")
