"""Safe arithmetic expressions: student text -> a graph of `Value` nodes (or plain numbers).

The text is parsed with Python's own parser, ``ast.parse(text, mode="eval")``, and the
tree is walked here, allowing only:

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

Two evaluators share the same checks:

- `evaluate` / `build`: a graph of `Value` nodes for autodiff (constants that meet a
  `Value` become unlabelled leaf Values, as in ``b + 1``; constant-only sub-expressions are
  folded to plain floats first);
- `evaluate_numeric`: numpy arithmetic in a chosen dtype (float64 or float32), on scalars
  or arrays, for finite differences and plots.

Columns in errors are 1-based character positions in the text, as an editor shows them.
"""

import ast
import math
from numbers import Real

from micrograd.engine import Value

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

MAX_LENGTH = 500
"""Longest accepted text, in characters."""
MAX_NESTING = 50
"""Deepest accepted bracket nesting, ``(((x)))`` is 3."""
MAX_DEPTH = 100
"""Deepest accepted syntax tree (a chain of 100 additions is 100 deep)."""
MAX_NODES = 400
"""Most syntax-tree nodes accepted."""
MAX_EXPONENT = 100
"""Largest accepted |constant exponent| in ``u ** c``."""
FUNCTIONS = ("tanh", "exp", "log", "sigmoid", "relu")
"""The functions an expression may call, as ``f(u)`` or ``(u).f()``."""

_ALLOWED_HINT = (
    "Use numbers, variable names, + - * / **, parentheses and the functions "
    + ", ".join(FUNCTIONS)
)

_BINOPS = {ast.Add: "+", ast.Sub: "-", ast.Mult: "*", ast.Div: "/", ast.Pow: "**"}

# friendly names for syntax Python has and we refuse
_REFUSED = {
    ast.Attribute: "attribute access",
    ast.Subscript: "indexing",
    ast.Slice: "slicing",
    ast.Lambda: "lambda",
    ast.ListComp: "a comprehension",
    ast.SetComp: "a comprehension",
    ast.DictComp: "a comprehension",
    ast.GeneratorExp: "a generator expression",
    ast.Compare: "a comparison",
    ast.BoolOp: "and/or",
    ast.IfExp: "if/else",
    ast.NamedExpr: "an assignment (:=)",
    ast.List: "a list",
    ast.Tuple: "a tuple (is there a stray comma?)",
    ast.Set: "a set",
    ast.Dict: "a dict",
    ast.JoinedStr: "an f-string",
    ast.FormattedValue: "an f-string",
    ast.Starred: "*unpacking",
    ast.Await: "await",
    ast.Yield: "yield",
    ast.YieldFrom: "yield",
}

_OPERATOR_HINTS = {
    ast.BitXor: "^ is not a power here: write ** (x**2 squares x)",
    ast.FloorDiv: "// (floor division) is not allowed: write /",
    ast.Mod: "% (remainder) is not allowed",
    ast.MatMult: "@ (matrix product) is not allowed: write * for a product",
    ast.BitAnd: "& is not allowed",
    ast.BitOr: "| is not allowed",
    ast.LShift: "<< is not allowed",
    ast.RShift: ">> is not allowed",
}


class ExpressionError(ValueError):
    """An expression that is refused or cannot be computed, with where and what to change.

    Attributes:
        text (str): the offending fragment of the expression (the whole text for a length
            error, '' when there is no fragment, e.g. an empty expression).
        column (int | None): the 1-based character position of the fragment in the
            expression, as an editor shows it (None when it has no position).

    ``str(err)`` is a full sentence for a student, saying what is wrong and what to change,
    including the fragment and the column.
    """

    def __init__(self, message, text="", column=None):
        super().__init__(message)
        self.text = text
        self.column = column


class EvaluationError(ExpressionError):
    """The expression is valid but cannot be computed at these values.

    Raised for a domain error (``log`` of a number <= 0, division by zero, a negative base
    to a fractional power) or an overflow to inf/nan. Same attributes as `ExpressionError`.
    """


