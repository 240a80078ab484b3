"""Every example of the seed blog ("Nothing but NumPy") and the geometric-intuition notebook,
reproduced on our engine with the blog's figures beside ours, plots and graph images.

Run ``python -m demos`` (all), ``python -m demos NAME`` (one), ``--list``, ``--out DIR``,
``--no-plots``. From Python: ``demos.run("or_gate", out="demo-output")`` returns a
``DemoResult`` whose ``values`` hold the numbers and ``files`` the pictures written.
"""

from .common import Comparison, DemoContext, DemoResult
from .registry import DEMOS, NOTEBOOK, Demo, names, run

__all__ = ["DEMOS", "NOTEBOOK", "Comparison", "Demo", "DemoContext", "DemoResult", "names", "run"]
