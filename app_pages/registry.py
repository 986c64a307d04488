"""The app's pages, written once: read by app.py (the navigation), Home (the lesson map), each page
(its heading) and the tests. Plain data: no streamlit import, so tests and tools can read it too.
"""

from dataclasses import dataclass

__all__ = ["PageInfo", "PAGES", "page"]


@dataclass(frozen=True)
class PageInfo:
    """One page of the app.

    Attributes:
        script: the page script's file name in app_pages/ (e.g. "derivatives.py"); Streamlit
            derives the page's URL path from it ("/derivatives").
        title: the name in the navigation and the lesson map.
        icon: a Material Symbols icon, as Streamlit writes it (":material/functions:").
        section: the navigation section the page sits in.
        blurb: one sentence for the lesson map on Home ("" for Home itself).
        heading: the page's own title line, if not "icon title" (Home says what the app is).
    """

    script: str
    title: str
    icon: str
    section: str
    blurb: str = ""
    heading: str = ""

    @property
    def path(self):
        """The script's path from the app's folder, as `st.page_link` and `AppTest.switch_page` take it."""
        return f"app_pages/{self.script}"

    @property
    def url_path(self):
        """The page's URL path below the app's root ("" for the default page)."""
        return "" if self is PAGES[0] else self.script.removesuffix(".py")

    @property
    def title_line(self):
        """What the page shows in its `st.title`."""
        return self.heading or f"{self.icon} {self.title}"


# in navigation order; the first is the default page
PAGES = (
    PageInfo("home.py", "Home", ":material/home:", "Start", heading=":material/school: micrograd classroom"),
    PageInfo("derivatives.py", "Derivatives: numerical vs analytic", ":material/functions:", "Lessons",
             "Finite differences against the engine: watch the secant become the tangent, "
             "and see where round-off wins."),
    PageInfo("computation_graph.py", "Computation graph & backprop", ":material/account_tree:", "Lessons",
             "Step the backward pass one node at a time: local derivative × upstream gradient."),
    PageInfo("manual_vs_auto.py", "Manual vs automatic backprop", ":material/compare_arrows:", "Lessons",
             "The chain rule by hand next to backward(); fan-out, accumulation, and a quiz."),
    PageInfo("playground.py", "Train an MLP", ":material/model_training:", "Training",
             "The live playground: pick data and a network, press play, watch the decision boundary learn."),
    PageInfo("vs_pytorch.py", "micrograd vs PyTorch", ":material/speed:", "Under the hood",
             "The same step three ways: scalar engine, vectorized tensors, PyTorch. Why frameworks use tensors."),
    PageInfo("gradient_check.py", "Gradient checking", ":material/fact_check:", "Under the hood",
             "Check every gradient against finite differences, then inject a bug and watch the check catch it."),
)


def page(script):
    """The `PageInfo` of page script `script` ("derivatives.py").

    Raises:
        KeyError: if no page has that script.
    """
    for p in PAGES:
        if p.script == script:
            return p
    raise KeyError(f"no page {script!r}: the pages are {', '.join(p.script for p in PAGES)}")
