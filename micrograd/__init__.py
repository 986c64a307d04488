"""micrograd classroom: a tiny scalar autograd engine and the lessons built on it.

The teaching core is `micrograd.engine` (Value) and `micrograd.nn` (Neuron, Layer, MLP),
standard library only. Everything else (data, training, drawing, the tensor engine) may
use numpy, scikit-learn, pydot and plotly, and never imports streamlit.
"""

from micrograd.engine import Value

__all__ = ["Value"]
