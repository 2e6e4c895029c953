"""Background jobs (imports, PDF reports, backups, the 亩均 round) and the production server.

Jobs run on django-tasks with its database backend (`parkledger worker`); each has a `Job` row the
web shows (status, rows done / total, result, the reason of a failure). `parkledger serve` starts
the web server, the worker and the PDF converter together; `/healthz` says whether all are up.
"""
