"""Realistic Chinese names for the demo: enterprises, people, projects, stations, subjects.

Everything is drawn from a caller's seeded `random.Random`, so the same seed gives the same names.
"""
from __future__ import annotations

import random
from dataclasses import dataclass

__all__ = [
    "Industry", "INDUSTRIES", "SERVICE_INDUSTRIES", "CEE_COUNTRIES", "COUNTRY_NAMES",
    "NameBook", "person_name", "project_name",
]

_BRAND_FIRST = "恒华宏瑞金鑫永盛天成嘉博信德隆泰安康兴裕凯达诚长丰鸿远中立舜姚明新东海甬江宁朗旭佳海晟禾卓"
_BRAND_SECOND = "达源通宇昌润邦星辉锐科盛利发顺威美创力欣益宁合祥峰腾凯博伟泽航晟鼎嘉联拓丰"


@dataclass(frozen=True)
class Industry:
    """A GB/T 4754-2017 industry with the words enterprise and project names use for it."""

    code: str
    words: tuple[str, ...]
    products: tuple[str, ...]
    unit: str = "万件"


INDUSTRIES: tuple[Industry, ...] = (
    Industry("3670", ("汽车部件", "汽车零部件", "车业"), ("汽车传感器", "特种汽车零部件", "新能源汽车电机壳体", "汽车线束")),
    Industry("3874", ("照明电器", "光电", "照明科技"), ("LED车灯", "智能照明灯具", "LED模组"), "万套"),
    Industry("3973", ("微电子", "半导体", "芯片科技"), ("集成电路封装测试", "功率半导体器件", "MEMS传感器芯片"), "万片"),
    Industry("3841", ("新能源", "电池科技", "储能科技"), ("磷酸铁锂电池", "储能电池模组", "动力电池正极材料"), "GWh"),
    Industry("2929", ("塑业", "塑胶", "高分子材料"), ("改性塑料", "工程塑料粒子", "汽车塑料内饰件"), "万吨"),
    Industry("3484", ("机械", "精密机械", "传动科技"), ("精密轴承", "液压元件", "数控机床主轴"), "万套"),
    Industry("3811", ("电机", "电气", "动力科技"), ("伺服电机", "永磁同步电机", "微特电机"), "万台"),
    Industry("3856", ("电器", "家电", "厨具"), ("智能小家电", "厨房电器", "净水器"), "万台"),
    Industry("2614", ("化工", "化学", "精细化工"), ("电子化学品", "水性涂料", "有机硅材料"), "万吨"),
    Industry("3311", ("钢结构", "金属制品", "五金"), ("钢结构件", "五金工具", "不锈钢管件"), "万吨"),
    Industry("2761", ("生物医药", "药业", "生物科技"), ("原料药", "医药中间体", "生物试剂"), "吨"),
    Industry("3589", ("医疗器械", "医疗科技", "健康科技"), ("智能医院物联网设备", "高端医疗耗材", "康复器械"), "万台"),
    Industry("3525", ("模具", "模塑科技", "精密模具"), ("精密注塑模具", "汽车冲压模具", "压铸模具"), "套"),
    Industry("2231", ("包装", "纸业", "印务"), ("环保纸包装", "食品包装材料", "瓦楞纸箱"), "万只"),
    Industry("3985", ("新材料", "电子材料", "膜科技"), ("光学膜", "电子铜箔", "导热材料"), "万平方米"),
    Industry("4090", ("仪器仪表", "智能科技", "测控技术"), ("智能水表", "工业传感器", "在线监测仪器"), "万台"),
)

SERVICE_INDUSTRIES: tuple[Industry, ...] = (
    Industry("5942", ("物流", "供应链", "国际货运代理"), ("跨境物流",)),
    Industry("5179", ("贸易", "进出口", "国际贸易"), ("进口商品",)),
    Industry("6513", ("软件", "信息技术", "数字科技"), ("工业软件",)),
    Industry("7320", ("技术服务", "检测技术", "科技服务"), ("检验检测",)),
)

