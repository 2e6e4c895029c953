"""Change history says where a change came from: the API, a form, the command line."""
from __future__ import annotations

import pytest
from rest_framework.test import APIClient

from parkledger.governance.models import Hazard

pytestmark = pytest.mark.django_db


def _hazard():
    return Hazard.objects.filter(inspection__uscc__park_id="ECO", rectified_on=None).first()


def test_an_api_change_shows_api(safety_client, safety):
    hazard = _hazard()
    api = APIClient()
    api.force_authenticate(safety)
    response = api.patch(f"/api/hazard/{hazard.pk}/", {"level": "major"}, format="json")
    assert response.status_code == 200, response.content
    history = safety_client.get(f"/ledgers/hazard/{hazard.pk}/").context["history"]
    assert (history[0].source, [(c.label, c.after) for c in history[0].changes]) == ("API", [("隐患等级", "重大")])


def test_a_change_from_the_shell_says_so(safety_client):
    hazard = _hazard()
    hazard.level = "major"
    hazard.save()
    history = safety_client.get(f"/ledgers/hazard/{hazard.pk}/").context["history"]
    assert history[0].source == "命令行"


def test_an_imported_change_names_its_file(safety_client, safety, tmp_path):
    import openpyxl

    from parkledger.dataio.exporting import export_path
    from parkledger.dataio.importing import import_path

    hazard = _hazard()
    workbook = tmp_path / "十月隐患台账.xlsx"
    export_path(workbook, park="ECO", kinds="hazard")
    book = openpyxl.load_workbook(workbook)
    sheet = book.worksheets[0]
    header = [str(cell.value or "") for cell in sheet[1]]

    def column(*names: str) -> int:
        return next(i for i, text in enumerate(header, start=1) if text.rstrip("*") in names)

    code_col, level_col = column("编号", "code"), column("隐患等级", "等级", "level")
    for row in range(2, sheet.max_row + 1):
        if sheet.cell(row, code_col).value == hazard.code:
            sheet.cell(row, level_col).value = "重大"
    book.save(workbook)
    result = import_path(workbook, park="ECO", user=safety)
    assert result.ok, result.issues
    history = safety_client.get(f"/ledgers/hazard/{hazard.pk}/").context["history"]
    assert history[0].source == "导入：十月隐患台账.xlsx"
    assert [(c.label, c.after) for c in history[0].changes] == [("隐患等级", "重大")]
