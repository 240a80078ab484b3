"""viz edge cases: any label or scope name draws (escaped, visibly), dot's failures are
explained, and graphs past the node limit are refused quickly, before any DOT is built."""

from __future__ import annotations

import html
import shutil
import subprocess
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

import viz
from autograd_core import Value, scope
from viz.render import run_dot

needs_dot = pytest.mark.skipif(
    shutil.which("dot") is None,
    reason="Graphviz's dot program is not installed (apt-get install graphviz)",
)

# (raw text, how the drawing shows it)
AWKWARD_TEXTS = [
    ("nul\x00byte", "nul\\x00byte"),
    ("esc\x1b[31mred", "esc\\x1b[31mred"),
    ("bell\x07", "bell\\x07"),
    ("unit\x1fsep", "unit\\x1fsep"),
    ("del\x7f", "del\\x7f"),
    ("c1\x85next", "c1\\x85next"),
    ("new\nline", "new\\nline"),
    ("tab\tcr\r", "tab\\tcr\\r"),
    ("lone\ud800", "lone\\ud800"),
    ("non\uffffchar", "non\\uffffchar"),
    ("quote\"apos'", "quote&quot;apos&#x27;"),
    ("back\\slash\\", "back\\slash\\"),
    ("<b>&amp;</b>", "&lt;b&gt;&amp;amp;&lt;/b&gt;"),
]
TEXT_IDS = [ascii(text) for text, _ in AWKWARD_TEXTS]


def labelled_graph(text: str) -> Value:
    a = Value(2.0, label=text)
    with scope(text):
        b = a * 3.0
    b.label = text
    c = b + 1.0
    c.label = "out"
    c.backward()
    return c


@pytest.mark.parametrize(("text", "shown"), AWKWARD_TEXTS, ids=TEXT_IDS)
def test_awkward_labels_and_scope_names_appear_escaped_in_dot(text: str, shown: str) -> None:
    source = viz.to_dot(labelled_graph(text)).source
    assert f"<B>{shown}</B>" in source  # the node labels
    assert f"label=<{shown}>" in source  # the cluster of the scope
    collapsed = viz.to_dot(labelled_graph(text), collapse="scope").source
    assert f"<B>{shown}</B>" in collapsed  # the collapsed scope's header
    source.encode("utf-8")  # no lone surrogate left
    assert not any(ord(c) < 0x20 and c not in "\t\n" for c in source)


@needs_dot
@pytest.mark.parametrize(("text", "shown"), AWKWARD_TEXTS, ids=TEXT_IDS)
def test_awkward_labels_and_scope_names_render(tmp_path: Path, text: str, shown: str) -> None:
    svg = ET.parse(viz.render(labelled_graph(text), tmp_path / "graph.svg"))
    texts = [element.text for element in svg.iter() if element.tag.endswith("}text")]
    assert texts.count(html.unescape(shown)) == 3  # two nodes and the scope's box
    viz.render(labelled_graph(text), tmp_path / "collapsed.png", collapse="scope")


@needs_dot
@pytest.mark.parametrize(("text", "shown"), AWKWARD_TEXTS, ids=TEXT_IDS)
def test_awkward_labels_draw_in_the_step_through(tmp_path: Path, text: str, shown: str) -> None:
    page = viz.backprop_steps(labelled_graph(text), tmp_path / "steps.html", title=text)
    text_of_page = page.read_text(encoding="utf-8")
    assert f"<title>{shown}</title>" in text_of_page
    assert f"<b>{shown}</b>" in text_of_page  # the explanation names the node


@needs_dot
def test_a_dot_failure_is_explained_not_a_raw_called_process_error() -> None:
    with pytest.raises(viz.GraphvizFailedError, match="syntax error") as info:
        run_dot("digraph { a -> }", "svg")
    assert not isinstance(info.value, subprocess.CalledProcessError)
    assert "viz.to_dot(root).source" in str(info.value)
