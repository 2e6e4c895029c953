"""The park's own names a report quotes (platforms, government projects, support packages, talent
programmes and honour titles), and finding them in a text, masked or not.

`上海虹桥X楼` is found as 上海虹桥余姚楼 and `X复旦(张江)科创中心` as 余姚复旦(张江)科创中心: a name matches a
masked text when the text keeps a prefix and a suffix of the name (three characters or more in all)
around one masked run.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field

from parkledger.reports.learning.detection import MASK_CHARS

__all__ = ["Catalogue", "NameHit", "normalise", "find_names", "catalogue_for_park", "EMPTY"]

_BRACKETS = str.maketrans({"（": "(", "）": ")", "“": '"', "”": '"', "，": ",", "：": ":", "；": ";"})
MASK_RUN_RE = re.compile(f"[{re.escape(MASK_CHARS)}]+")


def normalise(text: str) -> str:
    """Full-width brackets, quotes and separators as half-width (same length, so offsets hold)."""
    return text.translate(_BRACKETS)


@dataclass(frozen=True)
class Catalogue:
    """Names of one park: `(code, name)` pairs (platforms also carry their kind), and plain names."""

    park_code: str = ""
    park_name: str = ""
    short_name: str = ""
    city: str = ""
    county: str = ""
    platforms: tuple[tuple[str, str, str], ...] = ()
    projects: tuple[tuple[str, str], ...] = ()
    packages: tuple[tuple[str, str], ...] = ()
    programmes: tuple[str, ...] = ()
    titles: tuple[str, ...] = ()
    extra: dict[str, str] = field(default_factory=dict)
    # the park's synonym table (`ParkSynonym`): (words before a figure, key or "" for 无对应指标)
    synonyms: tuple[tuple[str, str], ...] = ()

    def pairs(self, what: str) -> list[tuple[str, str]]:
        if what == "platform":
            return [(c, n) for c, n, _k in self.platforms]
        if what == "project":
            return list(self.projects)
        if what == "package":
            return list(self.packages)
        if what == "programme":
            return [(n, n) for n in self.programmes]
        if what == "title":
            return [(n, n) for n in self.titles]
        raise ValueError(what)

    @classmethod
    def from_dict(cls, data: dict) -> Catalogue:
        """A catalogue from its JSON form (`dataclasses.asdict`)."""
        return cls(
            park_code=data.get("park_code", ""), park_name=data.get("park_name", ""),
            short_name=data.get("short_name", ""), city=data.get("city", ""), county=data.get("county", ""),
            platforms=tuple(tuple(p) for p in data.get("platforms", ())),
            projects=tuple(tuple(p) for p in data.get("projects", ())),
            packages=tuple(tuple(p) for p in data.get("packages", ())),
            programmes=tuple(data.get("programmes", ())), titles=tuple(data.get("titles", ())),
        )

    def platform_kind(self, code: str) -> str:
        return next((k for c, _n, k in self.platforms if c == code), "")


EMPTY = Catalogue()


@dataclass(frozen=True)
class NameHit:
    start: int
    end: int
    code: str
    name: str
    masked: bool


def _masked_hits(text: str, name: str, others: list[str]) -> list[tuple[int, int]]:
    """Where `text` keeps a prefix and a suffix of `name` around a masked run, and no other name of the
    list has that prefix and suffix (`X)创新中心` could be any 创新中心: not a hit)."""
    hits = []
    for m in MASK_RUN_RE.finditer(text):
        ms, me = m.span()
        best: tuple[int, int, int] | None = None
        for i in range(len(name)):
            for j in range(i + 1, min(len(name), i + 8) + 1):
                prefix, suffix = name[:i], name[j:]
                if len(prefix) + len(suffix) < 3:
                    continue
                if text[ms - len(prefix):ms] == prefix and text[me:me + len(suffix)] == suffix and ms >= len(prefix):
                    size = len(prefix) + len(suffix)
                    if any(o != name and len(o) > size and o.startswith(prefix) and o.endswith(suffix)
                           for o in others):
                        continue
                    if best is None or size > best[0]:
                        best = (size, ms - len(prefix), me + len(suffix))
        if best is not None:
            hits.append((best[1], best[2]))
    return hits


def find_names(text: str, pairs: list[tuple[str, str]], *, masked: bool = True) -> list[NameHit]:
    """Occurrences of the names in `text` (longest first where two overlap), in text order."""
    norm = normalise(text)
    found: list[NameHit] = []
    for code, name in sorted(pairs, key=lambda p: -len(p[1])):
        target = normalise(name)
        if not target:
            continue
        for m in re.finditer(re.escape(target), norm):
            found.append(NameHit(m.start(), m.end(), code, name, False))
        if masked and MASK_RUN_RE.search(norm):
            others = [normalise(n) for _c, n in pairs]
            for s, e in _masked_hits(norm, target, others):
                found.append(NameHit(s, e, code, name, True))
    found.sort(key=lambda h: (h.start, -(h.end - h.start)))
    out: list[NameHit] = []
    for hit in found:
        if out and hit.start < out[-1].end:
            continue
        out.append(hit)
    return out


def catalogue_for_park(code: str) -> Catalogue:
    """The names of a park and its sub-parks from the ledgers (ValueError for an unknown park)."""
    from django.apps import apps

    Park = apps.get_model("core", "Park")
    park = Park.objects.filter(code=code).first()
    if park is None:
        raise ValueError(f"园区“{code}”不存在")
    parks = tuple(Park.objects.descendant_codes(code))
    platforms = tuple(apps.get_model("investment", "Platform").objects.filter(park__in=parks)
                      .order_by("code").values_list("code", "name", "kind"))
    projects = tuple(apps.get_model("construction", "GovProject").objects.filter(park__in=parks)
                     .order_by("code").values_list("code", "name"))
    packages = tuple(dict(apps.get_model("economy", "SupportPackage").objects.filter(park__in=parks)
                          .order_by("code", "as_of").values_list("code", "project_name")).items())
    programmes = tuple(sorted(set(apps.get_model("investment", "TalentApplication").objects
                                  .filter(park__in=parks).values_list("program", flat=True))))
    honour = apps.get_model("investment", "TalentHonour")
    titles = tuple(sorted(set(honour.objects.filter(talent__park__in=parks).values_list("title", flat=True))))
    return Catalogue(
        park_code=park.code, park_name=park.name, short_name=park.short_name or park.name,
        city=park.city or "", county=park.county or "", platforms=platforms, projects=projects,
        packages=packages, programmes=programmes, titles=titles,
    )
