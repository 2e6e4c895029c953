"""The demo generator without a database: determinism, validity of every row, codes, scales."""
from __future__ import annotations

import hashlib
from collections import defaultdict
from datetime import date
from pathlib import Path

import pytest

from parkledger.core.kinds import KIND_ORDER, kind_models
from parkledger.dataio.demo.context import org_check_char
from parkledger.dataio.demo.export import demo_sheets, write_demo
from parkledger.dataio.demo.generator import DEFAULT_SEED, park_rows
from parkledger.dataio.demo.scales import SCALES, Scale, scale_named
from parkledger.lib.uscc import uscc_error

DEMO = SCALES["demo"]
CHECKED_KINDS = ("enterprise", "enterprise_month", "investment_project", "hazard", "petition", "park_month")


def checksum(seed: int, kinds=CHECKED_KINDS) -> str:
    """SHA-256 over the exported cells (the import format) of a few kinds."""
    digest = hashlib.sha256()
    for kind, (head, rows) in demo_sheets(seed, DEMO).items():
        if kind in kinds:
            digest.update(repr(head).encode())
            for row in rows:
                digest.update("\x1f".join(row).encode())
    return digest.hexdigest()


@pytest.fixture(scope="module")
def rows():
    """Every kind's rows of the demo park, materialised once."""
    return {kind: list(items) for kind, items in park_rows(DEMO.parks[0], DEMO, DEFAULT_SEED).items()}


@pytest.fixture(scope="module")
def first_checksum():
    return checksum(DEFAULT_SEED)


def test_the_same_seed_gives_the_same_rows(first_checksum):
    assert checksum(DEFAULT_SEED) == first_checksum


def test_another_seed_gives_other_rows():
    assert checksum(DEFAULT_SEED, ("enterprise",)) != checksum(DEFAULT_SEED + 1, ("enterprise",))


def test_every_kind_has_rows(rows):
    assert [kind for kind in KIND_ORDER if not rows[kind]] == []


def test_every_row_respects_its_date_order(rows):
    bad = []
    for kind, items in rows.items():
        model = kind_models()[kind]
        for obj in items:
            for earlier, later in model.date_order:
                a, b = getattr(obj, earlier), getattr(obj, later)
                if a and b and b < a:
                    bad.append((kind, earlier, a, later, b))
    assert bad == []


def test_every_row_passes_field_validation(rows):
    """clean_fields() (types, choices, lengths, non-negative amounts, months) on every row but references."""
    errors = []
    for kind, items in rows.items():
        for obj in items:
            try:
                obj.clean_fields(exclude=[f.name for f in obj._meta.concrete_fields if f.is_relation])
            except Exception as exc:  # collect, to show them all
                errors.append((kind, str(exc)))
    assert errors[:5] == []


def test_codes_and_natural_keys_are_unique(rows):
    duplicates = {}
    for kind, items in rows.items():
        model = kind_models()[kind]
        keys = [obj.natural_key() for obj in items]
        if len(keys) != len(set(keys)):
            duplicates[kind] = len(keys) - len(set(keys))
        if model.has_generated_code():
            assert all(obj.code for obj in items), f"{kind} rows without a code (bulk_create skips save())"
    assert duplicates == {}


def test_usccs_are_valid_with_valid_organisation_codes(rows):
    codes = [e.uscc for e in rows["enterprise"]]
    assert [c for c in codes if uscc_error(c)] == []
    # 主体标识码 = positions 9-17: an 8-character body and its GB 11714 check character.
    assert [c for c in codes if org_check_char(c[8:16]) != c[16]] == []
    assert all(c.startswith("91330281") for c in codes)  # 企业法人 registered in 余姚市


def test_above_scale_is_one_value_per_enterprise_year(rows):
    flags = defaultdict(set)
    for row in rows["enterprise_month"]:
        flags[(row.uscc_id, row.month[:4])].add(row.above_scale)
    assert [key for key, values in flags.items() if len(values) > 1] == []


def test_enterprises_enter_and_leave(rows):
    enterprises = {e.uscc: e for e in rows["enterprise"]}
    months = defaultdict(list)
    for row in rows["enterprise_month"]:
        months[row.uscc_id].append(row.month)
    only_2022 = [u for u, ms in months.items() if min(ms) >= "2022-01"]
    stopped = [u for u, ms in months.items() if max(ms) < "2022-12"]
    assert len(only_2022) >= 5 and len(stopped) >= 5
    for uscc, ms in months.items():
        e = enterprises[uscc]
        assert min(ms) >= f"{e.registered_on:%Y-%m}"
        if e.closed_on:
            assert max(ms) <= f"{e.closed_on:%Y-%m}"  # the month of closure is the last return


