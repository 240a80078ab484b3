"""Every example of the seed blog ("Nothing but NumPy") and the geometric-intuition notebook,
and micrograd's demo, reproduced on our engine with their figures beside ours, plots and
graph images. They run from the checkout; the installed package holds only the library.

Run ``python -m demos`` (all), ``python -m demos NAME`` (one), ``--list``, ``--out DIR``,
``--no-plots``. From Python: ``demos.run("or_gate", out="demo-output")`` returns a
``DemoResult`` whose ``values`` hold the numbers and ``files`` the pictures written.
"""

from .common import Comparison, DemoContext, DemoResult
from .registry import DEMOS, NOTEBOOK, Demo, names, run

__all__ = ["DEMOS", "NOTEBOOK", "Comparison", "Demo", "DemoContext", "DemoResult", "names", "run"]
