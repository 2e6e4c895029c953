"""The template written from a learnt document: placeholders with the text's own wording, sentence and
clause guards, park and period variables; rendered with the document's own figures it gives the text back."""
from __future__ import annotations

from parkledger.reports.language import check_template
from tests.learning.helpers import eco_catalogue, learn_text
from tests.reports.helpers import document, figure, figure_map, texts

TITLE = "生态园2022年工作总结和2023年工作思路"


def body_lines(template: str) -> list[str]:
    """The template without its header comment, as lines."""
    return template.split("#}\n", 1)[1].strip().split("\n")


def test_placeholders_guards_and_variables():
    result = learn_text(f"{TITLE}\n1-9月，园区新签约项目19个，总投资26.92亿元。\n"
                        "实现宁波市外实到内资26.27亿元。", eco_catalogue())
    assert body_lines(result.template) == [
        "{{ park.short_name }}{{ Y }}年工作总结和{{ Y1 }}年工作思路",
        "",
        '{% sentence %}{{ period.label }}{% clause %}，园区新签约项目{{ "invest.signed" | n }}个'
        '{% clause %}，总投资{{ "invest.signed.investment" | yi }}{% endclause %}{% endclause %}。{% endsentence %}',
        "",
        '{% sentence %}实现{{ city }}市外实到内资{{ "invest.domestic_outside_prefecture" | yi }}。{% endsentence %}',
    ]
    check_template(result.template)


def test_wording_filters_follow_the_text():
    result = learn_text(f"{TITLE}\n累计检查企业350余家次，传播安全微信及短消息4400多条，培训机关干部960人次以上。"
                        "年产10GWh大容量储能磷酸铁锂电池、新能源动力电池材料产业园等5个项目深入洽谈中，总投资超96亿元。"
                        "占地86.4亩、总建筑面积约12万平方米的中国-中东欧文化交流中心项目建设。"
                        "生态园综合配套提升工程项目和前湾客运中心新建工程项目两只政府专项债成功获批。", eco_catalogue())
    t = result.template
    for piece in ('{{ "safety.inspections" | approx("余") }}家次', '{{ "safety.messages" | approx("多") }}条',
                  '{{ "party.training" | approx("以上") }}',
                  '{{ "invest.negotiating" | lead("invest.negotiating.leads2") }}深入洽谈中',
                  '总投资{{ "invest.negotiating.investment" | approx("超") }}亿元',
                  '总建筑面积{{ "build.project.floor_area[GP-CULTURE]" | about }}万平方米',
                  '{{ "finance.special_bonds_approved.names" | name }}{{ "finance.special_bonds_approved" | cn_count }}只'):
        assert piece in t, piece


FIGURES = figure_map(
    figure("econ.output", "80.08", "亿元"), figure("econ.output.yoy", "4.1", "%"),
    figure("econ.fai", "41.65", "亿元"), figure("econ.fai.yoy", "-2.3", "%"),
    figure("safety.inspections", "356", "家次"), figure("safety.hazards", "907", "处"),
    figure("invest.production", "11", "个"), figure("invest.production.lead", "年产30万套LED车灯研发生产项目"),
    figure("invest.production.investment", "20.93", "亿元"),
    figure("gov.petition_closure_rate", "94.6", "%"), figure("gov.mediation_success_rate", "95.9", "%"),
    figure("finance.special_bonds_approved", "2", "只"),
    figure("plan.target[econ.output]", "135", "亿元"),
)
TEXT = (f"{TITLE}\n"
        "2022年，生态园经济运行总体平稳。1-9月，园区实现工业总产值80.08亿元，同比增长4.1%；完成固定资产投资41.65亿元，同比下降2.3%。\n"
        "一、2022年工作总结\n"
        "1.项目招引协同推进。年产30万套LED车灯研发生产等11个项目完成投产，总投资20.93亿元。"
        "累计检查企业350余家次，发现隐患900余处。办结率、调解成功率分别为94.6%和95.9%。\n"
        "二、2023年工作思路\n"
        "初步打算，2023年力争实现工业总产值135亿元。“最名邑”的说法见于1988年。")


def test_rendered_with_the_documents_figures_it_gives_the_text_back():
    result = learn_text(TEXT, eco_catalogue())
    doc = document(result.template, FIGURES)
    assert texts(doc) == TEXT.split("\n")
    assert doc.omitted == []


def test_a_missing_figure_leaves_out_its_clause_or_sentence():
    result = learn_text(TEXT, eco_catalogue())
    without_growth = {k: v for k, v in FIGURES.items() if k != "econ.fai.yoy"}
    assert "完成固定资产投资41.65亿元。" in texts(document(result.template, without_growth))[1]
    without_level = {k: v for k, v in FIGURES.items() if k not in ("econ.fai", "econ.fai.yoy")}
    assert texts(document(result.template, without_level))[1].endswith("园区实现工业总产值80.08亿元，同比增长4.1%。")
    no_leads = {k: v for k, v in FIGURES.items() if not k.startswith("invest.production")}
    assert "完成投产" not in "".join(texts(document(result.template, no_leads)))
    zero = dict(FIGURES, **figure_map(figure("safety.hazards", "0", "处")))
    assert "累计检查企业350余家次。" in texts(document(result.template, zero))[3]


def test_unbound_figures_stay_as_text_and_are_listed():
    result = learn_text(f"{TITLE}\n园区道路新增通车里程4.2公里。", eco_catalogue())
    assert [d.text for d in result.unbound] == ["4.2公里"]
    header, body = result.template.split("#}\n", 1)
    assert "4.2公里" in header and "园区道路新增通车里程4.2公里。" in body
    assert texts(document(result.template, {}))[1] == "园区道路新增通车里程4.2公里。"


def test_braces_and_sentences_ending_in_a_quote_are_kept_as_written():
    text = f"{TITLE}\n新签约项目19个，称为“{{{{重点}}}}项目”。新签约项目19个，简称“双十”。"
    result = learn_text(text, eco_catalogue())
    check_template(result.template)
    doc = document(result.template, figure_map(figure("invest.signed", "19", "个")))
    assert texts(doc)[1] == "新签约项目19个，称为“{{重点}}项目”。新签约项目19个，简称“双十”。"


def test_masked_names_become_the_parks_names():
    result = learn_text(f"{TITLE}\n与X农商银行达成战略合作，深化X控股集团改革，制定《X生态园人才政策》，X市杰出人才X人。",
                        eco_catalogue())
    body = result.template.split("#}\n", 1)[1]
    assert "与{{ county }}农商银行" in body and "深化{{ park.short_name }}控股集团" in body
    assert "《{{ park.name }}人才政策》" in body and "{{ city }}市杰出人才" in body
