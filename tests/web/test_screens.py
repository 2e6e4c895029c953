"""Screens a clerk uses all day: links that open records, clean URLs, business language, roles."""
from __future__ import annotations

import re
from html.parser import HTMLParser

import pytest

from tests.web import data

pytestmark = pytest.mark.django_db


class _Links(HTMLParser):
    """Every <a href>, with the hx-boost/hx-target of its nearest ancestors that set them."""

    def __init__(self) -> None:
        super().__init__()
        self.stack: list[dict] = []
        self.links: list[dict] = []

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "a":
            inherited = {k: v for frame in self.stack for k, v in frame.items()}
            self.links.append({**inherited, **{k: v for k, v in attrs.items() if k.startswith("hx-")},
                               "href": attrs.get("href", "")})
        if tag not in ("input", "br", "img", "meta", "link", "hr", "a"):
            self.stack.append({k: v for k, v in attrs.items() if k in ("hx-boost", "hx-target")})

    def handle_endtag(self, tag):
        if tag not in ("input", "br", "img", "meta", "link", "hr", "a") and self.stack:
            self.stack.pop()


def links(response) -> list[dict]:
    parser = _Links()
    parser.feed(response.content.decode())
    return parser.links


def test_record_links_of_a_list_navigate_normally(client_in):
    for url in ("/ledgers/hazard/", "/ledgers/enterprise_month/", f"/enterprises/{data.uscc(1)}/"):
        found = [a for a in links(client_in.get(url)) if re.search(r"/ledgers/\w+/\d+/$", a["href"])]
        assert found, url
        # a boosted link swapping the list region would empty the table instead of opening the record
        assert all(a.get("hx-boost") != "true" and "hx-target" not in a for a in found), url


def test_pager_and_export_urls_are_built_once(client_in, dataset):
    data.add_records(dataset.parks, 1, 2)
    response = client_in.get("/ledgers/enterprise_month/", {"q": "", "page": "2"})
    hrefs = [a["href"] for a in links(response)]
    pager = [h for h in hrefs if "page=" in h]
    assert pager
    for href in pager + [h for h in hrefs if "export=xlsx" in h]:
        assert "??" not in href and "%3F" not in href, href
    # following a pager link twice keeps the URL the same length
    nxt = next(h for h in pager if "page=3" in h)
    again = [a["href"] for a in links(client_in.get(nxt)) if "page=" in a["href"]]
    assert all(len(h) <= len(nxt) + 2 for h in again)


def test_filter_form_asks_the_path_without_the_current_query(client_in):
    body = client_in.get("/ledgers/hazard/", {"q": "电线", "preset": "overdue"}).content.decode()
    form = re.search(r'<form class="card filters"[^>]*>', body).group(0)
    assert 'hx-get="/ledgers/hazard/"' in form and 'action="/ledgers/hazard/"' in form
