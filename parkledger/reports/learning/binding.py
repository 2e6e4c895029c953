"""Binding each figure of a paragraph to an indicator key, with a confidence.

The words around a figure decide, in this order:
1. growth: `同比增长X%` after a level is that level's `.yoy`;
2. lists: `A、B和C分别为X家、X家和X家` binds in order, `A、B均实现X%` is the pair of rates;
3. lead names: `年产30万套LED车灯研发生产等X个项目完成投产` is a count with its lead name;
4. parts: `总投资X亿元` after a project count is that set's `.investment` (and `补贴资金`, `奖金`, `面积` …);
5. the synonym table (`lexicon.CUES`), scored on the cue's length, its distance to the figure and the
   unit; parameters (`platform.incubated[SH-FUDAN]`) come from the names near the figure.
Then a target sentence (`力争实现…`) makes the key `plan.target[…]`, and `预计全年入库项目` the estimate.

Precision before completeness (`qualifiers`): a figure whose subject a qualifier narrows (a 片区, one
campaign, a named project …) is not bound to the park's key; a growth belongs only to the level right
before it (the nearest non-rate figure of the sentence), so the growth of a measure the dictionary lacks
stays unbound; `完成年任务X亿元的Y%` binds the target and the rate to `plan.target_current[KEY]` and
`plan.progress[KEY]` of that level. Every figure ends with `extra["evidence"]` (measure phrase,
qualifiers, unit; the learner adds the period) and `extra["candidates"]`; a binding below
`CONFIDENCE_THRESHOLD` is withdrawn and the figure listed as 待确认 with its candidates.
"""
from __future__ import annotations

import re
from dataclasses import dataclass

from parkledger.reports.learning import keys
from parkledger.reports.learning.detection import Detection
from parkledger.reports.learning.lexicon import (
    BOTH_RE,
    CHILDREN,
    CUES,
    ESTIMATE_RE,
    GROWTH_RE,
    LEAD_NAMES,
    SEPARATELY_RE,
)
from parkledger.reports.learning.names import EMPTY, Catalogue, find_names
from parkledger.reports.learning.qualifiers import (
    CONFIDENCE_THRESHOLD,
    NEXT_YEAR_TARGET_RE,
    PROGRESS_RE,
    SHARE_RE,
    TARGET_AMOUNT_RE,
    WHOLE_YEAR_RE,
    clause_qualifier,
    sentence_qualifier,
)

__all__ = ["bind_paragraph", "SENTENCE_ENDS", "sentence_spans", "abstain_under_campaign"]

SENTENCE_ENDS = "。！？!?"
BOUNDARIES = "，,；;。：:！？!?"
_CJK = "\u4e00-\u9fff"
LEAD_AFTER_RE = re.compile(f"^([{_CJK}]{{0,5}}?项目)")
LIST_SPLIT_RE = re.compile(r"、|和|及|与|以及")
FILLER_RE = re.compile(r"(?:达到|达|为|了|共|计|约|累计|合计|共计|均)+$")
PROGRAMME_RE = re.compile(f"[{_CJK}]{{2,6}}(?:引才工程|人才工程|引才计划)")
TITLE_RE = re.compile(f"市?[{_CJK}]{{0,2}}?(?:杰出|拔尖|优秀)人才")
NUMERAL_KEYS = ("finance.special_bonds_approved", "platform.count[")


def sentence_spans(text: str) -> list[tuple[int, int]]:
    """(start, end) of each sentence of a paragraph; the end includes the 。 and closing quotes."""
    spans = []
    start = 0
    i = 0
    while i < len(text):
        if text[i] in SENTENCE_ENDS:
            j = i + 1
            while j < len(text) and text[j] in "”’\"」』)）":
                j += 1
            spans.append((start, j))
            start = i = j
            continue
        i += 1
    if start < len(text):
        spans.append((start, len(text)))
    return spans


@dataclass
class _Slot:
    """A figure in its paragraph: local offsets and the text around it."""

    det: Detection
    s: int  # local start of the token
    e: int  # local end of the token
    sent: tuple[int, int]
    before: str
    after: str
    before_start: int


