"""viz edge cases: any label or scope name draws (escaped, visibly), dot's failures are
explained, and graphs past the node limit are refused quickly, before any DOT is built."""

from __future__ import annotations

import html
import json
import re
import shutil
import subprocess
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

import viz
from autograd_core import Value, scope
from viz.describe import visible
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
    # The explanations name the node from the page's data, as the drawing does.
    data = re.search(r'id="explorer-data">(.*?)</script>', text_of_page, re.S)
    assert data is not None and visible(text) in [
        n["n"] for n in json.loads(data.group(1))["nodes"]
    ]


@needs_dot
def test_a_dot_failure_is_explained_not_a_raw_called_process_error() -> None:
    with pytest.raises(viz.GraphvizFailedError, match="syntax error") as info:
        run_dot("digraph { a -> }", "svg")
    assert not isinstance(info.value, subprocess.CalledProcessError)
    assert "viz.to_dot(root).source" in str(info.value)


# ---------------------------------------------------------------------- node limits
def chain(n: int, start: Value | None = None) -> Value:
    """``n`` nodes: a leaf (or ``start``'s graph) and negations, outside any scope."""
    x = Value(1.0, label="start") if start is None else start
    for _ in range(n - (1 if start is None else 0)):
        x = -x
    return x


def scoped_chain(n: int) -> Value:
    """A leaf and ``n - 1`` negations inside ten scopes."""
    x = Value(1.0, label="start")
    per = (n - 1) // 10
    for k in range(10):
        with scope(f"block{k}"):
            x = chain(per + (n - 1) % 10 if k == 9 else per, start=x)
    return x


def test_to_dot_refuses_a_graph_over_its_default_limit() -> None:
    assert viz.to_dot(chain(10_000)).source  # at the limit is fine
    with pytest.raises(viz.GraphTooLargeError) as info:
        viz.to_dot(chain(10_001))
    message = str(info.value)
    assert message.startswith("to_dot: the graph has 10001 nodes, more than max_nodes=10000")
    assert "collapse='scope'" in message and "max_nodes=None" in message
    assert viz.to_dot(chain(10_001), max_nodes=None).source


def test_to_dot_collapses_a_scoped_graph_over_its_default_limit() -> None:
    with pytest.warns(UserWarning, match="max_nodes=10000, so each scope is drawn as one node"):
        source = viz.to_dot(scoped_chain(12_000)).source
    assert source.count("<B>block") == 10  # the leaf joins block0, which uses it


def test_the_limits_name_the_function_that_refused(tmp_path: Path) -> None:
    with pytest.raises(viz.GraphTooLargeError, match="^render: the graph has 2001 nodes"):
        viz.render(chain(2001), tmp_path / "big.dot")
    with pytest.raises(viz.GraphTooLargeError, match="^backprop_steps: the graph has 1001"):
        viz.backprop_steps(chain(1001), tmp_path / "big.html")
    with pytest.raises(viz.GraphTooLargeError, match="^to_dot: .*still has"):
        viz.to_dot(chain(20), collapse="scope", max_nodes=10)
    with pytest.raises(TypeError, match="^render: expected a Value or Tensor"):
        viz.render(3.0, tmp_path / "x.dot")


@pytest.mark.parametrize("scoped_part", [False, True])
def test_a_graph_known_too_large_partway_is_refused_without_the_exact_count(
    monkeypatch: pytest.MonkeyPatch, scoped_part: bool
) -> None:
    monkeypatch.setattr(viz.plan, "EXACT_COUNT", 100)
    root = chain(500)
    if scoped_part:
        with scope("head"):  # seen first: the count starts at the root
            root = -root
    with pytest.raises(viz.GraphTooLargeError) as info:
        viz.to_dot(root, max_nodes=50)
    message = str(info.value)
    assert "the graph has more than 101 nodes (counting stopped there)" in message
    assert "max_nodes=None" in message and "scope(...)" in message
    if scoped_part:
        assert "even collapse='scope' cannot make it fit" in message
    else:
        assert "pass collapse='scope'" in message
    # Parameters outside any scope join the scope that uses them: they never count.
    with scope("layer"):
        many = sum((Value(float(k)) * 2.0 for k in range(300)), Value(0.0))
    with pytest.warns(UserWarning, match="each scope is drawn as one node"):
        viz.to_dot(many, max_nodes=50)  # collapses, does not refuse


@pytest.mark.filterwarnings("ignore:.*max_nodes")
def test_a_million_node_chain_is_refused_before_anything_is_drawn(tmp_path: Path) -> None:
    root = chain(1_000_000)
    calls = {
        "to_dot": lambda: viz.to_dot(root),
        "render": lambda: viz.render(root, tmp_path / "big.svg"),
        "backprop_steps": lambda: viz.backprop_steps(root, tmp_path / "big.html"),
        "to_dot, collapse": lambda: viz.to_dot(root, collapse="scope"),
    }
    for call in calls.values():
        with pytest.raises(viz.GraphTooLargeError, match="max_nodes=None"):
            call()
    assert list(tmp_path.iterdir()) == []
