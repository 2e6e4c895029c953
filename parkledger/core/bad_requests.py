"""Requests no view should see: an address holding a NUL character.

PostgreSQL text cannot hold NUL, so a `%00` in a path that a view looks up (`/enterprises/%00/`)
was a 500. The root URLconf sends any path holding one here first: a JSON 404 under `/api/`
(as any unknown API address), the site's 400 page elsewhere. Query strings need nothing: the
forms and filters refuse a NUL in a value (Django's `ProhibitNullCharactersValidator`).
"""
from __future__ import annotations

__all__ = ["nul_in_path", "NUL_PATH"]

from typing import Any

from django.core.exceptions import SuspiciousOperation
from django.http import HttpRequest, HttpResponse
from django.views.decorators.csrf import csrf_exempt
from django.views.defaults import bad_request

NUL_PATH = r"^[\s\S]*\x00"  # anywhere, after a newline too


@csrf_exempt
def nul_in_path(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
    if request.path.startswith("/api/"):
        from parkledger.api.views.index import api_not_found

        return api_not_found(request)
    return bad_request(request, SuspiciousOperation("NUL character in the path"))
