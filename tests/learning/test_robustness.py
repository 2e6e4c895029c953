"""Any text learns without an error, and its template compiles and renders (with no figures at all, and with
every figure it names)."""
from __future__ import annotations

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from parkledger.reports.learning import LearnInputError
from parkledger.reports.learning.names import EMPTY
from tests.learning.helpers import eco_catalogue, learn_text
from tests.reports.helpers import document

PIECES = ["园区", "实现", "工业总产值", "规上", "同比增长", "下降", "亿元", "万元", "%", "个", "家", "项目", "等",
          "分别为", "均实现", "和", "、", "，", "。", "；", "：", "“", "”", "(", ")", "X", "XX", "x.xx", "*", "_",
          "1_._", "12", "3.5", "2022年", "2023年", "1-9月", "截至", "月", "余", "超", "约", "以上", "多", "两只",
          "四大", "{{", "}}", "{%", "%}", "{#", "#}", "\\", "\"", "\n", "总投资", "其中", "力争", "预计全年",
          "入库项目", "新签约项目", "办结率", "调解成功率", "已注册", "DN", "KV", "年产", "世界", "强", "\t", "市",
          "生态园", "上海虹桥", "楼", "复旦(张江)科创中心", "投资孵化项目", "A", "B2B", "\ue000"]

texts = st.lists(st.sampled_from(PIECES), min_size=1, max_size=60).map("".join)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(body=texts, named=st.booleans())
def test_any_text_learns_into_a_template_that_renders(body, named):
    try:
        result = learn_text("园区2022年工作总结和2023年工作思路\n" + body, eco_catalogue() if named else EMPTY)
    except LearnInputError:
        return
    for det in result.detections:
        assert result.source.text[det.start:det.end] == det.text
        assert det.cls in ("figure", "name", "spec", "phrase", "date")
        assert 0 <= det.confidence <= 1
    document(result.template, {})  # every figure undefined: guards leave sentences out, nothing breaks
