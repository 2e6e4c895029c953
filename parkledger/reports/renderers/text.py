"""Plain text, masked text, Markdown and HTML of a report document."""
from __future__ import annotations

import re
from collections.abc import Callable
from html import escape
from urllib.parse import urlencode

from parkledger.reports.document import Paragraph, ReportDocument, Segment

__all__ = ["render_txt", "render_masked", "render_markdown", "render_html", "mask_segment", "masked_text",
           "default_link"]

DIGITS_RE = re.compile(r"[0-9０-９]+(?:[.．][0-9０-９]+)?")


def mask_segment(seg: Segment, places: tuple[str, ...]) -> str:
    """A segment as the masked copy shows it: a figure is `X`; in names and text the digits of a
    ledger name and the park's place names (city, county) become `X`, as the seed shows them."""
    if seg.kind == "figure":
        return "X"
    text = seg.text
    if seg.kind in ("name", "ledger"):
        text = DIGITS_RE.sub("X", text)
    for place in sorted((p for p in places if p), key=len, reverse=True):
        text = text.replace(place, "X")
    return text


def masked_text(paragraph: Paragraph, places: tuple[str, ...]) -> str:
    return "".join(mask_segment(s, places) for s in paragraph.segments)


def render_txt(doc: ReportDocument, *, stats: bool = True) -> str:
    """The title, the stats line, then one paragraph a line with a blank line between paragraphs."""
    lines = [doc.title]
    if stats:
        lines.append(doc.stats)
    lines.extend(p.text for p in doc.body)
    return "\n\n".join(lines) + "\n"


def render_masked(doc: ReportDocument) -> str:
    """The report with every figure replaced by X (and place names and digits in names masked)."""
    paragraphs = [masked_text(p, doc.places) for p in doc.paragraphs]
    return "\n\n".join(paragraphs) + "\n"


_MD_SPECIAL = re.compile(r"([\\`*_\[\]<>#|])")


def _md(text: str) -> str:
    return _MD_SPECIAL.sub(r"\\\1", text)


def render_markdown(doc: ReportDocument) -> str:
    out = [f"# {_md(doc.title)}", "", f"*{doc.stats}*", ""]
    for p in doc.body:
        if p.kind == "heading1":
            out.append(f"## {_md(p.text)}")
        elif p.kind == "heading2":
            out.append(f"### {_md(p.text)}")
        elif p.lead:
            head, tail = p.split_lead()
            out.append(f"**{_md(''.join(s.text for s in head))}**{_md(''.join(s.text for s in tail))}")
        else:
            out.append(_md(p.text))
        out.append("")
    return "\n".join(out)


def default_link(doc: ReportDocument) -> Callable[[str], str]:
    """The provenance page of a figure: `/figures/explain/?park=…&period=…&key=…`."""
    def link(key: str) -> str:
        return "/figures/explain/?" + urlencode({"park": doc.park, "period": doc.period, "key": key})

    return link


def _html_segments(segments: list[Segment], link: Callable[[str], str] | None) -> str:
    out = []
    for seg in segments:
        text = escape(seg.text)
        if seg.kind in ("figure", "name"):
            key = escape(seg.ref)
            href = escape(link(seg.ref)) if link else ""
            cls = "fig" if seg.kind == "figure" else "fig fig-name"
            out.append(f'<a class="{cls}" data-key="{key}" href="{href}">{text}</a>' if link else
                       f'<span class="{cls}" data-key="{key}">{text}</span>')
        elif seg.kind == "ledger":
            out.append(f'<span class="ledger-name" data-ref="{escape(seg.ref)}">{text}</span>')
        else:
            out.append(text)
    return "".join(out)


HTML_STYLE = """
.report { max-width: 42em; margin: 2em auto; font-family: "FangSong", "仿宋_GB2312", "仿宋", "Noto Serif CJK SC",
  serif; font-size: 16pt; line-height: 1.8; color: #000; }
.report h1 { font-family: "方正小标宋简体", "SimSun", "Noto Serif CJK SC", serif; font-size: 22pt; font-weight: normal;
  text-align: center; margin: 0 0 .3em; }
.report .stats { text-align: center; color: #666; font-size: 11pt; margin: 0 0 1.5em; }
.report h2 { font-family: "黑体", "SimHei", "Noto Sans CJK SC", sans-serif; font-size: 16pt; font-weight: normal;
  text-indent: 2em; margin: 0; }
.report h3 { font-family: "楷体_GB2312", "KaiTi", "楷体", serif; font-size: 16pt; font-weight: normal;
  text-indent: 2em; margin: 0; }
.report p { text-indent: 2em; margin: 0; text-align: justify; }
.report .lead-heading2 { font-family: "楷体_GB2312", "KaiTi", "楷体", serif; }
.report a.fig { color: inherit; text-decoration: underline dotted; }
"""


def render_html(doc: ReportDocument, *, link: Callable[[str], str] | None = None, full: bool = True) -> str:
    """The report as HTML; every figure is `<a class="fig" data-key=… href=link(key)>` (with `link`
    None, the default provenance address; with `link=False`-like falsy callables, a `<span>`)."""
    link = default_link(doc) if link is None else link
    parts = ['<article class="report">',
             f"<h1>{_html_segments(doc.paragraphs[0].segments, link) if doc.title else ''}</h1>",
             f'<p class="stats">{escape(doc.stats)}</p>']
    for p in doc.body:
        if p.kind == "heading1":
            parts.append(f"<h2>{_html_segments(p.segments, link)}</h2>")
        elif p.kind == "heading2":
            parts.append(f"<h3>{_html_segments(p.segments, link)}</h3>")
        elif p.lead:
            head, tail = p.split_lead()
            parts.append(f'<p><span class="lead lead-{p.lead_style}">{_html_segments(head, link)}</span>'
                         f"{_html_segments(tail, link)}</p>")
        else:
            parts.append(f"<p>{_html_segments(p.segments, link)}</p>")
    parts.append("</article>")
    body = "\n".join(parts)
    if not full:
        return body
    return ('<!DOCTYPE html>\n<html lang="zh-CN">\n<head>\n<meta charset="utf-8">\n'
            f"<title>{escape(doc.title)}</title>\n<style>{HTML_STYLE}</style>\n</head>\n<body>\n"
            f"{body}\n</body>\n</html>\n")
