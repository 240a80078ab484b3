"""The demos reproduce the seed blog's and notebook's figures and write valid pictures.

All demos run once (module fixture, through ``demos.run``, the function ``python -m demos``
calls) into a temporary ``--out``; the tests then check their numbers against the blog (exact
where the figures are exact by construction, 3 d.p. where the blog rounds, and ``BLAS_RTOL``,
relative 1e-12, for the logged costs, which went through matrix products whose last digits
depend on the CPU) and every picture they promise. A few subprocess tests check the command
line itself, including the fallbacks without matplotlib and without Graphviz's ``dot``
program.

Tests that need an optional tool skip, saying which, where it is missing: the plots need
matplotlib, the graph images the graphviz package and the ``dot`` program, the notebook test
the ``notebook`` extra (nbclient, nbformat, ipykernel, ipywidgets).
"""

from __future__ import annotations

import importlib.util
import json
import math
import os
import shutil
import subprocess
import sys
import xml.etree.ElementTree as ET
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pytest
from tolerance import BLAS_RTOL

import demos
from demos import DemoResult
from demos.common import DemoContext

ROOT = Path(__file__).resolve().parents[1]
PNG_MAGIC = b"\x89PNG\r\n\x1a\n"

# The pictures each demo promises: plots (matplotlib) and computation graphs (viz).
PLOTS = {
    "hand_calculation": set(),
    "or_gate": {"learning_curve", "decision_boundary", "decision_boundary_shaded"},
    "xor_feature_cross": {"learning_curve", "decision_boundary", "decision_boundary_shaded"},
    "xor_network": {
        "learning_curve",
        "decision_boundary",
        "decision_boundary_shaded",
        "3layer_learning_curve",
        "3layer_decision_boundary",
        "3layer_decision_boundary_shaded",
    },
    "learning_rate": {"steps"},
    "linear_regression": {"fit"},
    "relu_fit": {"fit"},
    "moons": {"learning_curve", "decision_boundary"},
    "digits": {"learning_curves", "confusion_matrix"},
    "export": set(),  # it writes xor.onnx, checked by its own test
}
GRAPHS = {name: set() for name in PLOTS} | {
    "hand_calculation": {"graph_before", "graph_after"},
    "xor_network": {"graph"},
    "linear_regression": {"graph"},
}
PROMISED = {name: PLOTS[name] | GRAPHS[name] for name in PLOTS}

needs_matplotlib = pytest.mark.skipif(
    importlib.util.find_spec("matplotlib") is None,
    reason='matplotlib is not installed, so the demos draw no plots (pip install -e ".[demos]")',
)
needs_graphviz = pytest.mark.skipif(
    importlib.util.find_spec("graphviz") is None,
    reason="the graphviz Python package is not installed, so the demos draw no graphs "
    '(pip install -e ".[demos]")',
)
HAS_SKLEARN = importlib.util.find_spec("sklearn") is not None
needs_sklearn = pytest.mark.skipif(
    not HAS_SKLEARN,
    reason="scikit-learn is not installed, so the digits demo has no images "
    '(pip install -e ".[demos]")',
)
# Digits' quick run (the tests'; 8 MLP and 6 CNN epochs) measured 94.43 % and 93.04 %; the
# full run (python -m demos digits) promises 95 % and 97 %.
DIGITS_QUICK_BOUNDS = {"mlp": 90.0, "cnn": 90.0}
needs_dot = pytest.mark.skipif(
    shutil.which("dot") is None,
    reason="Graphviz's dot program is not installed, so graphs are .dot text "
    "(apt-get install graphviz)",
)


@dataclass
class Run:
    out: Path
    results: dict[str, DemoResult]
    lines: list[str]


@dataclass
class Panel:
    """What one saved plot panel shows a reader (recorded as it is saved)."""

    title: str
    xlabel: str
    ylabel: str
    yscale: str
    legend: list[str]
    colours: set[str]


