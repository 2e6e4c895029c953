"""WSGI entry point (gunicorn: `parkledger.wsgi:application`).

With DEBUG off it refuses a missing or default secret key before serving anything, however the
server was started (`parkledger serve` checks that and more: see parkledger.jobs.startup).
"""
import os
import sys

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "parkledger.settings")
application = get_wsgi_application()

from django.conf import settings  # noqa: E402  (after setup)

if not settings.DEBUG:
    from parkledger.jobs.startup import secret_key_problem

    problem = secret_key_problem()
    if problem:
        sys.stderr.write(problem + "\n")
        raise SystemExit(2)
