"""The home page's first example: f(x) = x^2 at x = 3, forward and backward, by the engine."""

from micrograd.engine import Value

#: the code the home page shows; `tour()` runs exactly this. Keep its lines short (at most
#: 56 characters): the home page's code column shows about 60 at a 1366 px wide window.
TOUR_CODE = """from micrograd.engine import Value

x = Value(3.0, label="x")
# forward pass: builds the graph x -> (**2) -> f
f = x ** 2
# backward pass: df/dx by the chain rule
f.backward()
print(f.data, x.grad)  # 9.0 6.0"""


def tour():
    """Run TOUR_CODE's steps and return {'f': f(3), 'dfdx': f'(3)} as floats (9.0 and 6.0)."""
    x = Value(3.0, label="x")
    f = x**2
    f.backward()
    return {"f": f.data, "dfdx": x.grad}
