"""Templates cannot reach Python internals, files, settings or other parks, and cannot run away."""
from __future__ import annotations

import time
from datetime import date

import pytest

from parkledger.reports.sandbox import BudgetExceeded, Limits, ReportTemplateError
from tests.reports.helpers import figure, figure_map, render

FIGS = figure_map(figure("econ.output", "35.72", "亿元"))


@pytest.mark.parametrize("source", [
    "{{ ''.__class__.__mro__ }}",
    "{{ ''.__class__.__mro__[1].__subclasses__() }}",
    "{{ rates.__globals__ }}",
    "{{ platform.__globals__['__builtins__'] }}",
    "{{ value.__code__ }}",
    "{{ park.__class__ }}",
    "{{ namespace.__init__.__globals__ }}",
    "{{ range.__self__ }}",
    "{{ ''.format.__globals__ }}",
    "{{ '{0.__class__}'.format(park) }}",
    "{{ 'x'.encode('utf-8') }}",
    "{{ lipsum.__globals__ }}",
    "{{ cycler.__init__.__globals__.os }}",
    "{{ self.__init__.__globals__ }}",
    "{{ settings.SECRET_KEY }}",
    "{{ config }}",
    "{{ request }}",
    "{{ park.parent }}",
    "{% for k, v in park.items() %}{{ v.__class__ }}{% endfor %}",
    "{{ dict.__base__.__subclasses__() }}",
    "{{ ('econ.output' | n).__class__ }}",
])
def test_python_internals_settings_and_unknown_names_are_refused(source):
    with pytest.raises(ReportTemplateError) as info:
        render(f"标题\n\n{source}", FIGS)
    assert info.value.line == 3


@pytest.mark.parametrize("source", [
    "{% include '/etc/passwd' %}",
    "{% import '/etc/passwd' as p %}",
    "{% from 'x' import y %}",
    "{% extends '/etc/passwd' %}",
])
def test_templates_read_no_files(source):
    with pytest.raises(ReportTemplateError) as info:
        render(f"标题\n{source}")
    assert info.value.line == 2
    assert "不能使用" in info.value.message


def test_the_park_seen_by_a_template_is_plain_strings():
    result = render("{{ park.code }} {{ park.name }} {{ city }} {{ county }} {{ Y }} {{ period.label }}")
    assert result.text == "ECO 宁波前湾新区生态园 宁波 余姚 2022 1-9月"


@pytest.mark.parametrize("source", [
    "{% for i in range(10**9) %}{% endfor %}",                                        # range is capped
    "{% for i in range(5000) %}{% for j in range(5000) %}{% endfor %}{% endfor %}",  # 25 million steps
    "{{ 'a' * 10**9 }}",
    "{{ [1] * 10**9 }}",
    "{{ 10 ** 10 ** 10 }}",
    "{{ 99999999 ** 64 }}",
    "{{ '%999999999d' % 1 }}",
    "{{ '{:>999999999}'.format(1) }}",
    "{{ 'a'.ljust(10**8) }}",
    "{{ 'a' | center(10**9) }}",
    "{{ 'ab' | replace('a', 'a' * 99999) | replace('a', 'a' * 99999) }}",
    "{% set ns = namespace(s='ab') %}{% for i in range(40) %}{% set ns.s = ns.s ~ ns.s %}{% endfor %}",
    "{% set ns = namespace(s='ab') %}{% for i in range(40) %}{% set ns.s = ns.s + ns.s %}{% endfor %}",
    "{% macro f(n) %}{{ f(n + 1) }}{% endmacro %}{{ f(0) }}",
])
def test_runaway_templates_are_stopped(source):
    started = time.monotonic()
    with pytest.raises(ReportTemplateError):
        render(f"标题\n{source}")
    assert time.monotonic() - started < 5


def test_time_limit():
    limits = Limits(seconds=0.3, loop_iterations=10**9, range_items=10**6)
    started = time.monotonic()
    with pytest.raises(BudgetExceeded) as info:
        render("{% for i in range(1000000) %}{% for j in range(1000) %}{{ j }}{% endfor %}{% endfor %}",
               limits=Limits(seconds=limits.seconds, loop_iterations=limits.loop_iterations,
                             range_items=limits.range_items, output_chars=10**9))
    assert time.monotonic() - started < 2
    assert "秒" in info.value.message


def test_output_limit():
    with pytest.raises(BudgetExceeded) as info:
        render("{% for i in range(1000) %}第{{ i }}段落内容很长很长。\n\n{% endfor %}",
               limits=Limits(output_chars=2000))
    assert "超过2000个字符" in info.value.message


@pytest.mark.parametrize("source", [
    "{{ 1 / 0 }}",
    "{{ value('econ.output') / 0 }}",
    "{{ 'econ.output' | approx(5) }}",
    "{{ 'econ.output' | n(1, 2, 3) }}",
    "{{ [1, 2][5] }}",
    "{{ 'x' | int | abs | first }}",
])
def test_runtime_failures_are_template_errors_with_a_line(source):
    with pytest.raises(ReportTemplateError) as info:
        render(f"标题\n\n{source}", FIGS)
    assert info.value.line == 3


def test_a_reasonable_loop_runs():
    result = render("{% for i in range(3) %}{{ i }}{% endfor %}{{ [1, 2] | join('、') }}")
    assert result.text == "0121、2"


@pytest.mark.django_db
def test_another_parks_records_are_out_of_reach():
    from parkledger.core.models import Park
    from parkledger.investment.models import Platform
    from parkledger.lib.periods import Period
    from parkledger.reports.sources import LedgerNames

    Park.objects.create(code="ECO", name="生态园")
    Park.objects.create(code="ECO-CEE", name="中东欧园", parent_id="ECO")
    Park.objects.create(code="OTHER", name="别的园区")
    Platform.objects.create(code="P-OWN", name="本园平台", park_id="ECO-CEE", kind="incubator",
                            opened_on=date(2020, 1, 1))
    Platform.objects.create(code="P-OTHER", name="别园平台", park_id="OTHER", kind="incubator",
                            opened_on=date(2020, 1, 1))
    names = LedgerNames(("ECO", "ECO-CEE"), Period.parse("2022-09"))
    assert names.platform("P-OWN").text == "本园平台"      # a sub-park's platform is the park's
    assert names.platform("P-OTHER").text is None        # another park's is not

    from parkledger.reports.services import build_report

    doc = build_report("ECO", "2022-09", template_text="标题\n\n{% sentence %}{{ platform('P-OTHER') }}。{% endsentence %}"
                                                       "{{ platform('P-OWN') }}")
    assert doc.text() == "标题\n本园平台"
    assert [list(o.keys) for o in doc.omitted] == [["platform:P-OTHER"]]