def _panels(fig: object) -> list[Panel]:
    from matplotlib.colors import to_hex

    panels = []
    for ax in fig.axes:  # type: ignore[attr-defined]
        colours = {to_hex(line.get_color()) for line in ax.lines}
        for collection in ax.collections:
            for rgba in [*collection.get_facecolor(), *collection.get_edgecolor()]:
                if rgba[3] > 0:
                    colours.add(to_hex(rgba[:3]))
        legend = ax.get_legend()
        panels.append(
            Panel(
                ax.get_title(),
                ax.get_xlabel(),
                ax.get_ylabel(),
                ax.get_yscale(),
                [t.get_text() for t in legend.get_texts()] if legend else [],
                colours,
            )
        )
    return panels


@pytest.fixture(scope="module")
def run(tmp_path_factory: pytest.TempPathFactory) -> Run:
    out = tmp_path_factory.mktemp("demo-output")
    lines: list[str] = []
    save = DemoContext.save_figure

    def recording(ctx: DemoContext, fig: object, key: str, filename: str) -> Path:
        if importlib.util.find_spec("matplotlib") is not None:
            PANELS[f"{ctx.name}/{key}"] = _panels(fig)
        return save(ctx, fig, key, filename)

    DemoContext.save_figure = recording  # type: ignore[method-assign]
    try:
        results = {
            name: demos.run(name, out=out, plots=True, echo=lines.append, quick=True)
            for name in demos.names()
        }
    finally:
        DemoContext.save_figure = save  # type: ignore[method-assign]
    return Run(out, results, lines)


PANELS: dict[str, list[Panel]] = {}  # "demo/key" -> its panels, filled by the run fixture


def values(run: Run, name: str) -> dict:
    return run.results[name].values


def _env(**extra: str) -> dict[str, str]:
    env = dict(
        os.environ, PYTHONPATH=os.pathsep.join([str(ROOT), os.environ.get("PYTHONPATH", "")])
    )
    env.update(extra)
    return env


def _python(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, *args],
        cwd=ROOT,
        env=env or _env(),
        capture_output=True,
        text=True,
        timeout=120,
    )


def _demo_without(module: str, demo: str, out: Path) -> subprocess.CompletedProcess[str]:
    """``python -m demos DEMO --out OUT`` where ``module`` cannot be imported; it must end 0."""
    code = (
        f"import sys; sys.modules[{module!r}] = None\n"
        "from demos.cli import main\n"
        f"raise SystemExit(main([{demo!r}, '--out', {str(out)!r}]))"
    )
    done = _python("-c", code)
    assert done.returncode == 0, done.stdout + done.stderr
    return done


# ---------------------------------------------------------------------------- the numbers
def test_registry_lists_every_demo_in_the_blogs_order() -> None:
    assert demos.names() == list(PROMISED)
    assert demos.NOTEBOOK.is_file()


def test_hand_calculation_matches_the_blog(run: Run) -> None:
    v = values(run, "hand_calculation")
    assert v["y_hat"] == 0.5
    assert v["loss"] == 0.125
    assert v["dL_dw1"] == 0.0 and v["dL_dw2"] == 0.0
    assert v["dL_db"] == 0.125
    assert v["sigmoid_local_grad"] == 0.25
    assert v["b_new"] == -0.125
    assert round(v["y_hat_new"], 3) == 0.469
    assert round(v["loss_new"], 5) == 0.10988
    assert math.trunc(v["loss_new"] * 1000) == 109  # the blog truncates: "around 0.109"


@needs_graphviz
def test_hand_calculation_writes_the_chain_rule_out(run: Run) -> None:
    shown = [line.strip() for line in run.lines]
    assert "product: 0.5 × -1 × -1 × 0.25 × 1 = 0.125" in shown
    assert "∂L/∂b = 0.125 (the sum over 1 path) = b.grad ✓" in shown


def test_or_gate_matches_the_blog(run: Run) -> None:
    v = values(run, "or_gate")
    assert round(v["cost_initial"], 3) == 0.089
    assert round(v["cost_after_one_step"], 3) == 0.084
    assert np.round(v["dW_after_one_step"], 3).tolist() == [-0.044, -0.035]
    assert np.round(v["db_after_one_step"], 3).tolist() == [-0.031]
    assert len(v["costs"]) == 5000
    assert round(v["cost_final"], 4) == 0.0005  # "about 0.0005"
    assert v["predictions"].tolist() == [0, 1, 1, 1]
    assert v["accuracy"] == 100.0


