"""Learn → template → regenerate on the demo park: the learnt template gives the same report as the default
template, from the report's Word file and from its text, by the command and by the web page.

The demo data is loaded once for this module, inside a transaction rolled back at the end.
"""
from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command, get_commands
from django.db import transaction

from parkledger.reports.learning import catalogue_for_park, learn, read_bytes
from parkledger.reports.models import ReportTemplate
from parkledger.reports.services import build_report, render
from tests.learning import review_form
from tests.learning.helpers import DATA
from tests.web.conftest import make_user

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.skipif("demo" not in get_commands(), reason="the demo command is not available"),
]


@pytest.fixture(scope="module")
def demo(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock():
        with transaction.atomic():
            call_command("demo", verbosity=0)
            yield
            transaction.set_rollback(True)


@pytest.fixture(scope="module")
def default(demo, django_db_blocker):
    with django_db_blocker.unblock():
        return build_report("ECO", "2022-09")


@pytest.mark.parametrize("fmt", ["docx", "txt"])
def test_learnt_template_regenerates_the_same_report(default, fmt, tmp_path):
    content = render(default, fmt)
    path = tmp_path / f"ECO-2022-09.{fmt}"
    path.write_bytes(content)
    call_command("learn", str(path), "--park", "ECO", "--save", f"学习{fmt}", "-o", str(tmp_path / "t.j2"))
    template = ReportTemplate.objects.get(park_id="ECO", name=f"学习{fmt}")
    again = build_report("ECO", "2022-09", template=template)
    assert again.text() == default.text()
    assert again.omitted == []
    assert again.figures == default.figures
    # every figure of the default report is a placeholder of the learnt one
    learnt = learn(read_bytes(content, path.name), catalogue=catalogue_for_park("ECO"))
    assert learnt.unbound == []
    assert {d.key for d in learnt.figures} >= {k for k in default.figures if not k.endswith((".lead", ".leads2",
                                                                                            ".names"))} - {
        "finance.package.as_of_month[SP-YOUSI]", "platform.intl_top"}


def test_the_seeds_template_renders_for_the_demo_park(default):
    seed = (DATA / "work-report-2022-seed.txt").read_bytes()
    learnt = learn(read_bytes(seed, "seed.txt"), catalogue=catalogue_for_park("ECO"))
    report = build_report("ECO", "2022-09", template_text=learnt.template)
    text = report.text()
    assert report.title == "生态园区2022年工作总结和2023年工作思路"
    # the seed's sentences come back with the demo's figures
    for key in ("econ.output", "invest.signed", "safety.inspections", "plan.target[econ.fai]"):
        assert report.figures[key] == default.figures[key]
    assert "X亿元" not in text and "X%" not in text


def test_the_web_page_learns_and_saves(default, client):
    # a park leader: a superuser's session now needs a second factor (TOTP) before any page opens
    client.force_login(make_user("learn-leader", "leader"))
    query = "?park=ECO&period=2022-09"
    page = client.get(f"/reports/learn/{query}")
    assert page.status_code == 200
    upload = SimpleUploadedFile("ECO-2022-09.docx", render(default, "docx"))
    review = client.post(f"/reports/learn/{query}", {"file": upload})
    assert review.status_code == 200
    html = review.content.decode()
    assert html.count('class="lc-high"') > 50 and 'list="indicator-keys"' in html
    # the template holds only what is confirmed: confirm every proposal, then save
    form = review_form.form(html, action="save", name="网页学习")
    form.update(review_form.confirm_all_proposals(html))
    saved = client.post(f"/reports/learn/{query}", form)
    template = ReportTemplate.objects.get(park_id="ECO", name="网页学习")
    assert saved.status_code == 302 and saved["Location"].endswith(f"?template={template.pk}")
    assert build_report("ECO", "2022-09", template=template).text() == default.text()
    preview = client.get(f"/reports/preview/{query}&template={template.pk}")
    assert preview.status_code == 200