def _context(text: str, slot: _Slot) -> str:
    window_start = max(0, min(slot.sent[0], slot.s) - 40)
    return text[window_start:slot.sent[1]]


def bind_paragraph(text: str, offset: int, detections: list[Detection], catalogue: Catalogue = EMPTY) -> None:
    """Bind the figures of one paragraph (mutates the detections)."""
    figures = [d for d in detections if d.cls == "figure"]
    if not figures:
        return
    spans = sentence_spans(text)
    slots: list[_Slot] = []
    for i, det in enumerate(figures):
        s, e = det.start - offset, det.end - offset
        sent = next((sp for sp in spans if sp[0] <= s < sp[1]), (0, len(text)))
        prev_end = figures[i - 1].end - offset if i else sent[0]
        b0 = max(prev_end, sent[0])
        for k in range(s - 1, b0 - 1, -1):  # back to the clause's start
            if text[k] in BOUNDARIES:
                b0 = k + 1
                break
        nxt = figures[i + 1].start - offset if i + 1 < len(figures) else sent[1]
        slots.append(_Slot(det, s, e, sent, text[b0:s], text[e:min(max(nxt, e), sent[1])], b0))
    done: set[int] = set()
    _bind_lists(text, offset, slots, done, catalogue)
    for index in range(len(slots)):
        if index not in done:
            _bind_one(text, offset, slots, index, catalogue)
            _abstain_if_qualified(text, slots[index])
    for index in range(len(slots)):
        _post(text, slots, index, catalogue)
    _targets(text, slots)
    for slot in slots:
        _finish(text, slot)


# -- lists: 分别为X、Y和Z / 均实现X% ------------------------------------------------------------------


def _bind_lists(text: str, offset: int, slots: list[_Slot], done: set[int], catalogue: Catalogue) -> None:
    i = 0
    while i < len(slots):
        slot = slots[i]
        sep = SEPARATELY_RE.search(slot.before)
        both = BOTH_RE.search(slot.before)
        if not sep and not both:
            i += 1
            continue
        run = [i]
        if sep:
            j = i + 1
            while j < len(slots) and slots[j].sent == slot.sent:
                between = text[slots[j - 1].e:slots[j].s]
                if not re.fullmatch(r"[、,，和及与]{1,2}", between):
                    break
                run.append(j)
                j += 1
        head = slot.before[:(sep or both).start()]
        names = [n for n in LIST_SPLIT_RE.split(head) if n.strip()]
        if len(names) < len(run) or (both and len(names) != 2):
            i += 1
            continue
        names = names[-len(run):] if sep else names
        bound = []
        for name in names:
            scored = _score_cues(name, "", _context(text, slot), slot.det.unit, catalogue, max_gap=4,
                                 slot=slot, text=text)
            bound.append(scored[0] if scored else None)
        if all(b is None for b in bound) or (both and any(b is None for b in bound)):
            i += 1
            continue
        for k, idx in enumerate(run):
            target = slots[idx]
            if bound[k] is None:  # a name of the list no indicator has: that figure stays as written
                _set(target.det, None, 0, f"“{names[k].strip()}”不是已知指标")
            else:
                _set(target.det, bound[k][1], bound[k][2] * 0.95)
            target.det.extra["list"] = {"run": [slots[r].det.start for r in run], "index": k,
                                        "start": offset + slot.before_start + (sep or both).start()}
            done.add(idx)
        if both:
            slot.det.extra["pair"] = bound[1][1]
            slot.det.extra["pair_span"] = (offset + slot.before_start + both.start(), slot.det.end)
        i = run[-1] + 1


# -- one figure ---------------------------------------------------------------------------------------


def _set(det: Detection, key: str | None, confidence: float, note: str = "") -> None:
    det.key = key
    det.confidence = round(max(0.0, min(confidence, 0.99)), 2) if key else 0.0
    if note:
        det.note = note