def test_xor_feature_cross_matches_the_notebook_log(run: Run) -> None:
    v = values(run, "xor_feature_cross")
    assert v["cost_epoch_0"] == pytest.approx(0.12480797532784463, rel=BLAS_RTOL)
    assert v["cost_epoch_4900"] == pytest.approx(0.0016049339955154555, rel=BLAS_RTOL)
    assert v["predictions"].tolist() == [0, 1, 1, 0]
    assert v["accuracy"] == 100.0


def test_xor_network_matches_the_blog_log(run: Run) -> None:
    v = values(run, "xor_network")
    blog = {
        4600: 0.001018305488651183,
        4700: 0.000983783942124411,
        4800: 0.0009514180100050973,
        4900: 0.0009210166430616655,
    }
    for epoch, cost in blog.items():
        assert v["logged"][epoch] == pytest.approx(cost, rel=BLAS_RTOL), epoch
    assert v["cost_epoch_0"] == pytest.approx(0.12926510193084198, rel=BLAS_RTOL)
    assert v["predictions"].tolist() == [0, 1, 1, 0]
    assert v["accuracy"] == 100.0
    assert v["deep_predictions"].tolist() == [0, 1, 1, 0]
    assert v["deep_accuracy"] == 100.0
    # printed the way the blog prints it: every digit of the float (whatever this CPU made)
    (printed,) = [
        ln.strip() for ln in run.lines if ln.strip().startswith("ours: Cost at epoch#4900:")
    ]
    assert printed == f"ours: Cost at epoch#4900: {v['logged'][4900]!r}"


def test_learning_rates_show_the_four_behaviours(run: Run) -> None:
    v = values(run, "learning_rate")
    assert v["verdicts"] == {5e-10: "too slow", 0.5: "good", 5.0: "fast", 50.0: "diverging"}
    slow, good, fast, wild = (v["losses"][rate] for rate in (5e-10, 0.5, 5.0, 50.0))
    assert abs(slow[-1] - slow[0]) < 1e-9
    assert all(a > b for a, b in zip(good, good[1:])) and good[-1] > 0.01
    assert fast[-1] < 1e-6
    assert all(a < b for a, b in zip(wild, wild[1:]))


def test_linear_regression_finds_the_least_squares_line(run: Run) -> None:
    v = values(run, "linear_regression")
    slope, intercept = v["least_squares"]
    assert v["w"] == pytest.approx(slope, abs=1e-6)
    assert v["b"] == pytest.approx(intercept, abs=1e-6)
    assert abs(v["w"] - 1.0) < 0.1 and abs(v["b"] - 2.0) < 0.15
    assert v["loss_final"] < 0.3 < 10 < v["loss_initial"]


def test_relu_fit_bends_where_linear_neurons_cannot(run: Run) -> None:
    v = values(run, "relu_fit")
    assert v["sum_is_line_gap"] < 1e-12
    assert v["linear_bends"] == 0
    assert v["linear_mse"] == pytest.approx(v["least_squares_mse"], rel=1e-6)
    assert v["relu_mse"] < 0.25
    assert v["relu_mse"] < v["linear_mse"] / 5
    assert all(-5 < kink < 5 for kink in v["relu_kinks"])


def test_moons_reproduces_micrograds_demo_log(run: Run) -> None:
    v = values(run, "moons")
    assert v["parameters"] == 337
    assert len(v["losses"]) == 100
    # micrograd's demo.ipynb prints these (its committed outputs); Python-float arithmetic
    # in another summation order agrees to about 1e-16 relative.
    assert v["losses"][0] == pytest.approx(0.8958441028683222, rel=1e-9)
    assert v["losses"][1] == pytest.approx(1.7235905336972022, rel=1e-9)
    assert v["losses"][67] == pytest.approx(0.013994365546208731, rel=1e-9)
    assert v["losses"][99] == pytest.approx(0.010978370135492717, rel=1e-9)
    assert v["accuracies"][0] == 50.0 and v["accuracies"][1] == 81.0
    assert v["accuracies"][99] == 100.0 and v["final_accuracy"] == 100.0
    assert v["final_loss"] < v["losses"][99]