def test_the_park_is_sized_like_the_seed_park(rows):
    d = date(2022, 9, 30)
    active = [e for e in rows["enterprise"] if e.registered_on <= d and (e.closed_on is None or e.closed_on > d)]
    above = {r.uscc_id for r in rows["enterprise_month"] if r.month.startswith("2022") and r.above_scale}
    in_sub = [e for e in active if e.park_id == "ECO-CEE"]
    assert 350 <= len(active) <= 450
    assert 90 <= len(above) <= 160
    assert 20 <= len(in_sub) <= 80


def test_a_small_two_park_scale_keeps_codes_unique_across_parks(tmp_path):
    scale = Scale("tiny", SCALES["province"].parks[:2], enterprises=40, first_year=2021)
    seen = defaultdict(set)
    usccs = set()
    for spec in scale.parks:
        rows = park_rows(spec, scale, 7, usccs)
        for kind in ("platform", "investment_project", "gov_project", "inspection", "petition", "hazard"):
            for obj in rows[kind]:
                assert obj.code.startswith(spec.code + "-")
                assert obj.code not in seen[kind]
                seen[kind].add(obj.code)
    counts = write_demo(tmp_path / "csv", 7, scale)
    lines = (tmp_path / "csv" / "park.csv").read_text(encoding="utf-8-sig").splitlines()
    assert lines == ["code,name,short_name,city,county,parent",
                     "P01,杭州萧山经济开发区,萧山开发区,杭州,萧山,", "P01-S,萧山国际合作产业园,萧山合作园,杭州,萧山,P01",
                     "P02,杭州余杭经济开发区,余杭开发区,杭州,余杭,", "P02-S,余杭国际合作产业园,余杭合作园,杭州,余杭,P02"]
    assert counts["park"] == 4
    enterprise_lines = (tmp_path / "csv" / "enterprise.csv").read_text(encoding="utf-8-sig").splitlines()
    assert enterprise_lines.count(enterprise_lines[0]) == 1  # the header only once
    assert len(enterprise_lines) - 1 == counts["enterprise"]


def test_the_scales():
    province = scale_named("province")
    assert [p.code for p in province.parks] == [f"P{i:02d}" for i in range(1, 51)]
    assert len({p.region for p in province.parks}) == 50
    assert len({p.prefix for p in province.parks}) == 50
    city = scale_named("city")
    assert (city.enterprises, city.first_year, city.last_year) == (3000, 2019, 2022)  # 3000 × 48 months
    assert scale_named("demo").parks[0].code == "ECO"
    with pytest.raises(ValueError, match="未知的规模"):
        scale_named("planet")


def test_a_multi_park_workbook_is_refused_before_any_work(tmp_path):
    with pytest.raises(ValueError, match="CSV"):
        write_demo(tmp_path / "all.xlsx", 1, SCALES["province"])


# kind → (enterprise reference, the date the enterprise must be alive on)
LIFE_DATES = {
    "qualification": ("uscc_id", "applied_on"), "patent": ("uscc_id", "granted_on"),
    "disbursement": ("uscc_id", "paid_on"), "tech_upgrade_acceptance": ("uscc_id", "accepted_on"),
    "service_request": ("uscc_id", "received_on"), "safety_letter": ("uscc_id", "signed_on"),
    "safety_insurance": ("uscc_id", "insured_from"), "inspection": ("uscc_id", "inspected_on"),
    "odour_case": ("uscc_id", "listed_on"), "env_case": ("uscc_id", "found_on"), "union": ("uscc_id", "founded_on"),
    "land_transfer": ("uscc_id", "transferred_on"), "talent": ("employer_uscc_id", "introduced_on"),
}


def test_no_record_falls_outside_its_enterprises_life(rows):
    """Registered on or before the record's date, and not closed by then."""
    life = {e.uscc: (e.registered_on, e.closed_on) for e in rows["enterprise"]}
    outside = []
    for kind, (ref, field) in LIFE_DATES.items():
        for obj in rows[kind]:
            uscc, day = getattr(obj, ref), getattr(obj, field)
            if uscc is None or day is None:
                continue
            registered, closed = life[uscc]
            if day < registered or (closed is not None and day >= closed):
                outside.append((kind, uscc, day))
    assert outside == []


def test_the_rows_do_not_depend_on_the_process(first_checksum):
    """Another interpreter with another hash seed (set iteration order) writes the same cells."""
    import os
    import subprocess
    import sys

    script = (
        "import django, os; os.environ.setdefault('DJANGO_SETTINGS_MODULE', 'parkledger.settings'); "
        f"django.setup(); from tests.demo.test_generator import checksum; print(checksum({DEFAULT_SEED}))"
    )
    env = {**os.environ, "PYTHONHASHSEED": "12345"}
    root = Path(__file__).resolve().parents[2]
    result = subprocess.run([sys.executable, "-c", script], env=env, capture_output=True, text=True, check=True,
                            cwd=root)
    assert result.stdout.strip() == first_checksum