def _bind_one(text: str, offset: int, slots: list[_Slot], index: int, catalogue: Catalogue) -> None:
    slot = slots[index]
    det = slot.det
    before = slot.before
    # 1. growth wording
    growth = GROWTH_RE.search(before) if det.unit in ("%", "％") else None
    if det.wording or growth:
        if growth:
            det.extra["growth"] = {"prefix": growth.group(1) or "", "verb": growth.group(2),
                                   "start": offset + slot.before_start + growth.start()}
        else:
            det.extra["growth"] = {"prefix": det.extra.get("prefix", ""), "verb": det.wording,
                                   "start": det.start}
        rest = before[:growth.start()] if growth else before
        scored = _score_cues(rest, "", _context(text, slot), "", catalogue, max_gap=3) if rest.strip() else []
        if scored:
            key = scored[0][1]
            if not key.endswith(".yoy"):
                key = f"{key}.yoy"
            if keys.known(key):
                _set(det, key, scored[0][2])
                return
        parent = _level_before(text, slots, index)
        if parent is not None:
            det.extra["follows"] = [parent.start, "{}.yoy"]
        if parent is not None and parent.key and not parent.key.endswith(".yoy") and keys.known(
                f"{parent.key}.yoy"):
            _set(det, f"{parent.key}.yoy", parent.confidence * 0.97)
            return
        if parent is not None:
            if parent.key:
                det.extra["candidates"] = [parent.key]
            _set(det, None, 0, "增长率所属的总量在指标库中没有增长率指标" if parent.key
                 else "增长率所属的总量不是已知指标")
            return
        if growth and growth.group(2) in ("增速", "增幅", "增长率") and scored:
            _set(det, scored[0][1], scored[0][2] * 0.8)
            return
        _set(det, None, 0, "增长率之前没有可归属的总量指标")
        return
    # 2. the park's synonym table, taught by earlier reviews
    if _taught(text, slot, catalogue):
        return
    # 2. lead names: …等N个项目
    lead = _lead(text, offset, slot)
    if lead is not None:
        det.extra["lead"] = lead
    # 3. parts of the figure before: 总投资, 补贴资金, 面积 …
    child = _child(text, slots, index, catalogue)
    if child is not None:
        _set(det, child[0], child[1])
        det.extra["child"] = not child[0].startswith("build.project.")
        return
    # 4. the synonym table
    if lead is not None and lead.get("owner"):
        # …已注册 NAME等N个项目: the words before the lead names are the cue, not the names
        before = before[:lead["start"] - offset - slot.before_start]
    scored = _score_cues(before, slot.after, _context(text, slot), det.unit, catalogue, slot=slot, text=text)
    if lead is not None:
        scored = [s for s in scored if s[1] in LEAD_NAMES] or scored
    if det.numeral:
        scored = [s for s in scored if s[1].startswith(NUMERAL_KEYS)]
        if not scored:
            det.cls = "phrase"
            return
    det.extra["candidates"] = [s[1] for s in scored[:4]]
    if not scored:
        _set(det, None, 0, "没有找到指标名称")
        return
    best = scored[0]
    conf = best[2]
    rival = next((s for s in scored[1:] if s[1] != best[1]), None)
    if rival is not None and rival[0] >= best[0] - 0.5:
        conf *= 0.7
    _set(det, best[1], conf)


def _is_rate(slot: _Slot) -> bool:
    return slot.det.unit in ("%", "％", "个百分点", "百分点") or bool(slot.det.wording)


def _is_target(text: str, slot: _Slot) -> bool:
    return not _is_rate(slot) and bool(TARGET_AMOUNT_RE.search(FILLER_RE.sub("", slot.before)))


def _level_before(text: str, slots: list[_Slot], index: int) -> Detection | None:
    """The level a growth, target or rate refers to: the nearest figure before it in the sentence that is
    neither a rate nor a target (`完成X亿元，同比增长Y%，完成年任务Z亿元的W%`)."""
    slot = slots[index]
    for prev in reversed(slots[:index]):
        if prev.sent != slot.sent:
            break
        if _is_rate(prev) or prev.det.extra.get("target_of") is not None or _is_target(text, prev):
            continue
        return prev.det
    return None


