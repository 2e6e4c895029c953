"""`/api/`: where everything is."""
from __future__ import annotations

__all__ = ["ApiIndexView", "api_not_found"]

from django.http import JsonResponse
from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema, inline_serializer
from rest_framework import serializers
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response
from rest_framework.reverse import reverse
from rest_framework.views import APIView

from parkledger.api.base import ApiMixin
from parkledger.api.errors import error_body, error_responses
from parkledger.core.kinds import kind_models


class ApiIndexView(ApiMixin, APIView):
    """The ledger kinds and the other endpoints, with their addresses."""

    permission_classes = [IsAuthenticated]

    @extend_schema(
        summary="接口目录", tags=["index"],
        responses={200: inline_serializer("ApiIndex", {
            "kinds": serializers.DictField(child=serializers.CharField(), help_text="台账类型 → 地址"),
            "schema": serializers.CharField(),
            "docs": serializers.CharField(),
        }), **error_responses(401, 403)},
    )
    def get(self, request):
        kinds = {kind: reverse(f"api:{kind}-list", request=request) for kind in kind_models()}
        return Response({
            "kinds": kinds,
            "schema": reverse("api:schema", request=request),
            "docs": reverse("api:docs", request=request),
        })


def api_not_found(request, *args, **kwargs) -> JsonResponse:
    """Any address under /api/ that names no endpoint: the API's 404 body, not the site's HTML page."""
    return JsonResponse(error_body(None, _("没有这个接口地址：%(path)s") % {"path": request.path}, "not_found"),
                        status=404, json_dumps_params={"ensure_ascii": False})