#: Central and Eastern European countries of the 中东欧 cooperation (ISO alpha-2 → Chinese name).
CEE_COUNTRIES: dict[str, str] = {
    "HU": "匈牙利", "EE": "爱沙尼亚", "PL": "波兰", "CZ": "捷克", "SK": "斯洛伐克", "RS": "塞尔维亚",
    "RO": "罗马尼亚", "BG": "保加利亚", "SI": "斯洛文尼亚", "HR": "克罗地亚", "LT": "立陶宛",
    "LV": "拉脱维亚", "GR": "希腊",
}
COUNTRY_NAMES: dict[str, str] = {
    **CEE_COUNTRIES, "CN": "中国", "DE": "德国", "IL": "以色列", "FI": "芬兰", "US": "美国", "JP": "日本",
    "KR": "韩国", "SG": "新加坡",
}

_SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方邹熊孟秦邱江尹薛阎段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤"
_GIVEN = "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华玉萍红飞鹏建辉宇鑫浩晨欣怡佳俊凯文博思远航宁晓雪梦婷瑶琪峰斌波亮健彬梅兰海"


def person_name(rng: random.Random) -> str:
    """A plausible Chinese personal name (surname + one or two characters)."""
    given = rng.choice(_GIVEN) + (rng.choice(_GIVEN) if rng.random() < 0.7 else "")
    return rng.choice(_SURNAMES) + given


# Plausible annual capacities by unit (a 万吨 plant is not a 万件 workshop).
_AMOUNTS: dict[str, tuple[int, ...]] = {
    "万件": (20, 30, 50, 60, 80, 100, 120, 150, 200, 300, 500),
    "万吨": (1, 2, 3, 5, 8, 10, 15, 20),
    "GWh": (2, 3, 5, 8, 10, 20),
    "吨": (50, 100, 200, 300, 500, 1000, 2000),
    "套": (500, 800, 1000, 2000, 3000, 5000),
}


def project_name(rng: random.Random, industry: Industry) -> str:
    """A project name in the style reports quote, e.g. 年产500万件汽车传感器生产项目."""
    product = rng.choice(industry.products)
    form = rng.random()
    if form < 0.55:
        amount = rng.choice(_AMOUNTS.get(industry.unit, _AMOUNTS["万件"]))
        tail = rng.choice(("生产项目", "研发生产项目", "智能制造项目", "扩建项目"))
        return f"年产{amount}{industry.unit}{product}{tail}"
    if form < 0.8:
        return f"{product}{rng.choice(('智能化生产线项目', '研发及产业化项目', '生产基地项目'))}"
    return f"{product}{rng.choice(('技改扩能项目', '数字化工厂项目', '产业化一期项目'))}"


class NameBook:
    """Hands out enterprise names without repeats (a seeded stream, one book per park)."""

    def __init__(self, rng: random.Random, city: str, county: str) -> None:
        self.rng = rng
        self.city = city
        self.county = county
        self.used: set[str] = set()

    def brand(self) -> str:
        return self.rng.choice(_BRAND_FIRST) + self.rng.choice(_BRAND_SECOND)

    def enterprise(self, industry: Industry, *, big: bool = False, country: str = "CN") -> str:
        """A registered name, e.g. 余姚市恒达汽车部件有限公司 or 匈牙利瑞通（宁波）贸易有限公司."""
        for attempt in range(200):
            brand = self.brand()
            word = self.rng.choice(industry.words)
            if country != "CN":
                origin = COUNTRY_NAMES.get(country, "")
                name = f"{origin}{brand}（{self.city}）{word}有限公司"
            else:
                place = self.rng.choice((self.city, self.county + "市", self.city + self.county))
                suffix = "股份有限公司" if big and self.rng.random() < 0.4 else "有限公司"
                name = f"{place}{brand}{word}{suffix}"
            if attempt > 100:
                name = name.replace("有限公司", f"{attempt}有限公司")
            if name not in self.used:
                self.used.add(name)
                return name
        raise RuntimeError("enterprise names exhausted")
