"""What every API view shares: authentication, JSON in and out, the error body."""
from __future__ import annotations

__all__ = ["ApiMixin"]

from rest_framework.authentication import SessionAuthentication
from rest_framework.renderers import JSONRenderer

from parkledger.api.authentication import ApiTokenAuthentication
from parkledger.api.errors import api_exception_handler
from parkledger.api.parsers import BoundedJSONParser


class ApiMixin:
    """Token or session authentication, bounded JSON bodies, JSON answers, the one error body."""

    # the web session: DRF enforces the CSRF token on its unsafe requests
    authentication_classes = [ApiTokenAuthentication, SessionAuthentication]
    parser_classes = [BoundedJSONParser]
    renderer_classes = [JSONRenderer]

    def get_exception_handler(self):
        return api_exception_handler