def test_moons_are_scikit_learns_numbers() -> None:
    from demos.moons import make_moons

    np.random.seed(1337)
    X, y = make_moons(100, 0.1)
    # scikit-learn 1.9.1: np.random.seed(1337); make_moons(n_samples=100, noise=0.1)
    expected = [
        [1.1221146075409685, 0.08147717341718697],
        [-0.8188294130836691, 0.058790063907949996],
        [0.12108297264758441, 1.0655522522437006],
    ]
    assert X.shape == (100, 2) and y.dtype.kind == "i"
    np.testing.assert_allclose(X[[0, 1, 99]], expected, rtol=1e-12)  # cos/sin: CPU ulps
    assert y[:10].tolist() == [0, 0, 1, 0, 1, 1, 1, 1, 1, 0] and y.sum() == 50
    X2, y2 = make_moons(7, 0.0, rng=np.random.default_rng(0))
    assert sorted(y2.tolist()) == [0, 0, 0, 1, 1, 1, 1]  # the inner moon takes the odd one
    outer, inner = X2[y2 == 0], X2[y2 == 1] - [1.0, 0.5]
    np.testing.assert_allclose(np.hypot(*outer.T), 1.0)  # no noise: on the unit circles
    np.testing.assert_allclose(np.hypot(*inner.T), 1.0)
    assert (outer[:, 1] >= 0).all() and (inner[:, 1] <= 1e-12).all()


def test_moons_match_scikit_learn_where_it_is_installed() -> None:
    datasets = pytest.importorskip("sklearn.datasets", reason="scikit-learn is not installed")
    from demos.moons import make_moons

    for seed, n, noise in ((1337, 100, 0.1), (0, 31, 0.3)):
        np.random.seed(seed)
        theirs = datasets.make_moons(n_samples=n, noise=noise)
        np.random.seed(seed)
        ours = make_moons(n, noise)
        assert np.array_equal(ours[0], theirs[0]) and np.array_equal(ours[1], theirs[1])


def test_every_figure_the_blog_states_agrees(run: Run) -> None:
    stated = [
        (r.name, c) for r in run.results.values() for c in r.comparisons if c.agrees is not None
    ]
    assert len(stated) >= 20
    assert [(name, c.quantity) for name, c in stated if not c.agrees] == []


def test_each_agreement_says_how_it_was_judged(run: Run) -> None:
    stated = [c for r in run.results.values() for c in r.comparisons if c.agrees is not None]
    # numbers, that is; words (the learning-rate verdicts) are compared as words
    judged = Counter((c.quantity, c.tolerance) for c in stated if c.tolerance)
    assert sum(judged.values()) == len(stated) - 4
    for (quantity, tolerance), count in judged.items():
        rows = [ln for ln in run.lines if ln.strip().startswith(quantity + " ")]
        assert sum(row.endswith(f"ok ({tolerance})") for row in rows) == count, rows
    logged = [c for c in stated if c.quantity.startswith("cost at epoch#")]
    assert len(logged) == 6  # the 2-3-1 network's four, the feature cross's two
    assert {c.tolerance for c in logged} == {"relative 1e-12"}
    assert demos.common.BLAS_RTOL == BLAS_RTOL


def test_figures_from_matrix_products_agree_within_the_tolerance_and_no_further() -> None:
    lines: list[str] = []
    ctx = DemoContext("t", Path("."), plots=False, echo=lines.append)
    blog, rtol = "0.0009210166430616655", demos.common.BLAS_RTOL
    for digits in ("55", "46", "51", "49", "44"):  # as CPUs and OpenBLAS kernels print it
        ours = float("0.00092101664306166" + digits)
        assert ctx.compare("cost", blog, ours, rel=rtol).agrees, digits
    value = float(blog)
    for off in (1.1 * BLAS_RTOL, -1.1 * BLAS_RTOL):
        assert not ctx.compare("cost", blog, value * (1 + off), rel=rtol).agrees
    assert ctx.compare("cost", blog, value * (1 + 0.9 * BLAS_RTOL), rel=rtol).agrees
    assert [ln.split()[-3:] for ln in lines][-3:] == [
        ["DIFFERS", "(relative", "1e-12)"],
        ["DIFFERS", "(relative", "1e-12)"],
        ["ok", "(relative", "1e-12)"],
    ]
    assert ctx.compare("y_hat", "0.5", 0.5, exact=True).agrees
    assert not ctx.compare("y_hat", "0.5", 0.5 + 2**-53, exact=True).agrees
    assert lines[-1].endswith("DIFFERS (exact)")


