"""The README's Python examples run, and print or evaluate to what their comments say.

A comment promises the text a line prints (``print(...)  # 0.5 0.125``) or the value an
expression evaluates to (``grad(f)(2.0)  # 12.0``), character for character. A number in the
promise marked ``≈`` (``# Cost at epoch#4900: ≈ 0.000921016643061665``) is one whose last
digits depend on the CPU (it went through a matrix product): the printed number there must be
within ``BLAS_RTOL`` (relative 1e-12) of it, and the text around it must still match exactly.

A block that needs an optional tool (the graphviz package, Graphviz's ``dot`` program) is
skipped, with the reason, where the tool is missing.
"""

from __future__ import annotations

import contextlib
import io
import math
import re
import sys
from pathlib import Path

import pytest
from tolerance import BLAS_RTOL

README = Path(__file__).resolve().parents[1] / "README.md"
APPROX = "≈"
NUMBER = r"[-+]?(?:\d+\.?\d*|\.\d+)(?:[eE][-+]?\d+)?"
APPROX_NUMBER = re.compile(APPROX + r" ?(" + NUMBER + ")")
# What each optional package a README block may import is, and how to get it.
OPTIONAL_PACKAGES = {
    "graphviz": 'the graphviz Python package (pip install -e ".[viz]")',
    "hypothesis": 'hypothesis (pip install -e ".[test]")',
    "matplotlib": 'matplotlib (pip install -e ".[demos]")',
    "onnx": 'onnx (pip install -e ".[onnx]")',
    "onnxruntime": 'onnxruntime (pip install -e ".[onnx]")',
    "torch": 'PyTorch (pip install -e ".[torch]")',
}


def python_blocks() -> list[str]:
    return re.findall(r"```python\n(.*?)```", README.read_text(encoding="utf-8"), re.S)


def shown_outputs() -> list[str | None]:
    """Per Python block, the ```text block right after it (its whole printed output), if any."""
    text = README.read_text(encoding="utf-8")
    found = re.findall(r"```python\n.*?```(?:\s*```text\n(.*?)```)?", text, re.S)
    return [shown if shown else None for shown in found]


def promised(line: str) -> str:
    """The value a line's comment promises ('# 0.5 0.125  -- explanation' -> '0.5 0.125')."""
    return line.rpartition("  # ")[2].split("--")[0].strip() if "  # " in line else ""


def agrees(shown: str, promise: str, rtol: float = BLAS_RTOL) -> bool:
    """Whether ``shown`` (a printed line, or str() of a value) is what ``promise`` says.

    The same text, except that each number marked ``≈`` in the promise may be any number
    within ``rtol`` relative of it.
    """
    pattern, expected, start = [], [], 0
    for marked in APPROX_NUMBER.finditer(promise):
        pattern += [re.escape(promise[start : marked.start()]), f"({NUMBER})"]
        expected.append(float(marked.group(1)))
        start = marked.end()
    pattern.append(re.escape(promise[start:]))
    found = re.fullmatch("".join(pattern), shown)
    return found is not None and all(
        math.isclose(float(got), want, rel_tol=rtol, abs_tol=0.0)
        for got, want in zip(found.groups(), expected)
    )


def missing_tool(exc: BaseException) -> str | None:
    """The optional tool whose absence raised ``exc`` ("needs ..."), or None."""
    if isinstance(exc, ModuleNotFoundError) and exc.name:
        package = exc.name.split(".")[0]
        if package in OPTIONAL_PACKAGES:
            return f"needs {OPTIONAL_PACKAGES[package]}"
    errors = sys.modules.get("viz.errors")
    if errors is not None and isinstance(exc, errors.GraphvizNotFoundError):
        return "needs Graphviz's dot program (apt-get install graphviz, brew install graphviz)"
    return None


def test_readme_has_examples() -> None:
    assert len(python_blocks()) >= 5
    assert len(shown_outputs()) == len(python_blocks())
    assert any(shown_outputs())  # at least one block shows its whole output


@pytest.mark.parametrize("index", range(len(python_blocks())))
def test_readme_example(index: int, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)  # examples that write files write them here
    namespace: dict[str, object] = {}
    unavailable = []  # earlier blocks that could not run here, and why
    for number, earlier in enumerate(python_blocks()[:index]):  # names from the ones above
        try:
            with contextlib.redirect_stdout(io.StringIO()):
                exec(compile(earlier, f"README.md block {number}", "exec"), namespace)
        except Exception as exc:
            if (reason := missing_tool(exc)) is None:
                raise
            unavailable.append(f"block {number} {reason}")
    block = python_blocks()[index]
    try:
        with contextlib.redirect_stdout(io.StringIO()) as out:
            exec(compile(block, f"README.md block {index}", "exec"), namespace)
    except Exception as exc:
        if (reason := missing_tool(exc)) is not None:
            pytest.skip(f"README block {index} {reason}")
        if isinstance(exc, NameError) and unavailable:
            pytest.skip(
                f"README block {index} uses names of a block that cannot run here: "
                + "; ".join(unavailable)
            )
        raise
    shown = shown_outputs()[index]
    if shown is not None:  # the block's whole output is shown after it, character for character
        assert out.getvalue() == shown, out.getvalue()
    printed = out.getvalue().splitlines()
    print_lines = [ln for ln in block.splitlines() if "print(" in ln and promised(ln)]
    assert len(printed) >= len(print_lines), printed
    for line, shown in zip(print_lines, printed):
        assert agrees(shown, promised(line)), f"{line!r} printed {shown!r}"
    for line in block.splitlines():
        code = line.rpartition("  # ")[0].strip() if "  # " in line else line.strip()
        expected = promised(line)
        is_expression = code and not code.startswith(("print(", "from ", "import ", "def ", "@"))
        if is_expression and "=" not in code.replace("==", "") and expected:
            value = eval(code, namespace)
            if isinstance(value, (bool, float, int, tuple)):
                assert agrees(str(value), expected), f"{line!r} gave {value!r}"


