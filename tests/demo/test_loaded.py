"""The demo park loaded into the database: agreed codes, validation, hand-checkable facts, figures."""
from __future__ import annotations

import io
from collections import Counter
from datetime import date
from decimal import Decimal

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.test import TestCase

from parkledger.construction.models import GovProject, Milestone, SubProject, Wetland
from parkledger.core.kinds import kind_models
from parkledger.core.models import Enterprise, EnterpriseMonth, Park
from parkledger.dataio.demo.generator import DEFAULT_SEED
from parkledger.dataio.demo.load import load_demo
from parkledger.dataio.demo.scales import SCALES
from parkledger.economy.models import SupportPackage
from parkledger.finance.models import FinancingProject
from parkledger.governance.models import AirSample, Petition, SafetyLetter
from parkledger.investment.models import (
    InvestmentProject,
    Platform,
    PlatformProject,
    TalentApplication,
    TalentHonour,
)
from parkledger.plans.models import Estimate, ManualFigure, Target

D = date(2022, 9, 30)
W_START = date(2022, 1, 1)


def by(d: date | None) -> bool:
    """A date set and on or before D."""
    return d is not None and d <= D


class DemoLoadedTests(TestCase):
    """One load of the demo park shared by every test (rolled back at the end)."""

    @classmethod
    def setUpTestData(cls):
        cls.counts = load_demo(DEFAULT_SEED, SCALES["demo"])

    def test_every_kind_has_rows_in_the_database(self):
        in_db = {kind: model.objects.count() for kind, model in kind_models().items()}
        self.assertEqual([k for k, n in in_db.items() if n == 0], [])
        self.assertEqual(in_db, dict(self.counts))

    def test_the_agreed_parks(self):
        eco = Park.objects.get(code="ECO")
        self.assertEqual((eco.name, eco.short_name, eco.city, eco.county, eco.parent_id),
                         ("宁波前湾新区生态园", "生态园", "宁波", "余姚", None))
        cee = Park.objects.get(code="ECO-CEE")
        self.assertEqual((cee.name, cee.parent_id), ("中东欧国际产业合作园", "ECO"))
        self.assertTrue(Enterprise.objects.filter(park="ECO-CEE").exists())

    def test_the_agreed_platforms(self):
        kinds = dict(Platform.objects.values_list("code", "kind"))
        expected = {"SH-FUDAN": "enclave", "SH-HONGQIAO": "enclave", "IC-DE": "intl_center", "IC-IL": "intl_center",
                    "IC-FI": "intl_center", "IC-US": "intl_center", "CEE-NB": "cee_base", "CEE-BUD": "cee_base",
                    "RS-PCR": "research"}
        self.assertEqual({code: kinds.get(code) for code in expected}, expected)
        self.assertEqual(set(kinds.values()), {"enclave", "incubator", "intl_center", "cee_base", "research", "service"})
        self.assertEqual(Platform.objects.get(code="SH-FUDAN").name, "余姚复旦(张江)科创中心")
        self.assertEqual(Platform.objects.get(code="SH-FUDAN").city, "上海")
        # Every platform has projects incubated, signed and landed by D, and a tenant at D.
        for code in kinds:
            projects = PlatformProject.objects.filter(platform=code)
            self.assertTrue(any(by(p.incubated_on) for p in projects), code)
            self.assertTrue(any(by(p.signed_on) for p in projects), code)
            self.assertTrue(any(by(p.landed_on) for p in projects), code)

    def test_the_cee_projects_landed_first_are_the_seeds(self):
        landed = sorted(
            (p.landed_on, p.name, p.country)
            for p in PlatformProject.objects.filter(platform__kind="cee_base", landed_on__lte=D)
        )
        self.assertEqual([(n, c) for _, n, c in landed[:2]], [("智慧路灯项目", "EE"), ("量子水泥项目", "HU")])

    def test_the_agreed_government_projects(self):
        gp = {p.code: p for p in GovProject.objects.all()}
        self.assertEqual((gp["GP-GBBL"].name, gp["GP-GBBL"].category), ("固北北路", "road"))
        self.assertEqual((gp["GP-KXL"].name, gp["GP-KXL"].category), ("科兴路东延", "road"))
        self.assertEqual((gp["GP-AMENITY"].name, gp["GP-AMENITY"].category), ("综合配套提升工程", "amenity"))
        self.assertIsNotNone(gp["GP-AMENITY"].total_investment)
        culture = gp["GP-CULTURE"]
        self.assertEqual((culture.name, culture.category, culture.plan_year), ("中国-中东欧文化交流中心", "culture", 2023))
        self.assertIsNotNone(culture.land_area_mu)
        self.assertIsNotNone(culture.floor_area_m2)
        categories = {p.category for p in gp.values()}
        self.assertEqual(categories, {"road", "factory", "amenity", "utility", "water_green", "ecology", "culture", "other"})
        subs = SubProject.objects.filter(project="GP-AMENITY")
        tendered = [s for s in subs if by(s.tendered_on)]
        self.assertTrue(0 < len(tendered) < subs.count())
        self.assertTrue(Milestone.objects.filter(subject="GP-GBBL", text="完成路基建设", expected=False).exists())
        self.assertTrue(Milestone.objects.filter(
            subject="GP-KXL", text="预计年底完成一标段施工并正式通车投用", expected=True).exists())

    def test_the_agreed_package_wetland_programme_and_honour(self):
        package = SupportPackage.objects.filter(code="SP-YOUSI", as_of__lte=D).latest("as_of")
        self.assertEqual(package.project_name, "甬矽电子二期项目")
        self.assertEqual(package.as_of.month, 9)
        self.assertEqual(Wetland.objects.get(code="WL-CENTER").name, "中心湿地")
        self.assertTrue(TalentApplication.objects.filter(program="甬江引才工程", applied_on__range=(W_START, D)).exists())
        self.assertTrue(TalentHonour.objects.filter(title="市杰出人才", awarded_on__range=(W_START, D)).exists())

    def test_a_sample_of_every_kind_passes_full_validation(self):
        for kind, model in kind_models().items():
            total = model.objects.count()
            step = max(1, total // 25)
            for obj in model.objects.order_by("pk")[::step][:25]:
                with self.subTest(kind=kind, pk=obj.pk):
                    obj.full_clean()

    def test_above_scale_is_constant_within_each_enterprise_year(self):
        flags: dict[tuple[str, str], set[bool]] = {}
        for uscc, month, above in EnterpriseMonth.objects.values_list("uscc", "month", "above_scale"):
            flags.setdefault((uscc, month[:4]), set()).add(above)
        self.assertEqual([k for k, v in flags.items() if len(v) > 1], [])

    def _projects(self) -> list[InvestmentProject]:
        return list(InvestmentProject.objects.all())

    def _lead(self, projects: list[InvestmentProject]) -> str:
        return max(projects, key=lambda p: p.total_investment).name

    def test_to_start_projects_plan_to_start_before_the_year_ends(self):
        # signed by D, not started by D, not terminated by D, planned start in (D, 2022-12-31]
        to_start = [p for p in self._projects() if by(p.signed_on) and not by(p.started_on)
                    and not by(p.terminated_on) and p.planned_start_on and D < p.planned_start_on <= date(2022, 12, 31)]
        self.assertGreaterEqual(len(to_start), 3)
        self.assertEqual(self._lead(to_start), "万洋小微企业园二期项目")
        wanyang = next(p for p in to_start if p.name == "万洋小微企业园二期项目")
        self.assertEqual(wanyang.planned_start_on, date(2022, 11, 18))

    def test_the_lead_projects_of_each_stage_are_the_seeds(self):
        projects = self._projects()
        in_w = lambda d: d is not None and W_START <= d <= D  # noqa: E731
        production = [p for p in projects if in_w(p.production_on)]
        started = [p for p in projects if in_w(p.started_on)]
        pending = [p for p in projects if by(p.submitted_on) and not by(p.reviewed_on) and not by(p.signed_on)
                   and not by(p.terminated_on)]
        negotiating = [p for p in projects if by(p.contacted_on) and not by(p.submitted_on) and not by(p.signed_on)
                       and not by(p.terminated_on)]
        self.assertEqual(self._lead(production), "年产30万套LED车灯研发生产项目")
        self.assertTrue(self._lead(started).endswith("万件特种汽车零部件生产项目"))
        self.assertEqual(self._lead(pending), "瑞华康源智能医院物联网设备项目")
        top2 = [p.name for p in sorted(negotiating, key=lambda p: -p.total_investment)[:2]]
        self.assertEqual(top2, ["年产10GWh大容量储能磷酸铁锂电池项目", "新能源动力电池材料产业园项目"])
        # Every stage is populated, and one project signed in W was terminated afterwards.
        self.assertTrue(all(len(s) >= 3 for s in (production, started, pending, negotiating)))
        self.assertTrue(any(in_w(p.signed_on) and p.terminated_on for p in projects))

    def test_two_special_bonds_approved_this_year(self):
        bonds = FinancingProject.objects.filter(kind="special_bond", approved_on__range=(W_START, D)).order_by("approved_on")
        self.assertEqual([b.name for b in bonds],
                         ["生态园综合配套提升工程项目", "中东欧国际合作产业园前湾客运中心新建工程项目"])

    def test_most_active_enterprises_signed_a_safety_letter(self):
        active = set(Enterprise.objects.filter(registered_on__lte=D).exclude(closed_on__lte=D).values_list("uscc", flat=True))
        signed = set(SafetyLetter.objects.filter(year=2022, signed_on__lte=D).values_list("uscc", flat=True))
        rate = Decimal(len(active & signed)) / len(active) * 100
        self.assertTrue(Decimal(90) <= rate < Decimal(100), rate)

    def test_petitions_close_mostly_with_a_few_overdue(self):
        received = list(Petition.objects.filter(received_on__range=(W_START, D)))
        closed = [p for p in received if by(p.closed_on)]
        overdue = [p for p in Petition.objects.all() if not by(p.closed_on) and (D - p.received_on).days > 60]
        self.assertTrue(0.9 < len(closed) / len(received) < 1)
        self.assertTrue(1 <= len(overdue) <= 5)
        self.assertEqual({p.source for p in received}, {"public", "department", "superior"})

    def test_air_samples_are_rounds_of_several_stations(self):
        per_day = Counter(AirSample.objects.filter(sampled_on__range=(W_START, D)).values_list("sampled_on", flat=True))
        self.assertTrue(all(n >= 3 for n in per_day.values()))
        self.assertTrue(3 * 9 <= len(per_day) <= 4 * 9)  # three to four rounds a month

    def test_targets_estimates_and_manual_figures(self):
        for key in ("econ.output", "econ.above_scale_value_added.yoy", "econ.fai"):
            self.assertTrue(Target.objects.filter(park="ECO", year=2023, indicator=key).exists(), key)
            self.assertTrue(Target.objects.filter(park="ECO", year=2022, indicator=key).exists(), key)
        self.assertTrue(Estimate.objects.filter(park="ECO", indicator="econ.fai_projects", month="2022-09").exists())
        self.assertTrue(ManualFigure.objects.filter(
            park="ECO", indicator="econ.above_scale_value_added.yoy", month="2022-09").exists())
        self.assertTrue(ManualFigure.objects.filter(
            park="ECO", indicator="build.basic_farmland_area", month__lte="2022-09").exists())

    def test_the_figures_of_the_report_period_are_defined_and_plausible(self):
        from parkledger.indicators.engine import compute_figures

        figures = compute_figures("ECO", "2022-09")
        undefined = [key for key, fig in figures.items() if fig.value is None]
        # Undefined by nature: areas of pipelines and roads, the progress of a growth target.
        allowed = ("build.project.land_area[", "build.project.floor_area[", "plan.progress[econ.above_scale_value_added.yoy]")
        self.assertEqual([k for k in undefined if not k.startswith(allowed)], [])
        zero = [key for key, fig in figures.items() if isinstance(fig.value, Decimal) and fig.value == 0]
        self.assertEqual(zero, [])
        for key, fig in figures.items():
            if key.endswith(".yoy") and fig.value is not None:
                self.assertTrue(-30 <= fig.value <= 30, (key, fig.value))
            if key.endswith("_rate") and fig.value is not None:
                self.assertTrue(0 < fig.value <= 100, (key, fig.value))
        self.assertTrue(Decimal(60) <= figures["econ.above_scale_output"].value <= Decimal(90))
        self.assertEqual(figures["invest.production.lead"].value, "年产30万套LED车灯研发生产")
        self.assertEqual(figures["platform.cee_landed.leads2"].value, "爱沙尼亚智慧路灯、匈牙利量子水泥")

    def test_demo_if_empty_leaves_an_existing_park_alone(self):
        before = Enterprise.objects.count()
        out = io.StringIO()
        call_command("demo", "--if-empty", stdout=out)
        self.assertIn("已存在", out.getvalue())
        self.assertIn("admin", out.getvalue())  # the login is printed every time
        self.assertEqual(Enterprise.objects.count(), before)

    def test_demo_refuses_to_load_twice(self):
        with self.assertRaisesMessage(CommandError, "ECO已存在"):
            call_command("demo", stdout=io.StringIO())


@pytest.mark.django_db
def test_demo_writes_the_import_format_to_a_csv_directory(tmp_path):
    out = io.StringIO()
    call_command("demo", "-o", str(tmp_path / "csv"), stdout=out)
    files = sorted(p.stem for p in (tmp_path / "csv").glob("*.csv"))
    assert files == sorted(kind_models())
    head = (tmp_path / "csv" / "enterprise_month.csv").read_text(encoding="utf-8-sig").splitlines()[0]
    assert head == "uscc,month,above_scale,output_value,value_added,revenue,tax,energy_tce,employees,rd_expense"
    assert not Park.objects.exists()  # written, not loaded