def test_progress_is_shown_on_long_runs(run: Run) -> None:
    for epoch in (0, 1000, 2000, 3000, 4000):
        assert any(line.strip().startswith(f"epoch {epoch:>5}/5000  cost") for line in run.lines)


# ---------------------------------------------------------------------------- the pictures
def _check_picture(path: Path) -> None:
    assert path.is_file(), path
    data = path.read_bytes()
    if path.suffix == ".png":
        assert data.startswith(PNG_MAGIC), path
        assert len(data) > 5_000, path
    elif path.suffix == ".svg":
        root = ET.fromstring(data)
        assert root.tag.endswith("svg"), path
        assert len(data) > 2_000, path
    else:
        pytest.fail(f"unexpected picture {path}")


@needs_sklearn
def test_digits_mlp_and_cnn_learn_in_the_quick_run(run: Run) -> None:
    v = values(run, "digits")
    assert v["quick"] and (v["train_size"], v["test_size"]) == (1438, 359)
    for model, bound in DIGITS_QUICK_BOUNDS.items():
        trained = v[model]
        assert v[f"{model}_accuracy"] == trained["accuracy"] >= bound, model
        assert len(trained["test_accuracy"]) == trained["epochs"]
        assert trained["train_loss"][-1] < trained["train_loss"][0] / 4, model
        counts = trained["confusion"]
        assert counts.shape == (10, 10) and counts.sum() == 359
        assert np.trace(counts) == round(trained["accuracy"] * 359 / 100), model
        assert counts.sum(axis=1).tolist() == [36, 36, 35, 37, 36, 36, 36, 36, 35, 36]
    shown = [ln.strip() for ln in run.lines]
    for label, model in (("MLP 64-128-10:", "mlp"), ("CNN conv16-conv32:", "cnn")):
        accuracy = v[model]["accuracy"]
        assert any(
            ln.startswith(label) and f"test accuracy {accuracy:.2f} % in " in ln for ln in shown
        )
    bars = [ln for ln in shown if ln.startswith("epoch ") and "] 45/45" in ln]
    assert len(bars) == v["mlp"]["epochs"]  # one line per epoch without a terminal


def test_export_runs_the_trained_network_in_pytorch_and_onnxruntime(run: Run) -> None:
    v = values(run, "export")
    outputs = v["outputs"]
    expected = {"ours"}
    expected |= {"PyTorch"} if importlib.util.find_spec("torch") else set()
    expected |= {"onnxruntime"} if importlib.util.find_spec("onnxruntime") else set()
    assert set(outputs) == expected
    assert [round(p) for p in outputs["ours"]] == [0, 1, 1, 0]  # it learned XOR
    for name in expected - {"ours"}:
        # float64 throughout: the same formulas run by other kernels agree to the last digits
        np.testing.assert_allclose(outputs[name], outputs["ours"], rtol=1e-12, atol=1e-15)
        assert v["gaps"][name] <= 1e-12
    if "onnxruntime" in expected:
        onnx = pytest.importorskip("onnx")
        path = run.results["export"].files["onnx"]
        onnx.checker.check_model(onnx.load(str(path)))
        assert path.parent == run.out
    table = [line for line in run.lines if line.lstrip().startswith(("x1", "0 ", "1 "))]
    assert table[0].split() == ["x1", "x2", "target", *outputs]


