"""The words that name each indicator in a report: the synonym table the binder matches.

A cue is a regular expression for the words written next to a figure:
- side "B": the words before the figure, in its clause (`园区实现工业总产值` … `80.08亿元`);
- side "A": the words after it (`重点整治18家` … `臭气异味排放突出企业`).
`context` (optional) must also occur near the figure (the sentence and the text just before it), for
words that mean an indicator only in one setting (`涉及面积` of 用海). A key may hold a placeholder that the
binder fills from the park's names: `{platform}`, `{project}`, `{package}` (a code), `{programme}`,
`{title}` (a name), or a fixed parameter.

`CHILDREN` are the figures that belong to the one quoted before them in the sentence
(`新签约项目19个，总投资26.92亿元` → `invest.signed.investment`).
"""
from __future__ import annotations

import re
from dataclasses import dataclass

__all__ = ["Cue", "CUES", "CHILDREN", "LEAD_NAMES", "GROWTH_RE", "TARGET_RE", "ESTIMATE_RE", "SEPARATELY_RE",
           "BOTH_RE", "cue_table"]


@dataclass(frozen=True)
class Cue:
    key: str
    side: str
    pattern: re.Pattern[str]
    context: re.Pattern[str] | None = None
    weight: float = 0.0


_CJK = "\u4e00-\u9fff"