class Expression:
    """A checked, parsed expression, ready to be evaluated any number of times.

    Made by `parse`; do not build it by hand.

    Attributes:
        source (str): the text, as given.
        names (tuple[str, ...]): the variable names, in order of first appearance (function
            names excluded).
    """

    __slots__ = ("source", "names", "_tree")

    def __init__(self, source, tree, names):
        self.source = source
        self._tree = tree
        self.names = names

    def __repr__(self):
        return f"Expression({self.source!r})"

    def build(self, values):
        """The graph for these values: see the module function `build`."""
        return build(self, values)

    def evaluate(self, values):
        """The root Value for these values: see the module function `evaluate`."""
        return evaluate(self, values)

    def numeric(self, values, dtype="float64", errors="raise"):
        """Numeric value(s) for these values: see the module function `evaluate_numeric`."""
        return evaluate_numeric(self, values, dtype=dtype, errors=errors)


# --- checking -------------------------------------------------------------------------


def _column(text, node):
    """1-based character column of an ast node in a one-line text (ast offsets are bytes)."""
    return len(text.encode("utf-8")[: node.col_offset].decode("utf-8", errors="ignore")) + 1


def _fragment(text, node):
    seg = ast.get_source_segment(text, node)
    return seg if seg is not None else ""


def _short(frag, limit=40):
    """The fragment as shown inside a message: quoted, cut to `limit` characters."""
    return repr(frag if len(frag) <= limit else frag[: limit - 3] + "...")


def _refuse(text, node, what):
    frag = _fragment(text, node)
    col = _column(text, node)
    return ExpressionError(f"{what}: {_short(frag)} at column {col}. {_ALLOWED_HINT}.", frag, col)


def _prescan(text):
    """Checks done on the raw text before the parser sees it: type, length, characters, nesting."""
    if not isinstance(text, str):
        raise ExpressionError(f"an expression must be text, got {type(text).__name__}")
    if not text.strip():
        raise ExpressionError("the expression is empty: type one, for example x**2 - 2*x")
    if len(text) > MAX_LENGTH:
        raise ExpressionError(
            f"the expression is {len(text)} characters long; the limit is {MAX_LENGTH}: shorten it",
            text[:40] + "...",
            MAX_LENGTH + 1,
        )
    depth = 0
    for i, ch in enumerate(text):
        if ch in "([{":
            depth += 1
            if depth > MAX_NESTING:
                raise ExpressionError(
                    f"brackets are nested more than {MAX_NESTING} deep at column {i + 1}: "
                    "remove some parentheses",
                    ch,
                    i + 1,
                )
        elif ch in ")]}":
            depth -= 1
        elif ch != " " and ch != "\t" and not ch.isprintable():
            raise ExpressionError(
                f"unexpected control character {ch!r} at column {i + 1}: "
                "write the expression on one line",
                ch,
                i + 1,
            )


def _syntax_error(text, err, lead=0):
    """ExpressionError for a SyntaxError raised on text[lead:] (columns made relative to text)."""
    col = err.offset + lead if isinstance(err.offset, int) and err.offset > 0 else None
    msg = err.msg or "invalid syntax"
    hint = "check for a missing operator, operand or parenthesis"
    end = len(text.rstrip())
    if col is None or col > end:  # the parser ran out of input
        col = end + 1
        hint = "the expression ends too early: complete it (a missing operand or ')'?)"
    frag = text[col - 1 : col + 9]
    if "decimal literal" in msg or "imaginary" in msg:
        hint = "write a product with *, e.g. 2*x instead of 2x"
    elif "invalid character" in msg:
        hint = "type powers as x**2 and use only ASCII operators + - * / **"
    where = f" at column {col}" if col else ""
    return ExpressionError(f"cannot read the expression{where} ({msg}): {hint}.", frag, col)


