"""Text -> a checked syntax tree: the limits, the errors and every rule of what is allowed.

`parse` checks the raw text (type, length, control characters, bracket nesting) before
Python's parser sees it, parses it with ``ast.parse(text, mode="eval")``, bounds the tree's
depth and size iteratively, then walks it once refusing everything but numbers, names,
``+ - * / **``, unary minus or plus and the calls in `FUNCTIONS`. Every limit of the
expression language is defined here, once (`micrograd.expr.evaluation` reads `MAX_EXPONENT`).
"""

import ast
import operator

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

# the allowed binary operators and what each computes (on Values, floats or numpy arrays alike)
_BINOPS = {ast.Add: operator.add, ast.Sub: operator.sub, ast.Mult: operator.mul, ast.Div: operator.truediv,
           ast.Pow: operator.pow}

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

    # the evaluators import this module, so these three import them when called

    def build(self, values):
        """The graph for these values: see the module function `build`."""
        from micrograd.expr.evaluation import build

        return build(self, values)

    def evaluate(self, values):
        """The root Value for these values: see the module function `evaluate`."""
        from micrograd.expr.evaluation import evaluate

        return evaluate(self, values)

    def numeric(self, values, dtype="float64", errors="raise"):
        """Numeric value(s) for these values: see the module function `evaluate_numeric`."""
        from micrograd.expr.evaluation import evaluate_numeric

        return evaluate_numeric(self, values, dtype=dtype, errors=errors)


def _column(text, node):
    """1-based character column of an ast node in a one-line text (ast offsets are bytes)."""
    return len(text.encode("utf-8")[: node.col_offset].decode("utf-8", errors="ignore")) + 1


def _fragment(text, node):
    seg = ast.get_source_segment(text, node)
    return seg if seg is not None else ""


def _short(frag, limit=40):
    """The fragment as shown inside a message: quoted, cut to `limit` characters."""
    return repr(frag if len(frag) <= limit else frag[: limit - 3] + "...")


def _locate(text, node):
    """(fragment, column, "'fragment' at column c") of an ast node: what every positioned error names."""
    frag = _fragment(text, node)
    col = _column(text, node)
    return frag, col, f"{_short(frag)} at column {col}"


def _refuse(text, node, what):
    frag, col, at = _locate(text, node)
    return ExpressionError(f"{what}: {at}. {_ALLOWED_HINT}.", frag, col)


def _prescan(text):
    """Checks done on the raw text before the parser sees it: type, length, characters, nesting."""
    if not isinstance(text, str):
        raise ExpressionError(f"an expression must be text, got {type(text).__name__}")
    if not text.strip():
        raise ExpressionError("the expression is empty: type one (for example x**2 - 2*x).")
    if len(text) > MAX_LENGTH:
        raise ExpressionError(
            f"the expression is {len(text)} characters long; the limit is {MAX_LENGTH}: shorten it.",
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
                    "remove some parentheses.",
                    ch,
                    i + 1,
                )
        elif ch in ")]}":
            depth -= 1
        elif ch != " " and ch != "\t" and not ch.isprintable():
            raise ExpressionError(
                f"unexpected control character {ch!r} at column {i + 1}: "
                "write the expression on one line.",
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
                f"the expression has more than {MAX_NODES} parts: shorten it.", text[:40], 1
            )
        if depth > MAX_DEPTH:
            raise _refuse(text, placed, f"the expression is nested more than {MAX_DEPTH} levels deep")
        for child in ast.iter_child_nodes(node):
            stack.append((child, depth + 1, placed))


def _check(text, node, found):
    """Validate `node` recursively (depth already bounded); append variable names to `found`."""
    if isinstance(node, ast.Constant):
        v = node.value
        if isinstance(v, bool) or not isinstance(v, (int, float)):
            what = "a string" if isinstance(v, (str, bytes)) else f"the constant {type(v).__name__}"
            raise _refuse(text, node, f"{what} is not allowed")
        return
    if isinstance(node, ast.Name):
        if node.id.startswith("_"):  # dunders and every other private name
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
