"""micrograd's ``engine`` module: ``Value``, which here is ``autograd_core.Value`` itself.

Everything micrograd's ``Value`` offers works on it (``+ - * / **``, ``relu()``,
``backward()``, ``data``, ``grad``, ``_prev``, ``_op``), and everything else of ours too
(``exp``, ``tanh``, ``sigmoid``, ``log``, ..., ``label``, ``parents``, ``op``).
"""

from autograd_core import Value

__all__ = ["Value"]