def _check_size(text, tree):
    """Depth and node count of the tree, iteratively (no recursion on untrusted depth)."""
    count = 0
    stack = [(tree.body, 1, tree.body)]
    while stack:
        node, depth, placed = stack.pop()
        if hasattr(node, "col_offset"):
            placed = node  # the nearest node with a position, for the error
        count += 1
        if count > MAX_NODES:
            raise ExpressionError(
                f"the expression has more than {MAX_NODES} parts: shorten it", text[:40], 1
            )
        if depth > MAX_DEPTH:
            raise _refuse(text, placed, f"the expression is nested more than {MAX_DEPTH} levels deep")
        for child in ast.iter_child_nodes(node):
            stack.append((child, depth + 1, placed))


def _is_dunder(name):
    return name.startswith("_")


def _check(text, node, found):
    """Validate `node` recursively (depth already bounded); append variable names to `found`."""
    if isinstance(node, ast.Constant):
        v = node.value
        if isinstance(v, bool) or not isinstance(v, (int, float)):
            what = "a string" if isinstance(v, (str, bytes)) else f"the constant {type(v).__name__}"
            raise _refuse(text, node, f"{what} is not allowed")
        return
    if isinstance(node, ast.Name):
        if _is_dunder(node.id):
            raise _refuse(text, node, "names starting with _ are not allowed")
        if node.id in FUNCTIONS:
            raise _refuse(text, node, f"{node.id} is a function: call it, as in {node.id}(x)")
        if node.id not in found:
            found.append(node.id)
        return
    if isinstance(node, ast.BinOp):
        if type(node.op) not in _BINOPS:
            hint = _OPERATOR_HINTS.get(type(node.op), "this operator is not allowed")
            raise _refuse(text, node, hint)
        _check(text, node.left, found)
        _check(text, node.right, found)
        return
    if isinstance(node, ast.UnaryOp):
        if not isinstance(node.op, (ast.USub, ast.UAdd)):
            raise _refuse(text, node, "only unary minus is allowed")
        _check(text, node.operand, found)
        return
    if isinstance(node, ast.Call):
        f = node.func
        if node.keywords or any(isinstance(a, ast.Starred) for a in node.args):
            raise _refuse(text, node, "functions take one plain argument, as in tanh(x)")
        if isinstance(f, ast.Name):
            if f.id not in FUNCTIONS:
                raise _refuse(text, f, f"unknown function {f.id!r} (known: {', '.join(FUNCTIONS)})")
            if len(node.args) != 1:
                raise _refuse(text, node, f"{f.id} takes exactly one argument, as in {f.id}(x)")
            _check(text, node.args[0], found)
            return
        if isinstance(f, ast.Attribute):
            if f.attr not in FUNCTIONS:
                raise _refuse(text, node, f"unknown method {f.attr!r} (known: {', '.join(FUNCTIONS)})")
            if node.args:
                raise _refuse(text, node, f"the method form takes no argument: write (u).{f.attr}()")
            _check(text, f.value, found)
            return
        raise _refuse(text, node, "only the functions " + ", ".join(FUNCTIONS) + " can be called")
    what = _REFUSED.get(type(node), f"{type(node).__name__} syntax")
    raise _refuse(text, node, f"{what} is not allowed")


def parse(text):
    """Check and parse an expression once, to evaluate it many times.

    Args:
        text: the expression (str), at most `MAX_LENGTH` characters, on one line.
            An `Expression` is passed through unchanged.

    Returns:
        an `Expression` with ``.names`` and ``.source``.

    Raises:
        ExpressionError: on bad syntax, refused syntax or a broken limit (see the module doc).
    """
    if isinstance(text, Expression):
        return text
    _prescan(text)
    body = text.lstrip()  # the parser refuses leading blanks ("unexpected indent")
    lead = len(text) - len(body)
    try:
        tree = ast.parse(body, mode="eval")
    except SyntaxError as err:
        raise _syntax_error(text, err, lead) from None
    except (ValueError, RecursionError, MemoryError) as err:  # defence in depth: prescan should stop these
        raise ExpressionError(f"cannot read the expression: {err}") from None
    if lead:  # make every position relative to the text as typed
        shift = len(text[:lead].encode("utf-8"))
        for node in ast.walk(tree):
            if getattr(node, "col_offset", None) is not None:
                node.col_offset += shift
            if getattr(node, "end_col_offset", None) is not None:
                node.end_col_offset += shift
    _check_size(text, tree)
    found = []
    _check(text, tree.body, found)
    return Expression(text, tree, tuple(found))