def _clause(text: str, slot: _Slot) -> str:
    """The clause of the figure up to it (back to the previous ，；： in the sentence)."""
    start = slot.s
    while start > slot.sent[0] and text[start - 1] not in BOUNDARIES:
        start -= 1
    return text[start:slot.s]


_PHRASE_DROP_RE = re.compile(r"[^\u4e00-\u9fff()（）]")
_PHRASE_HEAD_RE = re.compile(r"^(?:其中|同时|另外|此外|全年|累计)+")


def synonym_phrase(text: str, slot: _Slot) -> str:
    """The words of the figure's clause before it, as the synonym table keeps them: Chinese only, without
    the leading 其中/全年 and the trailing 达到/为 (`其中临港片区实现规上工业总产值`)."""
    phrase = _PHRASE_DROP_RE.sub("", _clause(text, slot))
    phrase = FILLER_RE.sub("", _PHRASE_HEAD_RE.sub("", phrase))
    return phrase[-40:]


def _taught(text: str, slot: _Slot, catalogue: Catalogue) -> bool:
    det = slot.det
    if not catalogue.synonyms or det.numeral:
        return False
    phrase = synonym_phrase(text, slot)
    taught = dict(catalogue.synonyms).get(phrase) if len(phrase) >= 2 else None
    if taught is None:
        return False
    det.extra["taught"] = phrase
    if not taught:
        _set(det, None, 0, "本园区同义词表：无对应指标，保留原文")
        return True
    if not keys.known(taught) or not keys.compatible(det.unit, keys.unit_of(taught) or ""):
        det.extra.pop("taught")
        return False
    _set(det, taught, 0.9, "本园区同义词表")
    return True


def _abstain_if_qualified(text: str, slot: _Slot) -> None:
    det = slot.det
    if not det.key or det.extra.get("growth") or det.extra.get("taught"):
        return
    found = sentence_qualifier(text[slot.sent[0]:slot.s]) or clause_qualifier(_clause(text, slot), det.key)
    if found:
        det.extra["qualifiers"] = [found]
        det.extra["candidates"] = [det.key] + [k for k in det.extra.get("candidates", []) if k != det.key]
        _set(det, None, 0, f"待确认：“{found}”限定了范围，指标库中没有这一范围的指标")


def _lead(text: str, offset: int, slot: _Slot) -> dict | None:
    """`NAME等N个项目`: the lead names before 等 and the noun after the count."""
    if not slot.before.endswith("等") or slot.det.unit not in ("个", "项"):
        return None
    m = LEAD_AFTER_RE.match(slot.after)
    if not m:
        return None
    names_text = slot.before[:-1]
    start = slot.before_start
    head = re.match(r"^(?:其中[,，]?\s*)", names_text)
    if head:
        start += head.end()
        names_text = names_text[head.end():]
    owner = None
    reg = names_text.rfind("已注册")
    if reg >= 0:
        owner = (offset + start, offset + start + reg)
        start += reg + 3
        names_text = names_text[reg + 3:]
    names = [n for n in re.split(r"、", names_text) if n.strip()]
    if not names or len(names_text) > 60:
        return None
    return {"start": offset + start, "end": offset + slot.before_start + len(slot.before),
            "names": names, "noun": m.group(1), "owner": owner}


def _child(text: str, slots: list[_Slot], index: int, catalogue: Catalogue) -> tuple[str, float] | None:
    slot = slots[index]
    before = FILLER_RE.sub("", slot.before)
    for pattern, suffixes in CHILDREN:
        if not pattern.search(before):
            continue
        if suffixes[0] == ".investment":
            project = _project_after(slot, catalogue)
            if project is not None:
                return f"build.project.total_investment[{project}]", 0.9
        for prev in reversed(slots[:index]):
            if prev.sent != slot.sent or not prev.det.key:
                continue
            base = prev.det.key
            for suffix in suffixes:
                for parent in (base, base.rsplit(".", 1)[0]):
                    candidate = f"{parent}{suffix}"
                    if candidate != base and keys.known(candidate) and keys.compatible(
                            slot.det.unit, keys.unit_of(candidate) or ""):
                        return candidate, prev.det.confidence * 0.95
    return None


