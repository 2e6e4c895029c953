"""What an import reports: its issues (`sheet, row, column: reason`) and its result."""
from __future__ import annotations

__all__ = ["ImportIssue", "IssueLog", "ImportResult", "MAX_REPORTED_ISSUES"]

from dataclasses import dataclass, field

from django.utils.translation import gettext as _

MAX_REPORTED_ISSUES = 200  # issues kept in a result; the rest are only counted
MAX_CHECKED_ISSUES = 200  # reading a file's rows stops at this many issues (the rest is not checked)
_MAX_COLLECTED = 20_000  # issues held while importing, before sorting and cutting


@dataclass(frozen=True)
class ImportIssue:
    """One problem: the sheet (or file), spreadsheet row number and header text as the user wrote them."""

    sheet: str
    row: int | None
    column: str
    reason: str

    def __str__(self) -> str:
        where = ", ".join(part for part in (self.sheet, "" if self.row is None else str(self.row), self.column) if part)
        return f"{where}: {self.reason}" if where else self.reason

    def as_dict(self) -> dict:
        return {"sheet": self.sheet, "row": self.row, "column": self.column, "reason": self.reason}


class IssueLog:
    """The issues of one import, in sheet order then row order."""

    def __init__(self) -> None:
        self._items: list[tuple[int, int, int, ImportIssue]] = []
        self._dropped = 0
        self._sheet_order: dict[str, int] = {}
        self.stopped = False  # the rows were not all checked: too many issues (see `full`)

    def full(self) -> bool:
        """Enough issues to stop reading rows (`MAX_CHECKED_ISSUES`): the rest of a file is junk or
        wrong in the same way, and checking it costs time and memory for nothing."""
        return len(self) >= MAX_CHECKED_ISSUES

    def sheet_order(self, sheet: str) -> int:
        return self._sheet_order.setdefault(sheet, len(self._sheet_order))

    def add(self, sheet: str, row: int | None, column: str, reason: str, *, column_order: int = 0) -> None:
        if len(self._items) >= _MAX_COLLECTED:
            self._dropped += 1
            return
        issue = ImportIssue(sheet, row, column, str(reason))
        self._items.append((self.sheet_order(sheet), -1 if row is None else row, column_order, issue))

    def __len__(self) -> int:
        return len(self._items) + self._dropped

    def __bool__(self) -> bool:
        return len(self) > 0

    def reported(self, limit: int = MAX_REPORTED_ISSUES) -> tuple[list[ImportIssue], int]:
        """The first `limit` issues in order, and how many more there are. When the rows were not
        all checked (`stopped`), the count of the rest is unknown: the last issue says so instead."""
        seen: set[ImportIssue] = set()
        ordered = []
        for *_order, issue in sorted(self._items, key=lambda item: item[:3]):
            if issue not in seen:
                seen.add(issue)
                ordered.append(issue)
        total = len(ordered) + self._dropped
        if self.stopped:
            return [*ordered[:limit], ImportIssue("", None, "", stopped_text())], 0
        return ordered[:limit], total - min(limit, len(ordered))


def stopped_text() -> str:
    return _("错误过多，已停止检查（只列出前面的错误，请修改后重新上传）")


@dataclass
class ImportResult:
    """The outcome of an import: nothing was written unless `ok` (and not `dry_run`)."""

    issues: list[ImportIssue] = field(default_factory=list)
    more_issues: int = 0  # issues beyond those listed
    counts: dict[str, dict[str, int]] = field(default_factory=dict)  # kind → {"created": n, "updated": n}
    dry_run: bool = False
    rows: int = 0  # data rows read
    seconds: float = 0.0
    source: str = ""

    @property
    def ok(self) -> bool:
        return not self.issues and not self.more_issues

    @property
    def stopped(self) -> bool:
        """Checking stopped at the first errors (the last issue says so; the rest were not counted)."""
        return bool(self.issues) and self.issues[-1].reason == stopped_text()

    @property
    def issue_count(self) -> int:
        return len(self.issues) + self.more_issues

    @property
    def created(self) -> int:
        return sum(c.get("created", 0) for c in self.counts.values())

    @property
    def updated(self) -> int:
        return sum(c.get("updated", 0) for c in self.counts.values())

    def issue_lines(self) -> list[str]:
        lines = [str(issue) for issue in self.issues]
        if self.more_issues:
            lines.append(_("……另有%(n)d个错误未列出") % {"n": self.more_issues})
        return lines
