"""Reading the learn review screen's form in tests: its rows, their choices, a POST built from them."""
from __future__ import annotations

import re

ROW_RE = re.compile(r'<article class="lr-item (lr-\w+)" id="row-(\d+)" data-testid="learn-item" data-figure="([^"]*)">'
                    r'(.*?)</article>', re.S)


def rows(html: str) -> list[dict]:
    """Each figure's row: start, figure text, state class, its key choices and the checked value."""
    out = []
    for state, start, figure, body in ROW_RE.findall(html):
        keys = re.findall(r'value="key:([^"]+)"', body)
        checked = re.search(r'name="choice-\d+" value="([^"]+)" checked', body)
        out.append({"start": start, "figure": figure, "state": state, "keys": keys,
                    "checked": checked.group(1) if checked else None, "body": body})
    return out


def row(html: str, figure: str) -> dict:
    found = [r for r in rows(html) if r["figure"] == figure]
    assert found, (figure, [r["figure"] for r in rows(html)])
    return found[0]


def token(html: str) -> str:
    return re.search(r'name="token" value="(\w+)"', html).group(1)


def form(html: str, *, keep_checked: bool = True, **fields: str) -> dict[str, str]:
    """The token, the choices already checked on the page, and `fields`."""
    data = {"token": token(html)}
    if keep_checked:
        for r in rows(html):
            if r["checked"]:
                data[f"choice-{r['start']}"] = r["checked"]
                other = re.search(r'name="key-\d+" value="([^"]+)"', r["body"])
                if r["checked"] == "other" and other:
                    data[f"key-{r['start']}"] = other.group(1)
    data.update(fields)
    return data


def confirm_all_proposals(html: str) -> dict[str, str]:
    """A choice for every row that has a proposal: the proposal (the first key offered)."""
    return {f"choice-{r['start']}": f"key:{r['keys'][0]}" for r in rows(html)
            if r["keys"] and r["state"] != "lr-pending"}
