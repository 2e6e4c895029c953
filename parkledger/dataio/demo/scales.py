"""The sizes of the demo data: one park (`demo`), a city-sized park (`city`), 50 parks (`province`)."""
from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from django.utils.translation import gettext as _

__all__ = ["ParkSpec", "Scale", "SCALES", "DEMO_PERIOD", "scale_named", "city_scale", "MAX_CITY_PARKS"]

#: The report period the demo data is built for (its figures are all non-zero there).
DEMO_PERIOD = "2022-09"

#: Enterprises of the reference (demo) park; other scales multiply the ledgers by n / this.
REFERENCE_ENTERPRISES = 400


@dataclass(frozen=True)
class ParkSpec:
    """A top-level park of the demo with its one sub-park.

    `prefix` is put before every generated code (platforms, projects, …) so that codes
    stay unique when a deployment holds many parks; the agreed demo park ECO has none.
    `region` is the 6-digit 行政区划 code used in its enterprises' 统一社会信用代码.
    """

    code: str
    name: str
    short_name: str
    city: str
    county: str
    region: str
    sub_code: str
    sub_name: str
    sub_short_name: str
    prefix: str = ""
    index: int = 0
    enterprises: int | None = None  # this park's size, when it differs from the scale's


@dataclass(frozen=True)
class Scale:
    """How much to generate: parks, enterprises per park, years."""

    name: str
    parks: tuple[ParkSpec, ...]
    enterprises: int
    first_year: int
    last_year: int = 2022

    @property
    def factor(self) -> Decimal:
        """Multiplier of enterprise-driven ledgers and park amounts against the demo park."""
        return Decimal(self.enterprises) / REFERENCE_ENTERPRISES

    @property
    def years(self) -> range:
        return range(self.first_year, self.last_year + 1)


ECO = ParkSpec(
    code="ECO", name="宁波前湾新区生态园", short_name="生态园", city="宁波", county="余姚", region="330281",
    sub_code="ECO-CEE", sub_name="中东欧国际产业合作园", sub_short_name="中东欧园",
)

# Zhejiang counties (name, prefecture, 行政区划代码) for the province-sized deployment.
_COUNTIES: tuple[tuple[str, str, str], ...] = (
    ("萧山", "杭州", "330109"), ("余杭", "杭州", "330110"), ("富阳", "杭州", "330111"),
    ("临安", "杭州", "330112"), ("桐庐", "杭州", "330122"), ("建德", "杭州", "330182"),
    ("北仑", "宁波", "330206"), ("镇海", "宁波", "330211"), ("鄞州", "宁波", "330212"),
    ("奉化", "宁波", "330213"), ("象山", "宁波", "330225"), ("宁海", "宁波", "330226"),
    ("余姚", "宁波", "330281"), ("慈溪", "宁波", "330282"), ("瓯海", "温州", "330304"),
    ("龙湾", "温州", "330303"), ("瑞安", "温州", "330381"), ("乐清", "温州", "330382"),
    ("平阳", "温州", "330326"), ("苍南", "温州", "330327"), ("南湖", "嘉兴", "330402"),
    ("秀洲", "嘉兴", "330411"), ("嘉善", "嘉兴", "330421"), ("海盐", "嘉兴", "330424"),
    ("海宁", "嘉兴", "330481"), ("平湖", "嘉兴", "330482"), ("桐乡", "嘉兴", "330483"),
    ("吴兴", "湖州", "330502"), ("南浔", "湖州", "330503"), ("德清", "湖州", "330521"),
    ("长兴", "湖州", "330522"), ("安吉", "湖州", "330523"), ("柯桥", "绍兴", "330603"),
    ("上虞", "绍兴", "330604"), ("诸暨", "绍兴", "330681"), ("嵊州", "绍兴", "330683"),
    ("新昌", "绍兴", "330624"), ("婺城", "金华", "330702"), ("义乌", "金华", "330782"),
    ("东阳", "金华", "330783"), ("永康", "金华", "330784"), ("兰溪", "金华", "330781"),
    ("柯城", "衢州", "330802"), ("江山", "衢州", "330881"), ("定海", "舟山", "330902"),
    ("椒江", "台州", "331002"), ("黄岩", "台州", "331003"), ("温岭", "台州", "331081"),
    ("临海", "台州", "331082"), ("莲都", "丽水", "331102"),
)


def _province_parks() -> tuple[ParkSpec, ...]:
    parks = []
    for i, (county, city, region) in enumerate(_COUNTIES, start=1):
        code = f"P{i:02d}"
        parks.append(ParkSpec(
            code=code, name=f"{city}{county}经济开发区", short_name=f"{county}开发区", city=city,
            county=county, region=region, sub_code=f"{code}-S", sub_name=f"{county}国际合作产业园",
            sub_short_name=f"{county}合作园", prefix=f"{code}-", index=i,
        ))
    return tuple(parks)


SCALES: dict[str, Scale] = {
    "demo": Scale("demo", (ECO,), enterprises=REFERENCE_ENTERPRISES, first_year=2020),
    "city": Scale("city", (ECO,), enterprises=3000, first_year=2019),
    "province": Scale("province", _province_parks(), enterprises=3000, first_year=2019),
}


def _city_counties(city: str) -> list[tuple[str, str]]:
    return [(county, region) for county, prefecture, region in _COUNTIES if prefecture == city]


#: `parkledger demo --parks N` builds at most this many parks of one city (宁波's counties).
MAX_CITY_PARKS = len(_city_counties(ECO.city))


def city_scale(n: int) -> Scale:
    """N parks of one city (宁波) for comparing and ranking: the demo park ECO first (400 enterprises),
    then parks of the city's other counties, each with a sub-park, smaller one after another
    (400 × (N − i) / N enterprises), so the comparison has large and small parks to show."""
    if not 1 <= n <= MAX_CITY_PARKS:
        raise ValueError(_("园区数应为 1 至 %(max)s") % {"max": MAX_CITY_PARKS})
    parks = [ECO]
    others = [(county, region) for county, region in _city_counties(ECO.city) if county != ECO.county]
    for i, (county, region) in enumerate(others[: n - 1], start=1):
        code = f"NB{i:02d}"
        size = max(40, REFERENCE_ENTERPRISES * (n - i) // n)
        parks.append(ParkSpec(
            code=code, name=f"宁波{county}经济开发区", short_name=f"{county}开发区", city=ECO.city, county=county,
            region=region, sub_code=f"{code}-S", sub_name=f"{county}智能制造产业园", sub_short_name=f"{county}智造园",
            prefix=f"{code}-", index=i, enterprises=size,
        ))
    return Scale(f"city-{n}", tuple(parks), enterprises=REFERENCE_ENTERPRISES, first_year=2020)


def scale_named(name: str) -> Scale:
    try:
        return SCALES[name]
    except KeyError:
        raise ValueError(_("未知的规模“%(name)s”，可选：%(choices)s") % {"name": name, "choices": "、".join(SCALES)}) from None
