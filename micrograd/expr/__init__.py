"""Safe arithmetic expressions: student text -> a graph of `Value` nodes (or plain numbers).

The text is parsed with Python's own parser, ``ast.parse(text, mode="eval")``, and the
tree is walked, allowing only:

- numbers (``3``, ``0.5``, ``1e-3``) and variable names (``x``, ``w1``);
- the binary operators ``+ - * / **``, unary minus (and unary plus), parentheses;
- the calls ``tanh(u) exp(u) log(u) sigmoid(u) relu(u)`` and their method forms
  ``(u).tanh()`` ... (the names of `micrograd.engine.Value`'s methods).

Everything else (attributes other than those methods, subscripts, lambdas, comprehensions,
strings, comparisons, dunder names, unknown names or functions) raises `ExpressionError`
naming the offending fragment and its column. User text is never passed to
``eval``/``exec``/``compile``: nothing in it can run code or touch the interpreter.

Limits, each with a clear error, so that hostile text is rejected fast:
`MAX_LENGTH` characters (checked before parsing), `MAX_NESTING` levels of brackets
(checked by scanning the text before parsing, so ``"(" * 10_000`` never reaches the
parser), `MAX_DEPTH` levels and `MAX_NODES` nodes of syntax tree (checked iteratively
before the tree is walked), and constant exponents within +-`MAX_EXPONENT` (so ``9**9**9``
is refused after computing only ``9**9``). Numbers are floats throughout: there is no
big-integer arithmetic to blow up.

One tree walker evaluates a checked expression, with two arithmetic backends:

- `evaluate` / `build`: a graph of `Value` nodes for autodiff (constants that meet a
  `Value` become unlabelled leaf Values, as in ``b + 1``; constant-only sub-expressions are
  folded to plain floats first);
- `evaluate_numeric`: numpy arithmetic in a chosen dtype (float64 or float32), on scalars
  or arrays, for finite differences and plots.

Columns in errors are 1-based character positions in the text, as an editor shows them.

The package: `micrograd.expr.parsing` (text -> checked tree: the limits, the errors, the
rules) and `micrograd.expr.evaluation` (the walker and its Value and numpy backends). Import
everything from `micrograd.expr`.
"""

from micrograd.expr.evaluation import build, evaluate, evaluate_numeric
from micrograd.expr.parsing import (
    FUNCTIONS,
    MAX_DEPTH,
    MAX_EXPONENT,
    MAX_LENGTH,
    MAX_NESTING,
    MAX_NODES,
    EvaluationError,
    Expression,
    ExpressionError,
    names,
    parse,
)

__all__ = [
    "ExpressionError",
    "EvaluationError",
    "Expression",
    "parse",
    "names",
    "evaluate",
    "build",
    "evaluate_numeric",
    "FUNCTIONS",
    "MAX_LENGTH",
    "MAX_NESTING",
    "MAX_DEPTH",
    "MAX_NODES",
    "MAX_EXPONENT",
]
