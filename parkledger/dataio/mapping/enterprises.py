"""Finding the enterprise of a row: by 统一社会信用代码, else by its exact normalised name in the park.

Names are compared by `text.company_key` (full/half width, spaces, 有限责任公司 = 有限公司) among
the enterprises of the import's park and its sub-parks (all parks when the import has none).
An unknown name is reported with the closest names of the park; a name two enterprises share,
with both codes.
"""
from __future__ import annotations

__all__ = ["EnterpriseIndex", "clean_uscc"]

import difflib

from django.utils.translation import gettext as _

from parkledger.core.models import Enterprise, Park
from parkledger.dataio.mapping.text import company_key, fold


def clean_uscc(text: str) -> str:
    """A code as typed (full-width, lower case, spaces) → the 18 upper-case characters."""
    return fold(text).upper()


def park_scope(park: str | None) -> set[str] | None:
    """The park and its sub-parks; None for no park (every park)."""
    if not park:
        return None
    parents = dict(Park.objects.values_list("code", "parent_id"))
    scope = {park}
    changed = True
    while changed:
        changed = False
        for code, parent in parents.items():
            if parent in scope and code not in scope:
                scope.add(code)
                changed = True
    return scope


class EnterpriseIndex:
    """The park's enterprises by normalised name (loaded once per import)."""

    def __init__(self, park: str | None) -> None:
        scope = park_scope(park)
        queryset = Enterprise.objects.all()
        if scope is not None:
            queryset = queryset.filter(park_id__in=scope)
        self.by_key: dict[str, list[tuple[str, str]]] = {}
        for uscc, name in queryset.values_list("uscc", "name").iterator(chunk_size=5000):
            self.by_key.setdefault(company_key(name), []).append((uscc, name))
        self.names: dict[str, str] = {}  # uscc → name (for messages)

    def find(self, name: str) -> tuple[str | None, str]:
        """(uscc, '') for a name that matches one enterprise, else (None, the reason with candidates)."""
        key = company_key(name)
        found = self.by_key.get(key, [])
        if len(found) == 1:
            return found[0][0], ""
        if len(found) > 1:
            listed = "；".join(f"{n}（{u}）" for u, n in found)
            return None, _("企业名称“%(name)s”对应多家企业：%(list)s，请填写统一社会信用代码") % {"name": name, "list": listed}
        close = difflib.get_close_matches(key, list(self.by_key), n=3, cutoff=0.6)
        if close:
            listed = "；".join(f"{n}（{u}）" for k in close for u, n in self.by_key[k])
            return None, _("园区内没有名为“%(name)s”的企业，相近的有：%(list)s") % {"name": name, "list": listed}
        return None, _("园区内没有名为“%(name)s”的企业，请先在企业台账中登记或填写统一社会信用代码") % {"name": name}