# key → (before cues, after cues, context)
_TABLE: list[tuple[str, str, str, str]] = [
    # (二) 经济运行, headline
    ("econ.output", "B", r"(?<!规上)(?<!规模以上)(?<!上)工业总?产值", ""),
    ("econ.above_scale_output", "B", r"(?:规上|规模以上)工业总?产值|规上产值", ""),
    ("econ.above_scale_value_added", "B", r"(?:规上|规模以上)工业增加值", ""),
    ("econ.above_scale_value_added.yoy", "B", r"(?:规上|规模以上)工业增加值(?:增速|增幅)", ""),
    ("econ.output.yoy", "B", r"(?<!规上)(?<!规模以上)工业总?产值(?:增速|增幅)", ""),
    ("econ.fiscal_revenue_total", "B", r"财政总收入", ""),
    ("econ.general_budget_revenue", "B", r"(?:地方)?一般(?:公共)?预算收入", ""),
    ("econ.fiscal_expenditure_total", "B", r"财政总支出", ""),
    ("econ.general_budget_expenditure", "B", r"(?<!占)一般(?:公共)?预算支出", ""),
    # 工业固定资产投资 / 工业性投资 are 工业投资, not 固定资产投资
    ("econ.fai", "B", r"(?<!工业)(?<!工业性)固定资产投资(?:额)?|(?<!工业)固投", ""),
    ("econ.fai.yoy", "B", r"(?<!工业)(?<!工业性)(?:固定资产投资|固投)(?:增速|增幅)", ""),
    ("econ.industrial_investment", "B", r"(?<![非])工业(?:性)?(?:固定资产)?投资", ""),
    ("econ.industrial_investment.yoy", "B", r"工业(?:性)?(?:固定资产)?投资(?:增速|增幅)", ""),
    ("econ.fai_projects", "B", r"(?:固定资产投资|固投)?入库项目", ""),
    # (一) 招商引资
    ("invest.signed", "B", r"(?:新)?签约(?:引进)?项目|新签项目|签约落地项目", ""),
    ("invest.signed", "A", r"^(?:个)?项目签约(?:入园|落地)", ""),
    ("invest.signed.investment", "B", r"签约(?:项目)?总投资", ""),
    ("invest.domestic_outside_prefecture", "B", r"地级市外(?:实到)?内资|市外实到内资|市外内资", ""),
    ("invest.domestic_outside_county", "B", r"县级市外(?:实到)?内资|县外(?:实到)?内资", ""),
    ("invest.zhejiang_merchant_capital", "B", r"浙商(?:创新创业|回归)资金", ""),
    ("invest.production", "A", r"(?:完成|实现|竣工|建成)投产|投产项目", ""),
    ("invest.production", "B", r"(?:完成|竣工|新)?投产项目", ""),
    ("invest.started", "A", r"(?<!前)(?<!底)开工(?:建设)?(?!前)", ""),
    ("invest.started", "B", r"(?:新)?开工(?:建设)?项目", ""),
    ("invest.to_start", "A", r"(?:预计|计划)?年底前?开工", ""),
    ("invest.to_start", "B", r"(?:预计|计划)?年底前?开工(?:的)?项目", ""),
    ("invest.pending_review", "A", r"待评审(?:项目)?|即将签约", ""),
    ("invest.pending_review", "B", r"待评审(?:即将签约)?项目", ""),
    ("invest.negotiating", "A", r"(?:正在)?深入洽谈|在谈", ""),
    ("invest.negotiating", "B", r"深入洽谈(?:中的)?项目|在谈项目", ""),
    ("invest.reviewed", "B", r"审核拟落户项目|拟落户项目", ""),
    ("invest.fdi_actual", "B", r"实际(?:利用|使用)外资|实到外资|利用外资", ""),
    ("talent.introduced", "B", r"(?:新)?引进(?:各类)?(?:高级|高层次)人才", ""),
    ("talent.introduced.senior", "B", r"其中高级人才", ""),
    ("talent.total.top", "B", r"特优人才(?:总数)?", ""),
    ("talent.total.leading", "B", r"(?<!引进)领军(?:型)?人才(?:总数)?", ""),
    ("talent.total.senior", "B", r"(?<!引进)(?<!新引进)高级人才(?:总数)?", ""),
    ("talent.total.basic", "B", r"基础人才(?:总数)?", ""),
    ("talent.applications[{programme}]", "B", r"引才工程|人才工程|引才计划", ""),
    ("talent.honours[{title}]", "B", r"杰出人才|拔尖人才|优秀人才", ""),
    ("platform.incubated[{platform}]", "B", r"(?:投资)?孵化项目", ""),
    ("platform.signed[{platform}]", "B", r"引进签约项目", ""),
    ("platform.landed[{platform}]", "B", r"(?<!注册)完成落地|落地项目", ""),
    ("platform.tenants[{platform}]", "A", r"(?:家)?企业入驻|入驻", ""),
    ("platform.tenants[{platform}]", "B", r"入驻企业", ""),
    ("platform.intl_recommended", "B", r"(?:累计)?推荐项目", r"国际创新|创新中心|国际招商"),
    ("platform.count[intl_center]", "A", r"国际创新中心", ""),
    ("platform.count[cee_base]", "A", r"中东欧创新基地", ""),
    ("platform.intl_top.landed", "B", r"已注册", r"创新中心"),
    ("platform.cee_recommended", "B", r"引荐(?:中东欧国家)?项目|中东欧国家项目", ""),
    ("platform.cee_landed", "A", r"注册落地", ""),
    # (二) 企业创新与助企纾困
    ("innov.engineering_centers", "B", r"工程[（(]?技术[）)]?中心|企业技术中心", ""),
    ("innov.hte_pool_added", "B", r"(?:高新技术企业|高企)培育库(?:企业)?|培育库企业", ""),
    ("innov.applied.hte", "B", r"(?<!国家)(?<!省)(?:新申报)?(?:国家)?高新技术企业(?!培育)|申报高企|高企", ""),
    ("innov.applied.provincial_tech_sme", "B", r"(?:浙江)?省(?:级)?科技型中小企业|省科小", ""),
    ("innov.applied.national_tech_sme", "B", r"国家(?:级)?科技型中小企业|国科小", ""),
    ("innov.patents", "B", r"授权(?:入库)?专利(?:数)?|专利授权(?:数|量)?", ""),
    ("innov.patents.invention", "B", r"发明专利", ""),
    ("support.permu_grade_a", "A", r"(?:家)?(?:企业)?被?评为A[级类]", ""),
    ("support.permu_grade_a", "B", r"A[级类]企业", ""),
    ("support.tech_upgrade", "B", r"技改(?:项目)?竣工验收", ""),
    ("support.loan_interest", "B", r"贷款贴息(?:企业)?", ""),
    ("support.loan_interest", "A", r"(?:家)?企业(?:办理)?贷款贴息", ""),
    ("support.quality_award", "A", r"高质量发展(?:奖励)?企业", ""),
    ("support.quality_award", "B", r"高质量发展(?:奖励)?企业", ""),
    ("support.relief_total", "B", r"奖励或补助|留工红包|(?:扶持|纾困)(?:等)?(?:奖励|补助|资金)", ""),
    ("support.service_requests", "B", r"受理(?:各类)?(?:业务|事项|办件)|受理(?:企业)?诉求", ""),
    # (三) 基础配套
    ("build.gov_projects", "B", r"政府投资项目", ""),
    ("build.gov_projects.invested", "B", r"完成年度投资", ""),
    ("build.project.sub_projects[{project}]", "A", r"子项目", ""),
    ("build.project.sub_projects_tendered[{project}]", "A", r"完成(?:施工)?招标", r"子项目"),
    ("build.project.land_area[{project}]", "B", r"占地(?:面积)?", ""),
    ("build.project.floor_area[{project}]", "B", r"(?:总)?建筑面积", ""),
    ("build.land_transfers", "B", r"土地出让|出让土地", ""),
    ("build.land_transfers.area", "B", r"出让面积", ""),
    ("build.sea_infra_approved_area", "B", r"涉及面积|用海(?:获批)?面积", r"用海"),
    ("build.sea_industrial_preparing", "A", r"(?:个)?产业用海项目", ""),
    ("build.basic_farmland_area", "B", r"基本农田", ""),
    ("eco.water_green_projects", "A", r"项目中", r"水系绿地"),
    ("eco.water_green_projects", "B", r"水系绿地项目", ""),
    ("eco.releases", "A", r"(?:增殖)?放流", ""),
    ("eco.releases", "B", r"增殖放流", ""),
    ("eco.releases.benthic", "B", r"底栖生物", ""),
    ("eco.releases.fish", "B", r"鱼类(?:等)?", ""),
    ("eco.releases.contract", "B", r"合同(?:总)?金额", r"放流|流放"),
    ("eco.wetland_planned_area", "B", r"湿地(?:修复)?面积", ""),
    # (四) 综合治理
    ("safety.letter_rate", "B", r"(?:责任书)?签订率", ""),
    ("safety.insured", "B", r"投保(?:安全生产责任险)?(?:企业)?", ""),
    ("safety.inspections", "B", r"检查(?:各类)?企业|(?:开展|组织)(?:各类)?安全(?:生产)?检查", ""),
    ("safety.hazards", "B", r"(?:发现|排查出?)(?:并整改)?(?:安全)?隐患|隐患", ""),
    ("safety.hazards_overdue", "B", r"逾期未(?:完成)?整改(?:的)?(?:安全)?隐患", ""),
    ("safety.ordered", "A", r"企业限时(?:完成)?整改|家?企业整改", ""),
    ("safety.materials", "B", r"宣传资料|宣传册", ""),
    ("safety.messages", "B", r"短消息|短信", ""),
    ("safety.cert_training", "B", r"取证(?:上岗)?培训", ""),
    ("safety.staff_training", "B", r"员工(?:安全)?培训|培训(?:企业)?员工", ""),
    ("env.odour_listed", "A", r"臭气异味", ""),
    ("env.odour_next_year", "A", r"企业的?提升改造", r"明年|下一年"),
    ("env.air_samples_per_month", "A", r"大气(?:质量)?(?:抽检|监测)", ""),
    ("env.water_compliance_rate", "B", r"水质达标率", ""),
    ("env.violators", "B", r"查处(?:环境)?(?:违规|违法)企业", ""),
    ("env.violators.rectify", "B", r"责令整改", ""),
    ("env.violators.penalty", "B", r"行政处罚", ""),
    ("env.violators.closure", "B", r"关停|关闭", ""),
    ("gov.issues_rectified", "B", r"问题", r"整改"),
    ("gov.petitions_closed", "B", r"(?<!受理)(?:信访件|信访案件)|办结信访", ""),
    ("gov.petitions_closed", "B", r"办结", r"信访"),
    ("gov.petition_closure_rate", "B", r"信访(?:件)?办结率", ""),
    ("gov.petition_closure_rate", "B", r"办结率", r"信访|来访|来信|投诉|调解"),
    ("gov.petitions_overdue", "B", r"超期未办结(?:的)?信访(?:件|案件)?", ""),
    ("gov.disputes_mediated", "B", r"调解(?:各类)?(?:矛盾)?纠纷", ""),
    ("gov.mediation_success_rate", "B", r"调解成功率", ""),
    # (五) 改革创新与资金保障
    ("finance.asset_filings", "B", r"备案事项|审批事项", ""),
    ("finance.financing_projects", "B", r"融资项目", ""),
    ("finance.special_bonds_approved", "A", r"政府专项债|专项债", ""),
    ("finance.investment_policy", "B", r"政策兑现企业", ""),
    ("finance.investment_policy.amount", "B", r"兑现补助|兑现资金", ""),
    ("finance.investment_policy.share", "B", r"占一般(?:公共)?预算支出(?:的)?比重", ""),
    ("finance.rent_relief", "B", r"(?:减免|免收)(?:国有)?(?:经营性用房)?租金|租金减免", ""),
    ("finance.package.fund[{package}]", "A", r"基金", ""),
    ("finance.package.subsidy[{package}]", "A", r"政策补助", ""),
    ("finance.package.paid[{package}]", "B", r"已?兑付", ""),
    # (六) 党建与队伍
    ("party.night_study", "B", r"夜学", ""),
    ("party.activities", "B", r"活动", r"党课|党建|党员"),
    ("party.training", "B", r"培训(?:机关)?干部|干部培训", ""),
    ("party.unions", "B", r"(?:企业)?工会", ""),
    ("party.task_forces", "A", r"(?:工作)?专班", ""),
    ("party.task_forces", "B", r"(?:工作|攻坚)?专班", ""),
    ("party.duty", "A", r"参加.{0,12}值守", ""),
]

