"""Errors raised by ``viz``, each saying what to do about it."""

from __future__ import annotations

__all__ = ["GraphvizNotFoundError", "GraphTooLargeError"]

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


class GraphTooLargeError(ValueError):
    """The graph has more nodes than ``max_nodes`` allows and could not be collapsed to fit."""
