"""Django admin: a write the domain refuses (a closed month) is shown as the admin's error message.

The closed-period check runs when a record is saved or deleted (`parkledger.periods.locks`,
through the model signals) and raises `PeriodClosedError`; Django admin does not expect a
ValidationError from `save()`, so without this the refusal was a 500. The whole admin view runs
in one transaction, so the refusal is caught outside it (nothing was written) and the user is
sent back to the page they came from with the refusal's text.
"""
from __future__ import annotations

__all__ = ["ClosedPeriodRefusalMixin"]

from typing import Any

from django.contrib import messages
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect

from parkledger.periods.locks import PeriodClosedError


class ClosedPeriodRefusalMixin:
    """ModelAdmin mixin: a `PeriodClosedError` while adding, changing or deleting is an error message."""

    def _refused(self, request: HttpRequest, exc: PeriodClosedError) -> HttpResponse:
        self.message_user(request, " ".join(exc.messages), messages.ERROR)  # type: ignore[attr-defined]
        return HttpResponseRedirect(request.get_full_path())

    def changeform_view(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        try:
            return super().changeform_view(request, *args, **kwargs)  # type: ignore[misc]
        except PeriodClosedError as exc:
            return self._refused(request, exc)

    def delete_view(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        try:
            return super().delete_view(request, *args, **kwargs)  # type: ignore[misc]
        except PeriodClosedError as exc:
            return self._refused(request, exc)

    def changelist_view(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        try:  # bulk actions (delete selected) and list editing
            return super().changelist_view(request, *args, **kwargs)  # type: ignore[misc]
        except PeriodClosedError as exc:
            return self._refused(request, exc)
