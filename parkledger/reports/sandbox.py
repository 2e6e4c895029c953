"""The sandbox report templates run in: Jinja2's immutable sandbox, with no loader and bounded work.

- No file or network access: there is no loader; `include`, `import`, `extends` are refused when parsing.
- No Python internals: Jinja's sandbox refuses `_`-attributes and internal attributes; only a few harmless
  string methods may be called; the template sees plain dicts and strings, never model instances.
- Bounded: a deadline checked at every loop step, call, attribute access and output write; a cap on
  loop iterations (every `for` loop is wrapped), on `range`, on the size of any string or list the
  template builds (`*`, `+`, `~`, `**`, `%`, list/tuple/dict literals and the filters are checked) and
  on the output. A container's size is its weight (`weight()`): its items and characters counted
  through every nesting level, each shared reference again, as `str()` would write it out, so
  `[[1]*50000]*10000` is refused when it is built, before anything turns it into a 1.5 GB string.
  Every check that could itself be slow (counting a weight) stops as soon as the limit is passed.
- Errors: every problem becomes a `ReportTemplateError` with the template line, never a traceback.
"""
from __future__ import annotations

import threading
import time
import traceback
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import Any

from jinja2 import StrictUndefined, TemplateSyntaxError, nodes
from jinja2.exceptions import SecurityError, TemplateError, UndefinedError
from jinja2.sandbox import ImmutableSandboxedEnvironment
from jinja2.visitor import NodeTransformer

__all__ = [
    "Limits", "ReportTemplateError", "ReportSandbox", "BudgetExceeded", "budget", "Budget", "template_line", "weight",
]

TEMPLATE_FILENAME = "<report-template>"

# String methods a template may call (all return new, bounded strings or plain values).
SAFE_STR_METHODS = frozenset({
    "startswith", "endswith", "strip", "lstrip", "rstrip", "split", "upper", "lower", "count", "find",
    "isdigit", "replace", "splitlines", "title",
})
SAFE_FILTERS = frozenset({
    "abs", "capitalize", "count", "default", "d", "dictsort", "e", "escape", "first", "float", "groupby",
    "int", "join", "last", "length", "list", "lower", "map", "max", "min", "reject", "rejectattr",
    "replace", "reverse", "round", "select", "selectattr", "sort", "string", "sum", "trim", "unique",
    "upper",
})
# Filters whose result is (or is built from) the text of their whole input, or that may concatenate it:
# their input's weight is checked before they run.
TEXT_FILTERS = frozenset({
    "capitalize", "e", "escape", "join", "lower", "replace", "string", "sum", "trim", "upper",
})
_CONTAINERS = (list, tuple, dict, set, frozenset)


def weight(value: Any, limit: int) -> int:
    """The size of a value as `str()` would write it out, roughly: characters of strings and items of
    containers, through every nesting level (a list repeated in another counts each time). Counting
    stops once `limit` is passed (the result is then just above `limit`), so it costs O(limit)."""
    if isinstance(value, str):
        return len(value)
    if not isinstance(value, _CONTAINERS):
        return 1
    total = 0
    stack: list[Any] = [value]
    while stack:
        item = stack.pop()
        if isinstance(item, str):
            total += len(item)
        elif isinstance(item, _CONTAINERS):
            total += len(item) + 1
            if total > limit:
                return total
            if isinstance(item, dict):
                stack.extend(item.keys())
                stack.extend(item.values())
            else:
                stack.extend(item)
        else:
            total += 1
        if total > limit:
            return total
    return total


@dataclass(frozen=True)
class Limits:
    """Work a template may do in one rendering."""

    seconds: float = 3.0
    output_chars: int = 400_000
    loop_iterations: int = 20_000
    range_items: int = 5_000
    value_chars: int = 100_000   # any single string or list the template builds
    max_int: int = 10**12


class ReportTemplateError(Exception):
    """A template that cannot be used: a syntax error, an unknown filter or key, a forbidden access,
    or too much work. `line` is the template line (None when unknown)."""

    def __init__(self, message: str, line: int | None = None) -> None:
        self.message = message
        self.line = line
        super().__init__(f"模板第{line}行：{message}" if line else message)

    def as_dict(self) -> dict[str, Any]:
        return {"message": self.message, "line": self.line, "text": str(self)}


class BudgetExceeded(ReportTemplateError):
    """The template did too much work (time, loop steps, output or value size)."""


