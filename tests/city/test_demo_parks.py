"""`parkledger demo --parks N`: parks of one city, large to small, each with a sub-park."""
from __future__ import annotations

import pytest
from django.core.management import CommandError, call_command

from parkledger.dataio.demo.generator import park_rows
from parkledger.dataio.demo.scales import MAX_CITY_PARKS, city_scale


def test_three_parks_of_one_city_from_large_to_small():
    scale = city_scale(3)
    specs = scale.parks
    assert [s.code for s in specs] == ["ECO", "NB01", "NB02"]
    assert {s.city for s in specs} == {"宁波"} and len({s.name for s in specs}) == 3
    assert len({s.sub_code for s in specs}) == 3
    # 400 × (3 − i) / 3: ECO the demo park's 400, then 266, then 133
    assert [s.enterprises or scale.enterprises for s in specs] == [400, 266, 133]


def test_each_park_gets_its_own_size_of_enterprises():
    scale = city_scale(3)
    counts = [sum(1 for _ in park_rows(spec, scale, 2022)["enterprise"]) for spec in scale.parks[1:]]
    assert counts[0] > counts[1] > 0


def test_bad_counts_and_mixed_options_are_refused(db):
    with pytest.raises(ValueError):
        city_scale(MAX_CITY_PARKS + 1)
    with pytest.raises(CommandError, match="--parks"):
        call_command("demo", "--parks", "2", "--scale", "city")
    with pytest.raises(CommandError):
        call_command("demo", "--parks", "0")
