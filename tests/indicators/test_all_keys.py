"""The JSON of `figures` lists every key of the indicator dictionary's "All keys" block."""
from __future__ import annotations

import io
import json
from datetime import date

import pytest
from django.core.management import call_command

from parkledger.construction.models import GovProject, SubProject
from parkledger.economy.models import SupportPackage
from parkledger.investment.models import Platform, Talent, TalentApplication, TalentHonour
from parkledger.plans.models import Target

from .hand_data import parks

pytestmark = pytest.mark.django_db

# The "All keys" block of the indicator dictionary, as the JSON of `figures` spells the keys.
ALL_KEYS = """
econ.output econ.output.yoy econ.above_scale_output econ.above_scale_output.yoy
econ.above_scale_value_added econ.above_scale_value_added.yoy econ.fiscal_revenue_total
econ.general_budget_revenue econ.fiscal_expenditure_total econ.general_budget_expenditure
econ.fai econ.fai.yoy econ.industrial_investment econ.industrial_investment.yoy
econ.fai_projects econ.fai_projects.estimate
invest.signed invest.signed.investment invest.domestic_outside_prefecture
invest.domestic_outside_county invest.zhejiang_merchant_capital invest.production
invest.production.investment invest.production.lead invest.started invest.started.investment
invest.started.lead invest.to_start invest.to_start.lead invest.pending_review
invest.pending_review.lead invest.negotiating invest.negotiating.investment
invest.negotiating.leads2 invest.reviewed invest.fdi_actual
talent.introduced talent.introduced.senior talent.total.top talent.total.leading
talent.total.senior talent.total.basic talent.applications talent.applications[PROGRAM]
talent.honours talent.honours[TITLE]
platform.incubated[CODE] platform.signed[CODE] platform.landed[CODE] platform.tenants[CODE]
platform.count[KIND] platform.intl_recommended platform.intl_top platform.intl_top.landed
platform.intl_top.lead platform.cee_recommended platform.cee_landed platform.cee_landed.leads2
innov.engineering_centers innov.hte_pool_added innov.applied.hte
innov.applied.provincial_tech_sme innov.applied.national_tech_sme innov.patents
innov.patents.invention
support.permu_grade_a support.tech_upgrade support.tech_upgrade.subsidy support.loan_interest
support.quality_award support.quality_award.amount support.relief_total support.service_requests
build.gov_projects build.gov_projects.total_investment build.gov_projects.invested
build.project.total_investment[CODE] build.project.sub_projects[CODE]
build.project.sub_projects_tendered[CODE] build.project.land_area[CODE]
build.project.floor_area[CODE] build.land_transfers build.land_transfers.area
build.sea_infra_approved_area build.sea_industrial_preparing build.basic_farmland_area
eco.water_green_projects eco.releases eco.releases.benthic eco.releases.fish
eco.releases.contract eco.wetland_planned_area
safety.letter_rate safety.insured safety.inspections safety.hazards safety.ordered
safety.hazards_overdue safety.materials safety.messages safety.cert_training
safety.staff_training
env.odour_listed env.odour_next_year env.air_samples_per_month env.water_compliance_rate
env.violators env.violators.rectify env.violators.penalty env.violators.closure
gov.issues_rectified gov.petitions_closed gov.petition_closure_rate gov.petitions_overdue
gov.disputes_mediated gov.mediation_success_rate
finance.asset_filings finance.financing_projects finance.special_bonds_approved
finance.special_bonds_approved.names finance.investment_policy finance.investment_policy.amount
finance.investment_policy.share finance.rent_relief finance.package.fund[CODE]
finance.package.subsidy[CODE] finance.package.paid[CODE] finance.package.as_of_month[CODE]
party.night_study party.activities party.training party.unions party.task_forces party.duty
plan.target[KEY] plan.target_current[KEY] plan.progress[KEY]
""".split()


@pytest.fixture
def parameters():
    """One record for every kind a parameterised key expands over."""
    parks()
    d = date(2022, 3, 1)
    Platform.objects.create(code="SH-FUDAN", name="余姚复旦(张江)科创中心", park_id="ECO", kind="enclave", opened_on=d)
    Platform.objects.create(code="IC-DE", name="中德(斯图加特)创新中心", park_id="ECO", kind="intl_center",
                            opened_on=d)
    t = Talent.objects.create(code="T1", name="某", park_id="ECO", tier="senior", introduced_on=d)
    TalentApplication.objects.create(park_id="ECO", program="甬江引才工程", applicant_kind="team",
                                     applicant_name="某团队", applied_on=d)
    TalentHonour.objects.create(talent=t, title="市杰出人才", awarded_on=d)
    gp = GovProject.objects.create(code="GP-AMENITY", name="综合配套提升工程", park_id="ECO", category="amenity",
                                   plan_year=2022, total_investment=50000, land_area_mu=120, floor_area_m2=34567)
    SubProject.objects.create(project=gp, name="一标段", tendered_on=d)
    GovProject.objects.create(code="GP-CULTURE", name="中国-中东欧文化交流中心", park_id="ECO", category="culture",
                              plan_year=2023, land_area_mu=80, floor_area_m2=60000)
    SupportPackage.objects.create(code="SP-YOUSI", park_id="ECO", project_name="甬矽电子二期项目",
                                  fund_amount=100000, subsidy_amount=50000, paid_amount=12345, as_of=d)
    Target.objects.create(park_id="ECO", year=2022, indicator="econ.output", value=240)
    Target.objects.create(park_id="ECO", year=2023, indicator="econ.output", value=265)


def test_figures_json_lists_every_dictionary_key(parameters):
    out = io.StringIO()
    call_command("figures", "--park", "ECO", "--period", "2022-09", "--format", "json", stdout=out)
    data = json.loads(out.getvalue())
    missing = []
    for key in ALL_KEYS:
        if key.endswith("]"):
            prefix = key[: key.index("[") + 1]
            if not any(k.startswith(prefix) for k in data):
                missing.append(key)
        elif key not in data:
            missing.append(key)
    assert missing == []
    assert all(set(entry) == {"value", "text", "unit"} for entry in data.values())
    # the parameters come from the records above
    for key in ("platform.incubated[SH-FUDAN]", "platform.count[intl_center]", "talent.applications[甬江引才工程]",
                "talent.honours[市杰出人才]", "plan.target[econ.output]", "plan.target_current[econ.output]",
                "plan.progress[econ.output]"):
        assert key in data, key