class Budget:
    """The work counters of one rendering."""

    def __init__(self, limits: Limits) -> None:
        self.limits = limits
        self.deadline = time.monotonic() + limits.seconds
        self.iterations = 0
        self.output = 0

    def tick(self) -> None:
        if time.monotonic() > self.deadline:
            raise BudgetExceeded(f"模板运行超过{self.limits.seconds:g}秒，已停止")

    def step(self) -> None:
        self.iterations += 1
        if self.iterations > self.limits.loop_iterations:
            raise BudgetExceeded(f"模板循环次数超过{self.limits.loop_iterations}次，已停止")
        if self.iterations % 64 == 0:
            self.tick()

    def check_value(self, value: Any) -> Any:
        if isinstance(value, str | list | tuple | dict | set) and len(value) > self.limits.value_chars:
            raise BudgetExceeded(f"模板生成的内容过长（超过{self.limits.value_chars}个字符或元素），已停止")
        if isinstance(value, int) and not isinstance(value, bool) and abs(value) > self.limits.max_int:
            raise BudgetExceeded("模板中的数值过大，已停止")
        return value

    def check_size(self, size: int) -> None:
        """Refuse to build a string or list of `size` characters or items."""
        if size > self.limits.value_chars:
            raise BudgetExceeded(f"模板生成的内容过长（超过{self.limits.value_chars}个字符或元素），已停止")

    def weight(self, value: Any) -> int:
        """`weight(value)`, counted no further than the limit."""
        return weight(value, self.limits.value_chars)

    def check_weight(self, value: Any) -> Any:
        """Refuse a value whose nested size (see `weight`) is over the limit."""
        self.check_size(self.weight(value))
        return value

    def write(self, size: int) -> None:
        self.output += size
        if self.output > self.limits.output_chars:
            raise BudgetExceeded(f"报告正文超过{self.limits.output_chars}个字符，已停止")
        self.tick()


class _Renderings(threading.local):
    """The budgets of the renderings in progress on this thread (innermost last)."""

    def __init__(self) -> None:
        self.stack: list[Budget] = []


_renderings = _Renderings()


def budget() -> Budget:
    """The budget of the rendering in progress on this thread."""
    if not _renderings.stack:
        raise RuntimeError("no template is being rendered")
    return _renderings.stack[-1]


def _active() -> Budget | None:
    return _renderings.stack[-1] if _renderings.stack else None


class _Guard(NodeTransformer):
    """Wraps loop iterables and `~` concatenations in guard filters; refuses include/import/extends."""

    def visit_For(self, node: nodes.For) -> nodes.Node:
        self.generic_visit(node)
        node.iter = nodes.Filter(node.iter, "_loop_guard", [], [], None, None, lineno=node.lineno)
        return node

    def _built(self, node: nodes.Expr) -> nodes.Node:
        self.generic_visit(node)
        if getattr(node, "ctx", "load") != "load":  # an assignment target, not a value
            return node
        return nodes.Filter(node, "_built_guard", [], [], None, None, lineno=node.lineno)

    def visit_List(self, node: nodes.List) -> nodes.Node:
        return self._built(node)

    def visit_Tuple(self, node: nodes.Tuple) -> nodes.Node:
        return self._built(node)

    def visit_Dict(self, node: nodes.Dict) -> nodes.Node:
        return self._built(node)

    def visit_Concat(self, node: nodes.Concat) -> nodes.Node:
        self.generic_visit(node)
        return nodes.Filter(nodes.List(node.nodes, lineno=node.lineno), "_concat_guard", [], [], None, None,
                            lineno=node.lineno)

    def _refuse(self, node: nodes.Node, what: str) -> None:
        raise TemplateSyntaxError(f"报告模板不能使用 {what}（模板不读取文件）", node.lineno)

    def visit_Include(self, node: nodes.Include) -> None:
        self._refuse(node, "include")

    def visit_Import(self, node: nodes.Import) -> None:
        self._refuse(node, "import")

    def visit_FromImport(self, node: nodes.FromImport) -> None:
        self._refuse(node, "from … import")

    def visit_Extends(self, node: nodes.Extends) -> None:
        self._refuse(node, "extends")


def _capped_range(*args: int) -> Iterator[int]:
    b = budget()
    rng = range(*args)
    if len(rng) > b.limits.range_items:
        raise BudgetExceeded(f"range() 最多{b.limits.range_items}项")
    return iter(rng)