def names(text):
    """The variable names an expression uses.

    Args:
        text: the expression (str) or an `Expression`.

    Returns:
        list of str, in order of first appearance in the text; function names excluded.

    Raises:
        ExpressionError: on bad or refused syntax (unknown names are fine here).
    """
    # _check walks operands left to right (a method call's receiver before it), which is
    # the order of the text
    return list(parse(text).names)


# --- evaluation -----------------------------------------------------------------------


def _domain_error(src, node, err):
    frag = _fragment(src, node)
    col = _column(src, node)
    return EvaluationError(
        f"{_short(frag)} at column {col} cannot be computed: {err}. "
        "Change the values or the expression.",
        frag,
        col,
    )


def _overflow(src, node, result):
    frag = _fragment(src, node)
    col = _column(src, node)
    return EvaluationError(
        f"{_short(frag)} at column {col} gives {result} (overflow): use smaller numbers.", frag, col
    )


def _fold_pow(base, exp):
    """Constant ** constant with the engine's rules (and its errors) on plain floats."""
    return (Value(base) ** exp).data


class _ValueWalker:
    """Builds Values; constant-only sub-expressions stay plain floats."""

    def __init__(self, src, leaves):
        self.src = src
        self.leaves = leaves

    def walk(self, node):
        src = self.src
        if isinstance(node, ast.Constant):
            try:
                c = float(node.value)
            except OverflowError:
                raise _overflow(src, node, "inf") from None
            if not math.isfinite(c):
                raise _overflow(src, node, c)
            return c
        if isinstance(node, ast.Name):
            try:
                return self.leaves[node.id]
            except KeyError:
                raise self.unknown(node) from None
        if isinstance(node, ast.UnaryOp):
            v = self.walk(node.operand)
            return -v if isinstance(node.op, ast.USub) else v
        if isinstance(node, ast.BinOp):
            a = self.walk(node.left)
            b = self.walk(node.right)
            op = _BINOPS[type(node.op)]
            if op == "**" and not isinstance(b, Value) and abs(b) > MAX_EXPONENT:
                frag = _fragment(src, node.right)
                col = _column(src, node.right)
                raise ExpressionError(
                    f"the exponent {_short(frag)} at column {col} is {b:g}; constant exponents must be "
                    f"between -{MAX_EXPONENT} and {MAX_EXPONENT}: use a smaller one",
                    frag,
                    col,
                )
            try:
                if op == "+":
                    r = a + b
                elif op == "-":
                    r = a - b
                elif op == "*":
                    r = a * b
                elif op == "/":
                    if not isinstance(a, Value) and not isinstance(b, Value):
                        r = (Value(a) / b).data  # engine's ZeroDivisionError, not Python's
                    else:
                        r = a / b
                else:
                    if not isinstance(a, Value) and not isinstance(b, Value):
                        r = _fold_pow(a, b)
                    else:
                        r = a**b
            except (ValueError, ZeroDivisionError, OverflowError) as err:
                raise _domain_error(src, node, err) from None
            return self.finite(node, r)
        if isinstance(node, ast.Call):
            f = node.func
            if isinstance(f, ast.Name):
                name, arg = f.id, node.args[0]
            else:
                name, arg = f.attr, f.value
            u = self.walk(arg)
            const = not isinstance(u, Value)
            try:
                r = getattr(Value(u) if const else u, name)()
            except (ValueError, ZeroDivisionError, OverflowError) as err:
                raise _domain_error(src, node, err) from None
            return self.finite(node, r.data if const else r)
        raise _refuse(src, node, "unexpected syntax")  # unreachable: parse() checked the tree

    def finite(self, node, r):
        x = r.data if isinstance(r, Value) else r
        if not math.isfinite(x):
            raise _overflow(self.src, node, x)
        return r

    def unknown(self, node):
        frag = node.id
        col = _column(self.src, node)
        known = ", ".join(sorted(self.leaves)) or "none"
        return ExpressionError(
            f"unknown name {frag!r} at column {col}: give it a value or use a known name ({known})",
            frag,
            col,
        )