# ---------------------------------------------------------------------------- the harness
CPU_DIGITS = [  # the blog's cost at epoch 4900 as different machines print it
    "0.0009210166430616655",  # the blog; an AVX2 machine with OpenBLAS's Haswell kernels
    "0.0009210166430616646",  # issue 10: CI machines with AVX-512
    "0.0009210166430616651",  # issue 10: Haswell CI machines
    "0.0009210166430616649",  # issue 10: Sandybridge CI machines; AVX2 with Nehalem kernels
    "0.0009210166430616644",  # an AVX2 machine with OPENBLAS_CORETYPE=Sandybridge or Prescott
]


def test_the_readme_promises_the_cost_every_machine_prints() -> None:
    promises = [promised(ln) for block in python_blocks() for ln in block.splitlines()]
    (cost,) = [p for p in promises if p.startswith("Cost at epoch#4900:")]
    for digits in CPU_DIGITS:
        assert agrees(f"Cost at epoch#4900: {digits}", cost), digits


def test_approximate_numbers_agree_within_the_tolerance_and_no_further() -> None:
    promise = "Cost at epoch#4900: ≈ 0.000921016643061665"
    value = 0.000921016643061665
    assert agrees(f"Cost at epoch#4900: {value}", promise)
    assert agrees(f"Cost at epoch#4900: {value * (1 + 0.9 * BLAS_RTOL)!r}", promise)
    assert agrees(f"Cost at epoch#4900: {value * (1 - 0.9 * BLAS_RTOL)!r}", promise)
    assert not agrees(f"Cost at epoch#4900: {value * (1 + 1.1 * BLAS_RTOL)!r}", promise)
    assert not agrees(f"Cost at epoch#4900: {value * (1 - 1.1 * BLAS_RTOL)!r}", promise)
    assert not agrees("Cost at epoch#4900: 0.0009210166430", promise)  # 11 digits
    assert not agrees("Cost at epoch#4900: -0.000921016643061665", promise)
    assert agrees("Cost at epoch#4900: 9.21016643061665e-04", promise)  # a number is a number


def test_the_text_around_an_approximate_number_is_exact() -> None:
    promise = "Cost at epoch#4900: ≈ 0.000921016643061665"
    assert not agrees("Cost at epoch#4800: 0.000921016643061665", promise)  # 4800 is exact
    assert not agrees("cost at epoch#4900: 0.000921016643061665", promise)
    assert not agrees("Cost at epoch#4900: 0.000921016643061665 (approx)", promise)
    assert not agrees("Cost at epoch#4900: ", promise)
    assert agrees("[0.5 1.25]", "[≈ 0.5 ≈ 1.25]") and not agrees("[0.5 1.3]", "[≈ 0.5 ≈ 1.25]")
    assert agrees("0.5 0.12500000000001", "0.5 ≈ 0.125")
    assert not agrees("0.50000000000001 0.125", "0.5 ≈ 0.125")  # only the marked one may vary


def test_unmarked_promises_are_exact_text() -> None:
    assert agrees("0.5 0.125", "0.5 0.125")
    assert not agrees("0.5 0.12500000000001", "0.5 0.125")
    assert not agrees("0.5 0.125 ", "0.5 0.125")
    assert agrees("(12.0, (4.0, 3.0))", "(12.0, (4.0, 3.0))")
    assert not agrees("(12.0, (4.0, 3.0))", "(12.0, (3.0, 4.0))")


def test_long_figures_in_the_readme_are_marked_approximate() -> None:
    # A number printed to 13 or more significant digits is, in practice, a float printed in
    # full, whose last digits a matrix product makes depend on the CPU: mark it "≈" (or
    # round the print) so that the README shows what every machine prints.
    for block in python_blocks():
        for line in block.splitlines():
            unmarked = APPROX_NUMBER.sub("", promised(line))
            for number in re.findall(NUMBER, unmarked):
                digits = re.sub(r"[eE].*|[^0-9]", "", number).lstrip("0")
                assert len(digits) <= 12, f"mark {number} with ≈ or round it: {line.strip()}"


def test_missing_tools_are_told_apart_from_errors() -> None:
    assert "graphviz" in (missing_tool(ModuleNotFoundError("x", name="graphviz.backend")) or "")
    assert missing_tool(ModuleNotFoundError("x", name="numpy")) is None
    assert missing_tool(ValueError("graphviz")) is None