def _loop_guard(iterable: Iterable[Any]) -> Iterator[Any]:
    b = budget()
    for item in iterable:
        b.step()
        yield item


def _concat_guard(parts: list[Any]) -> str:
    b = budget()
    b.check_size(sum(b.weight(p) for p in parts))
    return b.check_value("".join(str(p) for p in parts))


def _built_guard(value: Any) -> Any:
    """A list, tuple or dict literal: its nested size is checked."""
    b = budget()
    b.tick()
    return b.check_weight(value)


def _guarded_filter(name: str, func: Any) -> Any:
    """A built-in filter that checks the time, what it would build, and what it built."""

    passes_first = hasattr(func, "jinja_pass_arg")

    def guarded(*args: Any, **kwargs: Any) -> Any:
        b = budget()
        b.tick()
        values = list(args[1:] if passes_first else args)  # without the context/environment passed first
        if name in TEXT_FILTERS and values:
            b.check_weight(values[0])
        if name == "replace" and len(values) >= 3:
            text, old, new = (str(v) for v in values[:3])
            occurrences = text.count(old) if old else len(text) + 1
            b.check_size(len(text) + occurrences * max(0, len(new) - len(old)))
        if name == "join" and values:
            try:
                items = list(values[0])
            except TypeError:
                items = []
            sep = str(values[1]) if len(values) > 1 else ""
            b.check_size(sum(len(str(i)) for i in items) + len(sep) * len(items))
        return b.check_value(func(*args, **kwargs))

    for attr in ("jinja_pass_arg",):
        if hasattr(func, attr):
            setattr(guarded, attr, getattr(func, attr))
    guarded.__name__ = name
    return guarded


