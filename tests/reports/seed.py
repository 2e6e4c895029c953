"""The seed report (`shared/seed/work-report-2022-seed.txt`, kept in the repository's test data) cut into sentences, and the alignment of a
masked report with it: which of the seed's figure-bearing sentences the report reproduces."""
from __future__ import annotations

import difflib
import re
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings

SEED = Path(settings.PROJECT_DIR) / "tests" / "learning" / "data" / "work-report-2022-seed.txt"  # = shared/seed/

# an X that stands for a figure: followed (after 余/多) by a unit or measure word
FIGURE_X = re.compile(
    r"X(?:余|多)?(?:%|亿元|亿|万美元|万元|万粒|万尾|万平方米|万套|万件|GWh|个|项次|项|家次|家|名|人次|人|宗|亩|公顷|次|件|处|册|条|起|只|月)"
)
# half-width forms, so that the seed (scraped, half-width) and the report (full-width) compare
_NORMAL = str.maketrans({"，": ",", "；": ";", "：": ":", "（": "(", "）": ")", "“": '"', "”": '"', "！": "!",
                         "？": "?"})

# Differences that are known and explained (a fragment of the seed sentence → why)
EXPLAINED = {
    "同比增长X%元": "the seed has a stray 元 after the percentage; the report writes 同比增长X%",
    "X国际创新中心已注册": "the seed calls the platform X国际创新中心; the report uses the platform's own "
                     "name from the ledger (e.g. 中美(硅谷)创新中心)",
    "增殖流放": "the seed's 增殖流放 is a typo of 增殖放流 (the section's own heading), corrected in the template",
    "均实现X%": "the demo's two rates differ after rounding, so the rule words them 分别为X%和Y%",
    "两只政府专项债": "the seed leaves the Chinese numeral 两 unmasked; the masked copy masks every figure (X只)",
}


def normalise(text: str) -> str:
    return re.sub(r"\s+", "", text.translate(_NORMAL))


def sentences(text: str) -> list[str]:
    """Sentences ending in 。 (the text normalised), without empty ones."""
    out = []
    for paragraph in text.split("\n"):
        for part in re.split(r"(?<=。)", normalise(paragraph)):
            if part.strip():
                out.append(part)
    return out


def seed_body() -> str:
    """The report part of the seed: from the opening paragraph to the last paragraph of the plan."""
    lines = SEED.read_text(encoding="utf-8").splitlines()
    start = next(i for i, line in enumerate(lines) if line.startswith("2022年,面对"))
    end = next(i for i, line in enumerate(lines) if line.strip() == "221381")
    return "\n".join(line for line in lines[start:end] if line.strip())


def figure_bearing(sentence: str) -> bool:
    return FIGURE_X.search(sentence) is not None


def pattern(seed_sentence: str) -> re.Pattern[str]:
    """The seed sentence with each X standing for any masked figure or filled-in name."""
    return re.compile("".join("[^,;。]*?" if ch == "X" else re.escape(ch) for ch in seed_sentence))


@dataclass
class Alignment:
    total: int
    reproduced: list[str]
    differing: list[tuple[str, str, str]]  # seed sentence, closest report sentence, reason

    @property
    def share(self) -> float:
        return len(self.reproduced) / self.total if self.total else 0.0

    def report(self) -> str:
        lines = [f"seed figure-bearing sentences reproduced: {len(self.reproduced)}/{self.total} "
                 f"= {self.share:.1%}"]
        for seed, closest, why in self.differing:
            lines += [f"- seed:   {seed}", f"  report: {closest}", f"  why:    {why}"]
        return "\n".join(lines)


def align(masked_report: str) -> Alignment:
    report = sentences(masked_report)
    wanted = [s for s in sentences(seed_body()) if figure_bearing(s)]
    reproduced, differing = [], []
    for seed in wanted:
        rx = pattern(seed)
        if any(rx.fullmatch(r) for r in report):
            reproduced.append(seed)
            continue
        closest = max(report, key=lambda r: difflib.SequenceMatcher(None, seed, r).ratio())
        why = next((reason for fragment, reason in EXPLAINED.items() if fragment in seed), "unexplained")
        differing.append((seed, closest, why))
    return Alignment(len(wanted), reproduced, differing)
