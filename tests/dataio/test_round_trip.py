"""Export → import into an empty database → export gives identical files (workbook and CSV)."""
from __future__ import annotations

import pytest
from python_calamine import CalamineWorkbook

from parkledger.core.kinds import kind_models
from parkledger.dataio.exporting import export_path
from parkledger.dataio.importing import import_path
from tests.dataio.dataset import data_snapshot, wipe

pytestmark = pytest.mark.django_db


def test_the_dataset_holds_every_kind(every_kind):
    assert set(every_kind) == set(kind_models())
    assert all(model.objects.count() == 2 for model in kind_models().values())


@pytest.mark.parametrize("target", ["ledgers.xlsx", "ledgers"])
def test_export_import_export_gives_identical_files(every_kind, tmp_path, target):
    before = data_snapshot()
    first = tmp_path / "first" / target
    counts = export_path(first)
    assert counts == dict.fromkeys(kind_models(), 2)

    wipe()
    assert all(model.objects.count() == 0 for model in kind_models().values())
    result = import_path(first)
    assert result.ok, result.issue_lines()
    assert result.counts == {kind: {"created": 2, "updated": 0} for kind in kind_models()}
    assert data_snapshot() == before  # every value survived the trip

    second = tmp_path / "second" / target
    export_path(second)
    if target.endswith(".xlsx"):
        assert first.read_bytes() == second.read_bytes()
    else:
        names = sorted(p.name for p in first.iterdir())
        assert names == sorted(f"{kind}.csv" for kind in kind_models())
        for name in names:
            assert (first / name).read_bytes() == (second / name).read_bytes(), name


def test_the_export_uses_the_cell_convention(every_kind, tmp_path):
    export_path(tmp_path / "out")
    text = (tmp_path / "out" / "enterprise_month.csv").read_text(encoding="utf-8-sig")
    header, first, second = text.splitlines()
    assert header == "uscc,month,above_scale,output_value,value_added,revenue,tax,energy_tce,employees,rd_expense"
    cells = first.split(",")
    # The dataset's first enterprise month: month 2022-03, above_scale true, output_value = 1*1000 + position 3
    # with fraction .25 (1003.25); employees = 10*1 + position 8 = 18.
    assert cells[1:5] == ["2022-03", "true", "1003.25", "1004.25"]
    assert cells[8] == "18"
    assert second.split(",")[2] == "false"


def test_a_park_export_holds_the_park_and_its_sub_parks_only(every_kind, tmp_path):
    from parkledger.core.models import Park

    Park.objects.create(code="OTHER", name="别的园区")
    export_path(tmp_path / "eco", park="ECO")
    export_path(tmp_path / "cee", park="ECO-CEE")
    eco_parks = (tmp_path / "eco" / "park.csv").read_text(encoding="utf-8-sig").splitlines()[1:]
    cee_parks = (tmp_path / "cee" / "park.csv").read_text(encoding="utf-8-sig").splitlines()[1:]
    assert [line.split(",")[0] for line in eco_parks] == ["ECO", "ECO-CEE"]
    assert [line.split(",")[0] for line in cee_parks] == ["ECO-CEE"]
    # The second enterprise belongs to ECO-CEE: its months follow it into the sub-park's export.
    cee_months = (tmp_path / "cee" / "enterprise_month.csv").read_text(encoding="utf-8-sig").splitlines()[1:]
    assert len(cee_months) == 1 and cee_months[0].split(",")[1] == "2022-04"
    # Milestones belong to their subject's park: wetland-2 is ECO-CEE's, gov_project-1 is ECO's.
    cee_milestones = (tmp_path / "cee" / "milestone.csv").read_text(encoding="utf-8-sig").splitlines()[1:]
    eco_milestones = (tmp_path / "eco" / "milestone.csv").read_text(encoding="utf-8-sig").splitlines()[1:]
    assert [line.split(",")[1:3] for line in cee_milestones] == [["wetland", "wetland-2"]]
    assert len(eco_milestones) == 2


def test_workbook_sheets_are_named_by_kind_with_field_keys(every_kind, tmp_path):
    export_path(tmp_path / "x.xlsx", kinds="enterprise,企业月报")
    wb = CalamineWorkbook.from_path(str(tmp_path / "x.xlsx"))
    assert wb.sheet_names == ["enterprise", "enterprise_month"]
    rows = wb.get_sheet_by_name("enterprise").to_python()
    assert rows[0][:3] == ["uscc", "name", "park"]