def test_digits_split_is_stratified_and_scaled() -> None:
    pytest.importorskip(
        "sklearn", reason='scikit-learn is not installed (pip install -e ".[demos]")'
    )
    from demos.digits import load

    X_train, y_train, X_test, y_test = load()
    assert X_train.shape == (1438, 1, 8, 8) and X_test.shape == (359, 1, 8, 8)
    assert X_train.dtype == np.float32 and X_train.min() == 0.0 and X_train.max() == 1.0
    assert np.bincount(y_test).tolist() == [36, 36, 35, 37, 36, 36, 36, 36, 35, 36]
    assert (np.bincount(y_test) / np.bincount(np.concatenate([y_train, y_test]))).round(
        2
    ).tolist() == [0.2] * 10
    again = load()
    assert all(np.array_equal(a, b) for a, b in zip((X_train, y_train, X_test, y_test), again))


def test_progress_bar_redraws_in_place_on_a_terminal() -> None:
    lines: list[str] = []
    drawn: list[str] = []
    ctx = DemoContext("t", Path("."), plots=False, echo=lines.append, redraw=drawn.append)
    for done in (1, 2, 4):
        ctx.bar("epoch 1/3", done, 4, "loss 0.5" if done == 4 else "")
    assert lines == []
    assert drawn[0] == "    epoch 1/3 [######..................] 1/4"
    assert drawn[-1] == "    epoch 1/3 [########################] 4/4  loss 0.5\n"
    plain = DemoContext("t", Path("."), plots=False, echo=lines.append)
    for done in (1, 2, 4):
        plain.bar("epoch 1/3", done, 4)
    assert lines == ["    epoch 1/3 [########################] 4/4"]


def test_digits_without_scikit_learn_says_how_to_get_it(tmp_path: Path) -> None:
    done = _demo_without("sklearn", "digits", tmp_path)
    assert "scikit-learn is not installed, so no digits" in done.stdout
    assert 'pip install -e ".[demos]"' in done.stdout
    assert not any(tmp_path.iterdir())


def _promised_plots(name: str) -> set[str]:
    return PLOTS[name] if HAS_SKLEARN or name != "digits" else set()


@needs_matplotlib
@pytest.mark.parametrize("name", [name for name in PLOTS if PLOTS[name]])
def test_every_promised_plot_is_written_and_valid(run: Run, name: str) -> None:
    if name == "digits" and not HAS_SKLEARN:
        pytest.skip('scikit-learn is not installed, so no digits (pip install -e ".[demos]")')
    files = run.results[name].files
    assert set(files) - GRAPHS[name] == PLOTS[name]
    for key in PLOTS[name]:
        assert files[key].parent == run.out
        _check_picture(files[key])


@needs_graphviz
@needs_dot
@pytest.mark.parametrize("name", [name for name in GRAPHS if GRAPHS[name]])
def test_every_promised_graph_is_drawn_and_valid(run: Run, name: str) -> None:
    files = run.results[name].files
    assert set(files) - PLOTS[name] == GRAPHS[name]
    for key in GRAPHS[name]:
        assert files[key].parent == run.out
        _check_picture(files[key])


@needs_graphviz
def test_graphs_show_the_blogs_values_and_layers(run: Run) -> None:
    before = run.results["hand_calculation"].files["graph_before"].read_text("utf-8")
    for text in ("w1", "w2", "x1", "ŷ", "sigmoid", "0.125", "0.25"):
        assert text in before, text
    assert "σ(z)(1&#45;σ(z)) = 0.25" in before and "x1 = 0" in before  # each edge's rule (SVG)
    graph = run.results["xor_network"].files["graph"].read_text("utf-8")
    for text in ("layer1", "layer2", "W1", "b2", "cost", "linear", "sigmoid"):
        assert text in graph, text


def _png_dpi(path: Path) -> float:
    """The resolution a PNG records (its pHYs chunk, pixels per metre)."""
    data = path.read_bytes()
    at = data.index(b"pHYs")
    per_metre = int.from_bytes(data[at + 4 : at + 8], "big")
    return per_metre * 0.0254