def _leaves(expr, values):
    if not isinstance(values, dict):
        raise TypeError(f"values must be a dict of name -> number, got {type(values).__name__}")
    leaves = {}
    for name in expr.names:
        if name not in values:
            continue  # reported with its column when the walk reaches it
        v = values[name]
        if isinstance(v, Value):
            if not v.label:
                v.label = name
            leaves[name] = v
            continue
        if isinstance(v, bool) or not isinstance(v, Real):
            raise TypeError(f"the value of {name!r} must be a real number, got {type(v).__name__}")
        if not math.isfinite(float(v)):
            raise ExpressionError(f"the value of {name!r} is {v}: give a finite number", name, None)
        leaves[name] = Value(float(v), label=name)
    return leaves


def build(text, values):
    """Build the computation graph of an expression.

    Args:
        text: the expression (str, or an `Expression` from `parse`).
        values: dict name -> real number (or a `Value`, used as the leaf itself, labelled
            with its name if it has no label). Names the expression does not use are ignored.

    Returns:
        (root, leaves): the root `Value` and a dict name -> leaf `Value` for each variable
        the expression uses, in order of first appearance. Each leaf is one object however
        often its name appears, so fan-out is real and ``backward()`` accumulates into it.
        Numbers meeting a Value become unlabelled constant leaves; an expression with no
        variable returns ``Value(result)``.

    Raises:
        ExpressionError: bad or refused syntax, a broken limit, or an unknown name.
        EvaluationError (an ExpressionError): a domain error or overflow at these values.
        TypeError: `values` is not a dict of real numbers.
    """
    expr = parse(text)
    leaves = _leaves(expr, values)
    root = _ValueWalker(expr.source, leaves).walk(expr._tree.body)
    if not isinstance(root, Value):
        root = Value(root)
    return root, leaves


def evaluate(text, values):
    """The root `Value` of the graph built from an expression: ``build(text, values)[0]``.

    Example: ``evaluate("(a + b) * (b + 1)", {"a": 2, "b": -3})`` has data 2.0; after
    ``.backward()`` the leaf b (one object, used twice) has grad (b + 1) + (a + b) = -3.

    Args, returns and raises: as `build`.
    """
    return build(text, values)[0]


class _NumericWalker:
    """numpy arithmetic in one dtype, on scalars or arrays."""

    def __init__(self, src, leaves, np, dtype, strict):
        self.src = src
        self.leaves = leaves
        self.np = np
        self.dtype = dtype
        self.strict = strict

    def walk(self, node):
        np = self.np
        if isinstance(node, ast.Constant):
            try:
                c = float(node.value)
            except OverflowError:
                raise _overflow(self.src, node, "inf") from None
            return self.guard(node, lambda: self.dtype.type(c))
        if isinstance(node, ast.Name):
            try:
                return self.leaves[node.id]
            except KeyError:
                raise _ValueWalker(self.src, self.leaves).unknown(node) from None
        if isinstance(node, ast.UnaryOp):
            v = self.walk(node.operand)
            return -v if isinstance(node.op, ast.USub) else v
        if isinstance(node, ast.BinOp):
            a = self.walk(node.left)
            b = self.walk(node.right)
            op = _BINOPS[type(node.op)]
            if op == "**" and _is_constant(node.right) and abs(float(b)) > MAX_EXPONENT:
                frag = _fragment(self.src, node.right)
                col = _column(self.src, node.right)
                raise ExpressionError(
                    f"the exponent {_short(frag)} at column {col} is {float(b):g}; constant exponents "
                    f"must be between -{MAX_EXPONENT} and {MAX_EXPONENT}: use a smaller one",
                    frag,
                    col,
                )
            return self.guard(node, lambda: _NUMPY_BINOPS[op](a, b))
        if isinstance(node, ast.Call):
            f = node.func
            name, arg = (f.id, node.args[0]) if isinstance(f, ast.Name) else (f.attr, f.value)
            u = self.walk(arg)
            return self.guard(node, lambda: _numpy_function(np, name, u))
        raise _refuse(self.src, node, "unexpected syntax")  # unreachable

    def guard(self, node, fn):
        np = self.np
        if not self.strict:
            with np.errstate(all="ignore"):
                return fn()
        try:
            with np.errstate(divide="raise", over="raise", invalid="raise", under="ignore"):
                r = fn()
        except FloatingPointError as err:
            raise _domain_error(self.src, node, str(err).replace("encountered in", "in")) from None
        if not np.all(np.isfinite(r)):
            raise _overflow(self.src, node, r)
        return r