def _project_after(slot: _Slot, catalogue: Catalogue) -> str | None:
    hits = find_names(slot.after[:40], catalogue.pairs("project"))
    if hits and hits[0].start <= 2:
        return hits[0].code
    return None


# -- the synonym table ------------------------------------------------------------------------------------


def _score_cues(before: str, after: str, context: str, unit: str, catalogue: Catalogue, *, max_gap: int = 14,
                slot: _Slot | None = None, text: str = "") -> list[tuple[float, str, float]]:
    """Candidate keys, best first: (score, key, confidence)."""
    best: dict[str, tuple[float, float]] = {}
    sides: dict[str, set[str]] = {}
    for cue in CUES:
        if cue.context is not None and not cue.context.search(context):
            continue
        if cue.side == "B":
            last = None
            for m in cue.pattern.finditer(before):
                last = m
            if last is None or not last.group(0):
                continue
            gap = len(before) - last.end()
            if gap > max_gap:
                continue
            score = len(last.group(0)) - 0.35 * gap
        else:
            m = cue.pattern.search(after[:18])
            if m is None or not m.group(0):
                continue
            score = len(m.group(0)) - 0.35 * m.start()
        key = cue.key
        key_unit = keys.unit_of(key)
        if key_unit is None:
            continue
        if unit and not keys.compatible(unit, key_unit):
            continue
        if unit and unit == key_unit:
            score += 1.0
        if cue.context is not None:
            score += 0.5
        sides.setdefault(key, set()).add(cue.side)
        if key not in best or score > best[key][0]:
            best[key] = (score, score)
    out = []
    for key, (score, _s) in best.items():
        if len(sides[key]) == 2:
            score += 1.5
        conf = min(0.97, 0.5 + 0.07 * score)
        out.append((score, key, conf))
    out.sort(key=lambda t: (-t[0], t[1]))
    if slot is None:
        return [t for t in out if "{" not in t[1]]
    resolved = []
    for candidate in out:
        found = _with_params(candidate, slot, text, catalogue)
        if found is None and not resolved:
            return []  # the best reading names something this park's names cannot tell: leave it unbound
        if found is not None:
            resolved.append(found)
    return resolved


def _with_params(candidate: tuple[float, str, float], slot: _Slot, text: str,
                 catalogue: Catalogue) -> tuple[float, str, float] | None:
    score, key, conf = candidate
    holders = keys.PLACEHOLDER_RE.findall(key)
    if not holders:
        return candidate
    name = holders[0]
    value, sure = _param(name, slot, text, catalogue)
    if value is None:
        slot.det.note = f"无法确定“{key}”中的{_PARAM_NAMES.get(name, name)}"
        return None
    return score, keys.PLACEHOLDER_RE.sub(value, key, count=1), conf * (1.0 if sure else 0.9)


_PARAM_NAMES = {"platform": "平台", "project": "项目", "package": "扶持方案", "programme": "人才工程", "title": "荣誉称号"}


def _param(name: str, slot: _Slot, text: str, catalogue: Catalogue) -> tuple[str | None, bool]:
    """The parameter of a key from the names near the figure: (value, found unmasked)."""
    sent_start, sent_end = slot.sent
    before = text[sent_start:slot.s]
    if name in ("platform", "package"):
        window = before if name == "platform" else text[:slot.s]
        hits = find_names(window, catalogue.pairs(name))
        if not hits and name == "platform":
            hits = find_names(text[max(0, slot.s - 120):slot.s], catalogue.pairs(name))
        if hits:
            return hits[-1].code, not hits[-1].masked
        return None, False
    if name == "project":
        hits = find_names(text[sent_start:sent_end], catalogue.pairs("project"))
        if hits:
            after = [h for h in hits if h.start >= slot.e - sent_start]
            hit = after[0] if after and slot.det.extra.get("lead") is None and _after_first(slot) else hits[-1]
            return hit.code, not hit.masked
        return None, False
    if name == "programme":
        hits = find_names(before, catalogue.pairs("programme"), masked=False)
        if hits:
            return hits[-1].code, True
        m = _last(PROGRAMME_RE, before)
        if m is not None:
            return re.sub(r"^[^市]{0,3}市", "", m.group(0)), False
        return None, False
    if name == "title":
        hits = find_names(before, catalogue.pairs("title"), masked=False)
        if hits:
            return hits[-1].code, True
        m = _last(TITLE_RE, before)
        if m is not None:
            return m.group(0), False
        return None, False
    return None, False


