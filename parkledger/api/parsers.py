"""The API's JSON parser: bounded in size and depth, strict about NaN and Infinity."""
from __future__ import annotations

__all__ = ["BoundedJSONParser", "MAX_DEPTH"]

import json

from django.conf import settings
from django.utils.translation import gettext_lazy as _
from rest_framework import exceptions, status
from rest_framework.parsers import JSONParser

#: deepest nesting a request may have (a bulk request is 3 deep: body → rows → row)
MAX_DEPTH = 16


class RequestTooLarge(exceptions.APIException):
    status_code = status.HTTP_413_REQUEST_ENTITY_TOO_LARGE
    default_detail = _("请求体过大")
    default_code = "too_large"


def max_body_bytes() -> int:
    """The largest JSON body accepted: `PARKLEDGER_API_MAX_BODY_BYTES`, else `DATA_UPLOAD_MAX_MEMORY_SIZE`."""
    return int(getattr(settings, "PARKLEDGER_API_MAX_BODY_BYTES", 0) or settings.DATA_UPLOAD_MAX_MEMORY_SIZE
               or 5 * 1024 * 1024)


def _reject_constant(name: str):
    raise ValueError(f"{name} is not valid JSON")


def _depth(value) -> int:
    """Nesting depth of a parsed JSON value, without recursion."""
    deepest, stack = 0, [(value, 1)]
    while stack:
        current, level = stack.pop()
        if isinstance(current, dict):
            deepest = max(deepest, level)
            stack.extend((v, level + 1) for v in current.values())
        elif isinstance(current, list):
            deepest = max(deepest, level)
            stack.extend((v, level + 1) for v in current)
    return deepest


def _bracket_depth(raw: bytes) -> int:
    """Upper bound of the nesting depth, counted on the raw text (brackets inside strings count too)."""
    depth = deepest = 0
    for byte in raw.translate(None, delete=bytes(b for b in range(256) if b not in b"[]{}")):
        if byte in b"[{":
            depth += 1
            deepest = max(deepest, depth)
        else:
            depth -= 1
    return deepest


class BoundedJSONParser(JSONParser):
    """JSON bodies up to `max_body_bytes()` and `MAX_DEPTH` levels; 413 / 400 beyond."""

    def parse(self, stream, media_type=None, parser_context=None):
        limit = max_body_bytes()
        raw = stream.read(limit + 1) if stream is not None else b""
        if len(raw) > limit:
            raise RequestTooLarge(_("请求体过大（上限 %(limit)d 字节）") % {"limit": limit})
        may_be_too_deep = _bracket_depth(raw) > MAX_DEPTH
        try:
            data = json.loads(raw.decode("utf-8"), parse_constant=_reject_constant) if raw else None
        except RecursionError as exc:
            raise exceptions.ParseError(_("JSON 嵌套层数过多（上限 %(max)d 层）") % {"max": MAX_DEPTH}) from exc
        except (ValueError, UnicodeDecodeError) as exc:
            raise exceptions.ParseError(_("请求体不是有效的 JSON：%(error)s") % {"error": exc}) from exc
        if may_be_too_deep and _depth(data) > MAX_DEPTH:
            raise exceptions.ParseError(_("JSON 嵌套层数过多（上限 %(max)d 层）") % {"max": MAX_DEPTH})
        return data