def _is_constant(node):
    """True if an ast node contains no variable name (its value is a plain number)."""
    return not any(isinstance(n, ast.Name) and n.id not in FUNCTIONS for n in ast.walk(node))


_NUMPY_BINOPS = {
    "+": lambda a, b: a + b,
    "-": lambda a, b: a - b,
    "*": lambda a, b: a * b,
    "/": lambda a, b: a / b,
    "**": lambda a, b: a**b,
}


def _numpy_function(np, name, u):
    if name == "tanh":
        return np.tanh(u)
    if name == "exp":
        return np.exp(u)
    if name == "log":
        if np.any(u <= 0):
            if np.geterr()["invalid"] == "raise":
                raise FloatingPointError("log needs a positive number")
            return np.where(u > 0, np.log(np.where(u > 0, u, 1)), np.nan).astype(np.result_type(u))
        return np.log(u)
    if name == "sigmoid":
        # stable: e = exp(-|u|) never overflows; s = 1/(1+e) for u >= 0, e/(1+e) for u < 0
        e = np.exp(-np.abs(u))
        return np.where(u >= 0, 1 / (1 + e), e / (1 + e)).astype(np.result_type(u))
    if name == "relu":
        return np.maximum(u, 0)
    raise AssertionError(name)  # unreachable: parse() checked the name


def evaluate_numeric(text, values, dtype="float64", errors="raise"):
    """Evaluate an expression with numpy arithmetic in one floating dtype.

    Every number, every intermediate result and the output are in `dtype`, so float32
    shows float32 round-off (NumPy 2 keeps float32 when Python numbers meet float32).
    Used for finite differences and for plotting a function on a grid.

    Args:
        text: the expression (str, or an `Expression`).
        values: dict name -> number or numpy array (arrays broadcast; they are cast to
            `dtype`).
        dtype: "float64" or "float32" (or a numpy dtype).
        errors: "raise" to raise `EvaluationError` on a domain error (log of x <= 0, division
            by zero, 0 ** negative, negative ** fraction) or overflow; "nan" to return nan/inf
            there instead (for plotting).

    Returns:
        a numpy scalar or array of `dtype`.

    Raises:
        ExpressionError: bad or refused syntax, an unknown name; EvaluationError (with
        errors="raise") as above; ValueError: an unknown `errors` or a non-float dtype.
    """
    import numpy as np  # numpy only here: the Value evaluator stays standard-library only

    if errors not in ("raise", "nan"):
        raise ValueError(f"errors must be 'raise' or 'nan', got {errors!r}")
    dt = np.dtype(dtype)
    if dt.kind != "f":
        raise ValueError(f"dtype must be a floating type such as float64 or float32, got {dt}")
    expr = parse(text)
    leaves = {}
    for name in expr.names:
        if name in values:
            v = values[name]
            leaves[name] = np.asarray(v, dtype=dt) if np.ndim(v) else dt.type(v)
    walker = _NumericWalker(expr.source, leaves, np, dt, errors == "raise")
    r = walker.walk(expr._tree.body)
    if np.ndim(r) == 0:
        return dt.type(r)
    return np.asarray(r, dtype=dt)
