"""`/api/filing/`: the filing round for an enterprise's own system and for the park's statisticians.

- `GET /api/filing/submissions/`: an enterprise user's own submissions (a token of an enterprise
  user files for its own enterprise only); a statistician adds `?round=ID` for a round he runs.
- `GET /api/filing/submissions/{id}/`: one submission.
- `POST /api/filing/submissions/{id}/draft/` and `/submit/` with `{"values": {...}, "explanations": {...}}`:
  the same checks as the 我的填报 page; a submit that fails answers 400 with every problem.
- `POST /api/filing/submissions/{id}/accept/`, `/return/` (`{"reason": "...", "fields": [...]}`): review.
- `GET /api/filing/rounds/{id}/status/`: the counts of `parkledger filing status`.
"""
from __future__ import annotations

__all__ = ["SubmissionListView", "SubmissionDetailView", "SubmissionActionView", "RoundStatusView"]

from typing import Any

from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import exceptions, serializers, status
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response
from rest_framework.views import APIView

from parkledger.api.base import ApiMixin
from parkledger.api.errors import error_responses
from parkledger.filing.models import FilingRound, Submission, SubmissionState
from parkledger.filing.services import (
    FilingError,
    accept,
    can_run_rounds,
    return_submission,
    round_status,
    save_draft,
    submissions_of,
    submit,
)

ACTIONS = ("draft", "submit", "accept", "return")


class SubmissionSerializer(serializers.ModelSerializer):
    park = serializers.CharField(source="round.park_id", read_only=True)
    month = serializers.CharField(source="round.month", read_only=True)
    due_on = serializers.DateField(source="round.due_on", read_only=True)
    uscc = serializers.CharField(source="enterprise_id", read_only=True)
    enterprise = serializers.CharField(source="enterprise.name", read_only=True)
    state_label = serializers.CharField(source="get_state_display", read_only=True)

    class Meta:
        model = Submission
        fields = ("id", "round", "park", "month", "due_on", "uscc", "enterprise", "state", "state_label", "values",
                  "explanations", "anomalies", "return_reason", "returned_fields", "source", "submitted_at",
                  "reviewed_at")
        read_only_fields = fields


class FilingBody(serializers.Serializer):
    values = serializers.DictField(child=serializers.JSONField(), required=False, default=dict)
    explanations = serializers.DictField(child=serializers.CharField(max_length=500, allow_blank=True),
                                         required=False, default=dict)
    reason = serializers.CharField(max_length=500, required=False, allow_blank=True, default="")
    fields = serializers.ListField(child=serializers.CharField(max_length=64), required=False, default=list,
                                   max_length=50)

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        unknown = set(self.initial_data) - set(self.fields) if isinstance(self.initial_data, dict) else set()
        if unknown:
            raise serializers.ValidationError(dict.fromkeys(sorted(unknown), "未知字段"))
        if len(attrs["values"]) > 50:
            raise serializers.ValidationError({"values": "字段过多"})
        return attrs


class RoundStatusSerializer(serializers.Serializer):
    expected = serializers.IntegerField()
    not_started = serializers.IntegerField()
    draft = serializers.IntegerField()
    submitted = serializers.IntegerField()
    returned = serializers.IntegerField()
    accepted = serializers.IntegerField()
    missing = serializers.ListField(child=serializers.CharField())


def _visible(user: Any, pk: int) -> Submission:
    """The submission if the user files for it or runs its round; 404 otherwise (existence not revealed)."""
    sub = get_object_or_404(Submission.objects.select_related("round", "round__park", "enterprise"), pk=pk)
    if submissions_of(user).filter(pk=pk).exists() or can_run_rounds(user, sub.round.park_id):
        return sub
    raise exceptions.NotFound()


@extend_schema(tags=["filing"])
class SubmissionListView(ApiMixin, APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(parameters=[OpenApiParameter("round", int, required=False, description="填报轮次（统计员）")],
                   responses={200: SubmissionSerializer(many=True), **error_responses(400, 401, 403)})
    def get(self, request):
        round_id = request.query_params.get("round")
        unknown = set(request.query_params) - {"round"}
        if unknown:
            raise exceptions.ValidationError(dict.fromkeys(sorted(unknown), "未知参数"))
        if round_id is not None:
            if not str(round_id).isdigit():
                raise exceptions.ValidationError({"round": "应为整数"})
            round_ = FilingRound.objects.filter(pk=int(round_id)).first()
            if round_ is None or not can_run_rounds(request.user, round_.park_id):
                raise exceptions.NotFound()
            items = round_.submissions.select_related("round", "enterprise").order_by("enterprise_id")[:5000]
        else:
            items = submissions_of(request.user).order_by("-round__month", "enterprise_id")[:500]
        return Response(SubmissionSerializer(items, many=True).data)


@extend_schema(tags=["filing"])
class SubmissionDetailView(ApiMixin, APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(responses={200: SubmissionSerializer, **error_responses(401, 403, 404)})
    def get(self, request, pk: int):
        return Response(SubmissionSerializer(_visible(request.user, pk)).data)


@extend_schema(tags=["filing"])
class SubmissionActionView(ApiMixin, APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(request=FilingBody, responses={200: SubmissionSerializer, **error_responses(400, 401, 403, 404, 409)})
    def post(self, request, pk: int, action: str):
        if action not in ACTIONS:
            raise exceptions.NotFound()
        sub = _visible(request.user, pk)
        body = FilingBody(data=request.data if isinstance(request.data, dict) else {})
        body.is_valid(raise_exception=True)
        data = body.validated_data
        try:
            if action == "draft":
                save_draft(sub, data["values"], data["explanations"], request.user)
            elif action == "submit":
                result = submit(sub, data["values"], data["explanations"], request.user)
                sub.refresh_from_db()
                if sub.state != SubmissionState.SUBMITTED:
                    return Response({
                        "errors": [{"field": k, "message": v, "code": "invalid"} for k, v in result.errors.items()]
                        + [{"field": a["field"], "message": f"较{a['basis_label']}变动 {a['change_pct']}%，请填写说明",
                            "code": "explanation_required"} for a in result.unexplained(data["explanations"])],
                        "anomalies": result.anomalies,
                    }, status=status.HTTP_400_BAD_REQUEST)
            elif action == "accept":
                accept([sub], request.user)
            else:
                return_submission(sub, data["reason"], data["fields"], request.user)
        except PermissionDenied as exc:
            raise exceptions.PermissionDenied(str(exc)) from None
        except FilingError as exc:
            return Response({"errors": [{"field": None, "message": m, "code": "conflict"} for m in exc.messages]},
                            status=status.HTTP_409_CONFLICT)
        sub.refresh_from_db()
        return Response(SubmissionSerializer(sub).data)


@extend_schema(tags=["filing"])
class RoundStatusView(ApiMixin, APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(responses={200: RoundStatusSerializer, **error_responses(401, 403, 404)})
    def get(self, request, pk: int):
        round_ = FilingRound.objects.filter(pk=pk).first()
        if round_ is None or not can_run_rounds(request.user, round_.park_id):
            raise exceptions.NotFound()
        return Response(round_status(round_))