@needs_matplotlib
def test_plots_are_course_ready(run: Run) -> None:
    from demos import plots

    assert set(PANELS) == {f"{name}/{key}" for name in PLOTS for key in _promised_plots(name)}
    safe = {c.lower() for c in plots.PALETTE} | {"#000000", "#ffffff"}
    for key, panels in PANELS.items():
        for panel in panels:
            where = f"{key}: {panel.title!r}"
            assert panel.xlabel and panel.ylabel, f"{where} needs axis labels"
            # colour-blind safe: the palette, black, white or greys (never red and green)
            odd = {c for c in panel.colours if c not in safe and len({c[1:3], c[3:5], c[5:]}) > 1}
            assert not odd, f"{where} uses {odd}"
            if "learning curve" in panel.title:
                assert panel.yscale == "log", where
            if "decision boundary" in panel.title:
                # micrograd's moons are labelled -1/1 and split by the score's sign
                moons = "micrograd" in panel.title
                negative = "y = -1" if moons else "y = 0"
                boundary = "score = 0" if moons else "$\\hat{y} = 0.5$"
                assert "y = 1" in panel.legend and negative in panel.legend, where
                assert f"{boundary}: the boundary" in panel.legend, where
                if "shaded" in panel.title:
                    assert len(panel.legend) == 5, where
    for name in PLOTS:
        for key in _promised_plots(name):
            assert _png_dpi(run.results[name].files[key]) >= 150, (name, key)


def test_readme_pictures_are_committed_and_valid() -> None:
    for name in ("xor_decision_boundary.png", "neuron_graph.png"):
        _check_picture(ROOT / "docs" / "images" / name)


# ---------------------------------------------------------------------------- the command line
def test_cli_lists_the_demos() -> None:
    done = _python("-m", "demos", "--list")
    assert done.returncode == 0, done.stderr
    for name in PROMISED:
        assert name in done.stdout
    assert "geometric_intuition.ipynb" in done.stdout


@needs_matplotlib
@needs_graphviz
@needs_dot
def test_cli_runs_a_demo_and_says_where_the_pictures_are(tmp_path: Path) -> None:
    done = _python("-m", "demos", "hand_calculation", "learning_rate", "--out", str(tmp_path))
    assert done.returncode == 0, done.stdout + done.stderr
    assert "blog 0.125" in done.stdout
    assert f"Pictures (3 files) are in {tmp_path.resolve()}" in done.stdout
    for name in ("hand_calculation_before.svg", "hand_calculation_after.svg", "learning_rate.png"):
        _check_picture(tmp_path / name)


def test_cli_rejects_an_unknown_demo() -> None:
    done = _python("-m", "demos", "no_such_demo")
    assert done.returncode == 2
    assert "hand_calculation" in done.stdout


def test_no_plots_writes_nothing(tmp_path: Path) -> None:
    result = demos.run("hand_calculation", out=tmp_path, plots=False, echo=lambda line: None)
    assert result.files == {} and list(tmp_path.iterdir()) == []
    assert result.values["dL_db"] == 0.125


def test_without_matplotlib_numbers_are_printed_with_a_hint(tmp_path: Path) -> None:
    done = _demo_without("matplotlib", "learning_rate", tmp_path)
    assert 'pip install -e ".[demos]"' in done.stdout
    assert "blog diverging" in done.stdout
    assert not any(tmp_path.iterdir())


@needs_graphviz
def test_without_the_graphviz_program_graphs_are_dot_text(tmp_path: Path) -> None:
    done = _python(
        "-m", "demos", "hand_calculation", "--out", str(tmp_path), env=_env(PATH=str(tmp_path))
    )
    assert done.returncode == 0, done.stdout + done.stderr
    assert "apt-get install graphviz" in done.stdout
    for name in ("hand_calculation_before.dot", "hand_calculation_after.dot"):
        text = (tmp_path / name).read_text("utf-8")
        assert text.startswith("digraph") and "0.125" in text


# ---------------------------------------------------------------------------- the notebook
def _plot_cells(notebook: dict) -> list[dict]:
    return [
        c
        for c in notebook["cells"]
        if c["cell_type"] == "code"
        and "live_plot(" in "".join(c["source"])
        and "def live_plot" not in "".join(c["source"])
    ]


def _shows(cell: dict, mimetype: str) -> bool:
    return any(mimetype in output.get("data", {}) for output in cell["outputs"])


