"""The README's Python examples run, and print or evaluate to what their comments say."""

from __future__ import annotations

import contextlib
import io
import re
from pathlib import Path

import pytest

README = Path(__file__).resolve().parents[1] / "README.md"


def python_blocks() -> list[str]:
    return re.findall(r"```python\n(.*?)```", README.read_text(encoding="utf-8"), re.S)


def promised(line: str) -> str:
    """The value a line's comment promises ('# 0.5 0.125  -- explanation' -> '0.5 0.125')."""
    return line.rpartition("  # ")[2].split("--")[0].strip() if "  # " in line else ""


def test_readme_has_examples() -> None:
    assert len(python_blocks()) >= 5


@pytest.mark.parametrize("index", range(len(python_blocks())))
def test_readme_example(index: int, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)  # examples that write files write them here
    namespace: dict[str, object] = {}
    for earlier in python_blocks()[:index]:  # a block may use names from the ones above it
        with contextlib.redirect_stdout(io.StringIO()):
            exec(compile(earlier, "README.md", "exec"), namespace)
    block = python_blocks()[index]
    with contextlib.redirect_stdout(io.StringIO()) as out:
        exec(compile(block, f"README.md block {index}", "exec"), namespace)
    printed = out.getvalue().splitlines()
    print_lines = [ln for ln in block.splitlines() if "print(" in ln and promised(ln)]
    assert [promised(ln) for ln in print_lines] == printed[: len(print_lines)]
    for line in block.splitlines():
        code = line.rpartition("  # ")[0].strip() if "  # " in line else line.strip()
        expected = promised(line)
        is_expression = code and not code.startswith(("print(", "from ", "import ", "def ", "@"))
        if is_expression and "=" not in code.replace("==", "") and expected:
            value = eval(code, namespace)
            if isinstance(value, (bool, float, int, tuple)):
                assert str(value) == expected, line
