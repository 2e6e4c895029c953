"""Helpers every page uses: the page context (selection, menus) and htmx detection."""
from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from parkledger.web.selection import Selection, get_selection
from parkledger.web.tables import kind_groups

__all__ = ["htmx_partial", "render_page", "selection_of"]


def htmx_partial(request: HttpRequest) -> bool:
    """True when htmx asks for a fragment (not a boosted full-page navigation)."""
    return bool(request.headers.get("HX-Request")) and not request.headers.get("HX-Boosted")


def selection_of(request: HttpRequest) -> Selection:
    """The request's selection; its warnings (bad park or period) become page messages once."""
    selection = get_selection(request)
    if selection.warnings and not getattr(request, "_web_warned", False):
        for text in selection.warnings:
            messages.warning(request, text)
        request._web_warned = True
    return selection


def render_page(request: HttpRequest, template: str, context: dict[str, Any], *, status: int = 200,
                nav: str = "") -> HttpResponse:
    """Render a full page (or a fragment template) with the shared page context."""
    selection = selection_of(request)
    ctx = {"sel": selection, "nav": nav, "kind_groups": kind_groups(), **context}
    return render(request, template, ctx, status=status)