class ReportSandbox(ImmutableSandboxedEnvironment):
    """The Jinja environment of report templates (one per process; the budget is per rendering)."""

    intercepted_binops = frozenset({"*", "**", "%", "+"})

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(
            autoescape=False, undefined=StrictUndefined, trim_blocks=True, lstrip_blocks=True,
            keep_trailing_newline=True, finalize=self._finalize, loader=None, **kwargs,
        )
        self.filters = {name: _guarded_filter(name, f) for name, f in self.filters.items() if name in SAFE_FILTERS}
        self.filters["_loop_guard"] = _loop_guard
        self.filters["_concat_guard"] = _concat_guard
        self.filters["_built_guard"] = _built_guard
        self.globals = {"range": _capped_range, "dict": dict, "namespace": self.globals["namespace"]}

    # -- parsing -------------------------------------------------------------------------------------

    def _parse(self, source: str, name: str | None, filename: str | None) -> nodes.Template:
        tree = super()._parse(source, name, filename)
        return _Guard().visit(tree)

    # -- every operation counts --------------------------------------------------------------------

    @staticmethod
    def _finalize(value: Any) -> Any:
        b = _active()
        if b is not None:
            if isinstance(value, _CONTAINERS):
                b.check_weight(value)
            b.check_value(value if isinstance(value, str) else str(value))
        return value

    def call_binop(self, context: Any, operator: str, left: Any, right: Any) -> Any:
        b = budget()
        b.tick()
        if operator == "**":
            if not isinstance(right, int | float) or abs(right) > 64:
                raise BudgetExceeded("模板中的乘方指数过大")
            if isinstance(left, int) and abs(left) > 10**6:
                raise BudgetExceeded("模板中的数值过大，已停止")
        if operator == "%" and isinstance(left, str):
            raise SecurityError("报告模板不支持用 % 格式化字符串")
        if operator == "*":
            for seq, times in ((left, right), (right, left)):
                if isinstance(seq, str | list | tuple) and isinstance(times, int):
                    b.check_size(b.weight(seq) * max(times, 0))
        if operator == "+" and isinstance(left, str | list | tuple) and isinstance(right, str | list | tuple):
            b.check_size(b.weight(left) + b.weight(right))
        return b.check_value(super().call_binop(context, operator, left, right))

    def getattr(self, obj: Any, attribute: str) -> Any:
        b = _active()
        if b is not None:
            b.tick()
        if isinstance(obj, str) and attribute not in SAFE_STR_METHODS:
            return self.unsafe_undefined(obj, attribute)
        return super().getattr(obj, attribute)

    def getitem(self, obj: Any, argument: Any) -> Any:
        b = _active()
        if b is not None:
            b.tick()
        if isinstance(obj, str) and isinstance(argument, str) and argument not in SAFE_STR_METHODS:
            return self.unsafe_undefined(obj, argument)
        return super().getitem(obj, argument)

    def call(__self, __context: Any, __obj: Any, *args: Any, **kwargs: Any) -> Any:  # noqa: N805
        b = budget()
        b.tick()
        for arg in (*args, *kwargs.values()):
            b.check_value(arg)
            if isinstance(arg, _CONTAINERS):
                b.check_weight(arg)
        owner = getattr(__obj, "__self__", None)
        if isinstance(owner, str) and getattr(__obj, "__name__", "") == "replace" and len(args) >= 2:
            growth = max(1, len(str(args[1])))
            b.check_size(len(owner) * growth)
        return b.check_value(super().call(__context, __obj, *args, **kwargs))

    # -- rendering -------------------------------------------------------------------------------------

    def compile_template(self, source: str) -> Any:
        """Compile a template source; a `ReportTemplateError` with the line for any syntax problem."""
        try:
            return self.from_string(source)
        except TemplateSyntaxError as exc:
            raise ReportTemplateError(_syntax_message(exc), exc.lineno) from None
        except RecursionError:
            raise ReportTemplateError("模板嵌套过深") from None

    def render(self, template: Any, context: dict[str, Any], limits: Limits) -> str:
        """Render with a fresh budget; every failure is a `ReportTemplateError` with its line."""
        b = Budget(limits)
        _renderings.stack.append(b)
        parts: list[str] = []
        try:
            for chunk in template.generate(context):
                b.write(len(chunk))
                parts.append(chunk)
        except ReportTemplateError as exc:
            if exc.line is None:
                exc.line = template_line(exc)
                exc.args = (f"模板第{exc.line}行：{exc.message}" if exc.line else exc.message,)
            raise
        except SecurityError as exc:
            raise ReportTemplateError(f"不允许的操作：{_security_message(exc)}", template_line(exc)) from None
        except UndefinedError as exc:
            raise ReportTemplateError(f"未定义的名称：{_undefined_message(exc)}", template_line(exc)) from None
        except TemplateError as exc:
            raise ReportTemplateError(f"模板错误：{exc}", template_line(exc)) from None
        except RecursionError as exc:
            raise ReportTemplateError("模板递归过深", template_line(exc)) from None
        except MemoryError as exc:
            raise BudgetExceeded("模板占用内存过多，已停止", template_line(exc)) from None
        except (TypeError, ValueError, ArithmeticError, LookupError, AttributeError) as exc:
            raise ReportTemplateError(f"模板运行出错：{type(exc).__name__}: {exc}", template_line(exc)) from None
        except Exception as exc:  # whatever else a template provokes is still the template's error
            raise ReportTemplateError(f"模板运行出错：{type(exc).__name__}", template_line(exc)) from None
        finally:
            _renderings.stack.remove(b)
        return "".join(parts)


def template_line(exc: BaseException) -> int | None:
    """The template line of an exception raised while rendering (Jinja rewrites tracebacks so that
    template frames carry the template's file name and line)."""
    line = None
    for frame in traceback.extract_tb(exc.__traceback__):
        if frame.filename in (TEMPLATE_FILENAME, "<template>"):
            line = frame.lineno
    return line


def _syntax_message(exc: TemplateSyntaxError) -> str:
    msg = exc.message or str(exc)
    if msg.startswith("No filter named"):
        name = msg.split("'")[1] if "'" in msg else msg
        return f"未知的过滤器“{name}”"
    if msg.startswith("No test named"):
        name = msg.split("'")[1] if "'" in msg else msg
        return f"未知的判断“{name}”"
    if msg.startswith("Encountered unknown tag"):
        name = msg.split("'")[1] if "'" in msg else msg
        return f"未知的标签“{name}”"
    if msg.startswith("Unexpected end of template"):
        return "模板意外结束（是否缺少 {% endsentence %}、{% endif %} 或 {% endfor %}？）"
    return f"语法错误：{msg}"


def _security_message(exc: SecurityError) -> str:
    return str(exc).replace("access to attribute", "访问属性").replace("is unsafe.", "")


def _undefined_message(exc: UndefinedError) -> str:
    msg = str(exc)
    if "is undefined" in msg and "'" in msg:
        return msg.split("'")[1]
    return msg