def _last(pattern: re.Pattern[str], text: str) -> re.Match[str] | None:
    found = None
    for found in pattern.finditer(text):  # noqa: B007  (the last match is wanted)
        pass
    return found


def _after_first(slot: _Slot) -> bool:
    """占地X亩、总建筑面积约X万平方米的…项目: the project is named after the figures."""
    return bool(re.search(r"的", slot.after[:3])) or "、" in slot.after[:2] or slot.before.startswith(("占地", "总投资"))


# -- sentence-level adjustments ------------------------------------------------------------------------------


def _post(text: str, slots: list[_Slot], index: int, catalogue: Catalogue) -> None:
    slot = slots[index]
    det = slot.det
    if not det.key:
        return
    sentence_before = text[slot.sent[0]:slot.s]
    # 宁波市外 / 余姚市外: the prefecture or the county
    if det.key == "invest.domestic_outside_prefecture":
        name = slot.before[:slot.before.find("市外")] if "市外" in slot.before else ""
        earlier = [p.det.key for p in slots[:index] if p.sent == slot.sent]
        if (catalogue.county and name.endswith(catalogue.county)) or (
                not (catalogue.city and name.endswith(catalogue.city))
                and "invest.domestic_outside_prefecture" in earlier):
            det.key = "invest.domestic_outside_county"
    # 预计全年入库项目
    if det.key == "econ.fai_projects" and ESTIMATE_RE.search(sentence_before):
        det.key = "econ.fai_projects.estimate"
    # 力争实现…: next year's targets
    if NEXT_YEAR_TARGET_RE.search(sentence_before) and not det.key.startswith("plan."):
        target = f"plan.target[{det.key}]"
        if keys.known(target):
            det.key = target
            det.confidence = round(det.confidence * 0.95, 2)
    # 其中，中美(硅谷)创新中心已注册…等5个项目: the platform's name is platform.intl_top
    lead = det.extra.get("lead")
    if lead and det.key in LEAD_NAMES:
        det.extra["lead_names_key"] = LEAD_NAMES[det.key]
    else:
        det.extra.pop("lead", None)
    # …项目和…项目两只政府专项债: the bonds' names
    if det.key == "finance.special_bonds_approved":
        names = slot.before.strip()
        if names.endswith("项目") or "项目和" in names:
            det.extra["names_span"] = (det.start - len(slot.before), det.start)
            det.extra["names_key"] = "finance.special_bonds_approved.names"


# -- targets and completion rates of the level before ---------------------------------------------------------


def _targets(text: str, slots: list[_Slot]) -> None:
    """`完成年任务88亿元的24.3%`, `年度计划投资110亿元，完成年度计划的22.1%`, `占年任务的52.4%`: the target is
    `plan.target_current[KEY]` and the rate `plan.progress[KEY]` of the level before them in the sentence."""
    for index, slot in enumerate(slots):
        det = slot.det
        before = FILLER_RE.sub("", slot.before)
        previous = slots[index - 1].det if index and slots[index - 1].sent == slot.sent else None
        after_target = previous is not None and previous.extra.get("target_of") is not None and before in ("", "的")
        if _is_target(text, slot):
            level = _level_before(text, slots, index)
            det.extra["target_of"] = level.start if level is not None else -1
            _refer(det, level, "plan.target_current[{}]", "年任务")
        elif det.unit in ("%", "％") and not det.wording and (PROGRESS_RE.search(before) or after_target):
            if after_target:
                level = next((s.det for s in slots if s.det.start == previous.extra["target_of"]), None)
            else:
                level = _level_before(text, slots, index)
            det.extra["progress_of"] = True
            det.extra.pop("growth", None)
            _refer(det, level, "plan.progress[{}]", "完成率")