def test_notebook_runs_headless_top_to_bottom() -> None:
    """Skipped unless the notebook extra is installed: pip install -e ".[notebook]"."""
    extra = 'the notebook test needs the notebook extra (pip install -e ".[notebook]")'
    pytest.importorskip("nbformat", reason=f"{extra}: nbformat is missing")
    pytest.importorskip("nbclient", reason=f"{extra}: nbclient is missing")
    pytest.importorskip("ipykernel", reason=f"{extra}: ipykernel is missing")
    pytest.importorskip("ipywidgets", reason=f"{extra}: ipywidgets is missing")
    from demos.notebook import execute

    notebook = execute()  # raises CellExecutionError if any cell fails (the last one asserts)
    printed = "".join(
        output.get("text", "")
        for cell in notebook.cells
        if cell.cell_type == "code"
        for output in cell.outputs
    )
    assert "sliders redraw their plots" in printed
    # Each plot is an image output (which the sliders update), not only a widget's content.
    plot_cells = _plot_cells(notebook)
    assert len(plot_cells) == 6 and all(_shows(cell, "image/png") for cell in plot_cells)
    (explained,) = [c for c in notebook.cells if "".join(c.source) == "viz.explain(loss, w)"]
    assert _shows(explained, "text/markdown") and _shows(explained, "text/latex")


def test_the_saved_notebook_shows_its_plots_without_a_kernel() -> None:
    # What GitHub or nbviewer show: the outputs saved by ``python -m demos.notebook``.
    notebook = json.loads(demos.NOTEBOOK.read_text(encoding="utf-8"))
    plot_cells = _plot_cells(notebook)
    assert len(plot_cells) == 6
    for cell in plot_cells:
        assert _shows(cell, "image/png"), "".join(cell["source"])[:60]
    sources = {"".join(c["source"]): c for c in notebook["cells"] if c["cell_type"] == "code"}
    assert _shows(sources["viz.explain(loss, w)"], "text/markdown")
    (graph,) = [c for src, c in sources.items() if "viz.to_dot(loss" in src]
    assert _shows(graph, "image/svg+xml") or _shows(graph, "text/html")


# ---------------------------------------------------------------------------- --trace
def _same_numbers(eager: object, traced: object, where: str = "") -> None:
    """Equal exactly (a traced step replays eager execution's NumPy calls), wall times aside."""
    if isinstance(eager, dict):
        assert isinstance(traced, dict) and eager.keys() == traced.keys(), where
        for key in eager:
            if key != "seconds":
                _same_numbers(eager[key], traced[key], f"{where}/{key}")
    elif isinstance(eager, (list, tuple)):
        assert isinstance(traced, (list, tuple)) and len(eager) == len(traced), where
        for k, (a, b) in enumerate(zip(eager, traced)):
            _same_numbers(a, b, f"{where}[{k}]")
    elif isinstance(eager, np.ndarray):
        assert np.array_equal(eager, traced) and eager.dtype == traced.dtype, where
    else:
        assert eager == traced, where


@pytest.mark.parametrize("name", ["xor_network", pytest.param("digits", marks=needs_sklearn)])
def test_the_trace_flag_trains_to_the_same_numbers(run: Run, name: str, tmp_path: Path) -> None:
    lines: list[str] = []
    traced = demos.run(name, out=tmp_path, plots=False, echo=lines.append, quick=True, trace=True)
    assert any("traced steps" in line for line in lines)
    _same_numbers(values(run, name), traced.values)


def test_cli_passes_the_trace_flag_on(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    import demos.cli

    seen: list[bool] = []

    def recording(name: str, **options: object) -> DemoResult:
        seen.append(bool(options["trace"]))
        return demos.run("hand_calculation", out=tmp_path, plots=False, echo=lambda line: None)

    monkeypatch.setattr(demos.cli, "run", recording)
    demos.cli.main(["hand_calculation", "--no-plots", "--trace", "--out", str(tmp_path)])
    demos.cli.main(["hand_calculation", "--no-plots", "--out", str(tmp_path)])
    assert seen == [True, False]
