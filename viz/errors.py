"""Errors raised by ``viz``, each saying what to do about it."""

from __future__ import annotations

__all__ = [
    "GraphvizNotFoundError",
    "GraphvizFailedError",
    "GraphTooLargeError",
    "GraphvizPackageNotFoundError",
]

INSTALL_HINT = (
    "Install the Graphviz programs (the `graphviz` Python package alone does not include them):\n"
    "  Debian/Ubuntu:  sudo apt-get install graphviz\n"
    "  Fedora/RHEL:    sudo dnf install graphviz\n"
    "  macOS:          brew install graphviz\n"
    "  conda:          conda install -c conda-forge graphviz\n"
    "  Windows:        winget install graphviz  (then add its bin folder to PATH)\n"
    "DOT text needs no program: viz.render(root, 'graph.dot') and viz.to_dot(root).source "
    "still work."
)


class GraphvizNotFoundError(RuntimeError):
    """Graphviz's ``dot`` program, needed for SVG/PNG/PDF, is not on PATH."""

    def __init__(self, what: str = "drawing a graph") -> None:
        super().__init__(
            f"Graphviz's `dot` program was not found on PATH; it is needed for {what}.\n"
            + INSTALL_HINT
        )


class GraphvizFailedError(RuntimeError):
    """Graphviz's ``dot`` program refused or failed to draw the DOT text; says what dot said."""

    def __init__(self, what: str, returncode: int, stderr: str) -> None:
        super().__init__(
            f"Graphviz's `dot` failed while {what} (exit status {returncode}):\n"
            f"{stderr.strip() or '(no message)'}\n"
            "viz escapes every label, so this is a bug in viz: please report it with the "
            "graph's DOT text (viz.to_dot(root).source), which needs no Graphviz program."
        )


class GraphTooLargeError(ValueError):
    """The graph has more nodes than ``max_nodes`` allows and could not be collapsed to fit."""


class GraphvizPackageNotFoundError(ModuleNotFoundError):
    """The ``graphviz`` Python package, which viz builds its graphs with, is not installed."""

    def __init__(self, what: str) -> None:
        super().__init__(
            f"viz.{what} needs the graphviz Python package, which is not installed: "
            'pip install graphviz (or pip install "autograd-core[viz]"; in a checkout, '
            'pip install -e ".[viz]"). Images also need Graphviz\'s `dot` program:\n'
            + INSTALL_HINT,
            name="graphviz",
        )