def _refer(det: Detection, level: Detection | None, pattern: str, what: str) -> None:
    if level is not None:
        det.extra["follows"] = [level.start, pattern]
    if level is None or not level.key or level.key.startswith("plan."):
        det.extra["candidates"] = [pattern.format(level.extra["candidates"][0])] if (
            level is not None and level.extra.get("candidates")) else []
        _set(det, None, 0, f"待确认：{what}所属的总量不是已知指标")
        return
    key = pattern.format(level.key)
    if not keys.known(key) or not keys.compatible(det.unit, keys.unit_of(key) or ""):
        _set(det, None, 0, f"待确认：指标库中没有“{key}”")
        return
    _set(det, key, level.confidence * 0.95)


# -- evidence, confidence threshold ------------------------------------------------------------------------------


def _measure_phrase(text: str, slot: _Slot, key: str) -> str:
    base = keys.PLACEHOLDER_RE.sub("X", key)
    m = re.match(r"^plan\.(?:target|target_current|progress)\[(.+)\]$", key)
    if m:
        base = m.group(1)
    stems = {base, base.removesuffix(".yoy")}
    window_before = text[max(slot.sent[0], slot.s - 40):slot.s]
    best = ""
    for cue in CUES:
        cue_key = re.sub(r"\[.*\]", "", cue.key)
        if cue.key not in stems and cue_key not in {re.sub(r"\[.*\]", "", b) for b in stems}:
            continue
        hay = window_before if cue.side == "B" else slot.after[:18]
        for found in cue.pattern.finditer(hay):
            if len(found.group(0)) > len(best):
                best = found.group(0)
    return best


def _finish(text: str, slot: _Slot) -> None:
    """The evidence of the figure's binding, and the threshold: a weak binding becomes a proposal."""
    det = slot.det
    if det.cls != "figure":
        return
    if det.unit in ("%", "％") and SHARE_RE.search(slot.before):
        det.extra["share"] = True
    key = det.key or next(iter(det.extra.get("candidates") or []), None)
    if not (det.wording or det.extra.get("growth") or det.extra.get("target_of") is not None
            or det.extra.get("progress_of") or _is_rate(slot) and GROWTH_RE.search(slot.before)):
        det.extra["phrase"] = synonym_phrase(text, slot)
    det.extra["evidence"] = {
        "measure": det.extra["taught"] if det.extra.get("taught") else (
            _measure_phrase(text, slot, key) if key else ""),
        "qualifiers": list(det.extra.get("qualifiers", [])),
        "unit": det.unit,
    }
    if det.key and det.confidence < CONFIDENCE_THRESHOLD:
        det.extra["candidates"] = [det.key] + [k for k in det.extra.get("candidates", []) if k != det.key]
        _set(det, None, 0, f"待确认：把握不足（{det.confidence:.2f}）")
    if det.key:
        det.extra["candidates"] = [k for k in det.extra.get("candidates", []) if k != det.key][:3]


def abstain_under_campaign(text: str, offset: int, detections: list[Detection], heading: str) -> None:
    """Figures of a paragraph under a heading that names one campaign (`…大排查大整治推进情况`) count that
    campaign; a sentence that says 全年 / 1-9月 speaks of the whole year again and keeps its bindings."""
    spans = sentence_spans(text)
    for det in detections:
        if det.cls != "figure" or not det.key or det.key.startswith("plan.") or det.extra.get("taught"):
            continue
        s = det.start - offset
        sent = next((sp for sp in spans if sp[0] <= s < sp[1]), (0, len(text)))
        if WHOLE_YEAR_RE.search(text[sent[0]:sent[1]]):
            continue
        det.extra["candidates"] = [det.key] + [k for k in det.extra.get("candidates", []) if k != det.key][:3]
        evidence = det.extra.setdefault("evidence", {"measure": "", "qualifiers": [], "unit": det.unit})
        evidence["qualifiers"] = [*evidence.get("qualifiers", []), heading]
        _set(det, None, 0, f"待确认：标题“{heading}”说明这是一次专项行动的数字，指标库中没有这一范围的指标")
