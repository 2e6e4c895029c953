"""`/api/schema/`: the OpenAPI 3 document, generated once per language and process."""
from __future__ import annotations

__all__ = ["SchemaView"]

import threading

from django.utils.translation import get_language
from drf_spectacular.views import SpectacularAPIView
from rest_framework.response import Response


class SchemaView(SpectacularAPIView):
    """drf-spectacular's schema view; the document (seconds to build) is kept once built."""

    _documents: dict[tuple, dict] = {}
    _lock = threading.Lock()

    def _get_schema_response(self, request):
        version = self.api_version or request.version or self._get_version_parameter(request)
        key = (get_language(), version)
        with self._lock:
            if key not in self._documents:
                generator = self.generator_class(urlconf=self.urlconf, api_version=version, patterns=self.patterns)
                self._documents[key] = generator.get_schema(request=request, public=self.serve_public)
        return Response(
            data=self._documents[key],
            headers={"Content-Disposition": f'inline; filename="{self._get_filename(request, version)}"'},
        )