CUES: tuple[Cue, ...] = tuple(
    Cue(key, side, re.compile(pattern), re.compile(context) if context else None)
    for key, side, pattern, context in _TABLE
)

# Words before a figure that make it a part of the figure quoted before it in the sentence.
CHILDREN: tuple[tuple[re.Pattern[str], tuple[str, ...]], ...] = (
    (re.compile(r"(?:计划)?总投资(?:额)?$"), (".investment", ".total_investment")),
    (re.compile(r"补(?:贴|助)资金$|补贴$"), (".subsidy",)),
    (re.compile(r"(?:奖金|奖励资金|兑现补助|补助资金|兑现资金)$"), (".amount",)),
    (re.compile(r"(?:出让)?面积$"), (".area",)),
    (re.compile(r"(?:完成)?(?:年度)?投资$"), (".invested",)),
    (re.compile(r"底栖生物$"), (".benthic",)),
    (re.compile(r"鱼类等?$"), (".fish",)),
    (re.compile(r"合同(?:总)?金额$"), (".contract",)),
)

# The names key the `lead` filter takes for a count (None: the count's own `.lead`).
LEAD_NAMES: dict[str, str | None] = {
    "invest.production": None, "invest.started": None, "invest.to_start": None,
    "invest.pending_review": None, "invest.negotiating": "invest.negotiating.leads2",
    "platform.intl_top.landed": "platform.intl_top.lead", "platform.cee_landed": "platform.cee_landed.leads2",
}

GROWTH_RE = re.compile(
    r"(同比|较去年同期|较上年同期|比上年同期|比去年同期|比上年|较上年|比去年|较去年)?"
    r"(增长|下降|减少|增加|提高|上升|回落|增速|增幅|增长率)(?:了|为|达)?$")
TARGET_RE = re.compile(r"力争|目标(?:是|为|：|:)|确保实现|计划实现|预期目标|主要目标")  # next year's targets
ESTIMATE_RE = re.compile(r"预计")
SEPARATELY_RE = re.compile(r"分别(?:为|达到?|是|有|实现)?$")
BOTH_RE = re.compile(r"均(?:实现|为|达到?)$")


def cue_table() -> list[dict[str, str]]:
    """The synonym table as rows (for the review page and the docs)."""
    return [{"key": key, "side": side, "pattern": pattern, "context": context}
            for key, side, pattern, context in _TABLE]
