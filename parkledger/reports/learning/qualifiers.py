"""Words that narrow a figure's subject below the whole park, and the target / completion-rate phrases.

A figure quoted for one 片区 or sub-park, one campaign (`本次专项检查`), one named project, one sector,
a threshold class of projects (`10亿元以上项目`), an increment (`新增规上工业产值`) or a stock where the
dictionary counts the year's flow (`现有高新技术企业`) is not the park's total: the dictionary has no
such parameter, so the binder abstains and lists the figure as 待确认 with the key it resembled.

Reading taken where the issue is open: the sub-area and campaign words reach from the start of the
sentence (a sentence about `东区片区` is about that 片区 to its end); the project, sector, threshold and
increment words only within the figure's clause.
"""
from __future__ import annotations

import re

__all__ = ["CAMPAIGN_HEADING_RE", "WHOLE_YEAR_RE", "sentence_qualifier", "clause_qualifier", "TARGET_AMOUNT_RE", "PROGRESS_RE", "SHARE_RE",
           "NEXT_YEAR_TARGET_RE", "CONFIDENCE_THRESHOLD"]

CONFIDENCE_THRESHOLD = 0.55  # below it a figure is proposed, not bound (待确认)

_CJK = "\u4e00-\u9fff"

# sentence scope: a 片区, a sub-park, one campaign
_SENTENCE_RE = re.compile(
    f"[{_CJK}]{{2,6}}片区|核心区|[{_CJK}]{{0,4}}(?:配套园|分园|园中园)|本次|此次|该次|回头看")
# clause scope: a named project, a sector, a threshold class, an increment or contribution
_PROJECT_RE = re.compile(f"[{_CJK}]{{2,14}}项目(?:累计|已|共)?(?:完成|实现)")
_SECTOR_RE = re.compile(f"[{_CJK}]{{2,6}}(?:业|产业)(?:实现|完成)(?:增加值|产值|营业收入)")
_THRESHOLD_RE = re.compile(r"(?:以上|以下)(?:的)?[\u4e00-\u9fff]{0,4}项目$")
_INCREMENT_RE = re.compile(r"新增|拉动|带动")
_STOCK_RE = re.compile(r"累计|现有|总数|总量|存量|拥有|有效期内")
_FLOW_RE = re.compile(r"申报|新认定|通过认定")

# `完成年任务88亿元`, `年度计划投资110亿元`: the year's target of the level quoted before
TARGET_AMOUNT_RE = re.compile(
    r"(?:完成|占|为)?(?:全年|年度|年)(?:投资)?(?:目标)?(?:任务|计划)(?:投资|数)?(?:为|是)?$|全年目标(?:为|是)?$"
    r"|年初预算(?:数)?$|(?:下达|目标)任务(?:数)?$|任务数$")
# `完成年度目标任务的51.2%`, `占年任务的19.1%`, `完成全年目标的54.1%`: that level's completion rate
PROGRESS_RE = re.compile(
    r"(?:完成|占|为|达)(?:了)?(?:全年|年度|年)?(?:投资)?(?:目标)?(?:任务|计划|目标)(?:投资)?(?:数)?(?:的)?$"
    r"|(?:完成|占|为)年初预算(?:数)?(?:的)?$")
# a heading naming one campaign: the figures under it count that campaign, unless a sentence says 全年
CAMPAIGN_HEADING_RE = re.compile(r"大排查|大整治|大检查|专项(?:检查|督查|整治|行动)|回头看|安全生产月|百日攻坚")
WHOLE_YEAR_RE = re.compile(r"全年|年度|今年以来|\d{1,2}\s*[-—–~至到]\s*\d{1,2}\s*月")
SHARE_RE = re.compile(r"占[\u4e00-\u9fff]{0,14}(?:比重|比例)?(?:达到?|为)?$")
NEXT_YEAR_TARGET_RE = re.compile(r"力争|目标(?:是|为|：|:)|确保实现|计划实现|预期目标|主要目标")


def sentence_qualifier(sentence_before: str) -> str | None:
    """The sub-area or campaign named in the sentence before the figure, if any."""
    m = _SENTENCE_RE.search(sentence_before)
    return re.sub(r"^(?:其中|全区|园区|全园|对)", "", m.group(0)) if m else None


def clause_qualifier(clause: str, key: str) -> str | None:
    """A project, sector, threshold, increment or stock word of the figure's clause that the key's
    indicator (a park-wide total, or a flow) cannot carry."""
    if key.startswith(("build.project.", "platform.", "finance.package.", "talent.")) or "[" in key:
        return None  # parameterised: the name is the parameter
    for pattern in (_PROJECT_RE, _SECTOR_RE, _THRESHOLD_RE):
        m = pattern.search(clause)
        if m:
            return m.group(0)
    if key.startswith("econ."):
        m = _INCREMENT_RE.search(clause)
        if m:
            return m.group(0)
    if key == "innov.applied.hte" and _STOCK_RE.search(clause) and not _FLOW_RE.search(clause):
        return _STOCK_RE.search(clause).group(0)
    return None
