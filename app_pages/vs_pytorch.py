"""micrograd vs PyTorch: the same computations on the scalar engine, the Tensor engine and PyTorch."""

import pandas as pd
import streamlit as st

from app_pages import registry
from micrograd.lessons import vs_pytorch, vs_pytorch_measured

st.title(registry.page("vs_pytorch.py").title_line)
st.markdown(
    """
Our `Value` engine makes one graph node per *number*. PyTorch makes one per *array*. That
single design choice is why frameworks use **tensors**. In between sits our own
`micrograd.tensor.Tensor`: the very same design as `Value` (nodes, local derivatives, a
reverse topological backward pass) over numpy arrays, in one readable file. Below, the
same expression and the same training step run on each engine, side by side.
"""
)

HAS_TORCH = vs_pytorch.torch_or_none() is not None
WAYS = "three ways" if HAS_TORCH else "two ways"  # PyTorch's column is there only when it is installed
if not HAS_TORCH:
    st.info(
        "PyTorch is not installed, so it is left out of every table, chart and side-by-side below. "
        "Everything else works. To add it:",
        icon=":material/info:",
    )
    st.code(vs_pytorch.INSTALL_TORCH, language="bash")

if "vs_nonce" not in st.session_state:
    st.session_state["vs_nonce"] = 0


@st.cache_data(show_spinner="Timing a few training steps on each engine...")
def measured(has_torch, nonce):
    """Speed, graph sizes and install size, measured once per (torch available, nonce)."""
    speed = vs_pytorch_measured.measure_speed(scalar_steps=5, fast_steps=50)
    nodes = vs_pytorch_measured.graph_nodes()
    size = vs_pytorch_measured.torch_install_size() if has_torch else None
    cuda = vs_pytorch.torch_or_none().cuda.is_available() if has_torch else None
    return {"speed": speed, "nodes": nodes, "size": size, "cuda": cuda}


@st.cache_data(show_spinner=False)
def step_comparison(has_torch):
    """One demo step on every engine, from the same weights (cached: it never changes)."""
    return vs_pytorch.compare_step()


facts = measured(HAS_TORCH, st.session_state["vs_nonce"])
speed = facts["speed"]


def code_side_by_side(functions, engines):
    """One column per engine that ran: its name and the source of its function; returns the columns."""
    columns = st.columns(len(engines))
    for col, engine in zip(columns, engines, strict=True):
        col.markdown(f"**{vs_pytorch.ENGINE_NAMES[engine]}**")
        col.code(vs_pytorch.source_of(functions[engine]), language="python", wrap_lines=True)
    return columns


# --- 1. the table --------------------------------------------------------------------------
st.subheader("The comparison table, measured")
table = vs_pytorch_measured.comparison_table(speed, facts["nodes"], facts["size"], facts["cuda"])
st.dataframe(pd.DataFrame(table), hide_index=True, key="vs_table", width="stretch")
left, right = st.columns([3, 1])
left.caption(
    "Speed: median wall-clock time of one full-batch training step of the original demo (100 moons, "
    "MLP 2-16-16-1, hinge loss + 1e-4 L2, forward + backward + SGD update) on this machine, just now. "
    "Code size: lines of our source files. Run `python benchmarks/engines.py` for steadier figures."
)
if right.button("Measure again", key="vs_remeasure", icon=":material/refresh:"):
    st.session_state["vs_nonce"] += 1
    st.rerun()
st.plotly_chart(vs_pytorch_measured.speed_figure(speed), key="vs_speed_chart", width="stretch")

# --- 2. one neuron, three ways -------------------------------------------------------------
st.subheader(f"One neuron, {WAYS}")
st.markdown(
    "The neuron from Karpathy's lecture, o = tanh(x1·w1 + x2·w2 + b). Change the inputs; "
    "every engine gets the same numbers."
)
cols = st.columns(5)
inputs = {}
for col, (name, default) in zip(cols, vs_pytorch.NEURON_INPUTS.items(), strict=True):
    inputs[name] = col.number_input(name, value=float(default), step=0.5, format="%.4f", key=f"vs_{name}",
                                    min_value=-1e6, max_value=1e6)

try:
    neuron = vs_pytorch.compare_neuron(inputs)
except (ArithmeticError, ValueError) as exc:
    st.error(f"These inputs cannot be computed ({exc}). Use smaller numbers.")
    st.stop()
code_side_by_side({"scalar": vs_pytorch.neuron_scalar, "tensor": vs_pytorch.neuron_tensor,
                   "torch": vs_pytorch.neuron_torch}, neuron["engines"])
df = pd.DataFrame(neuron["rows"]).rename(columns=vs_pytorch.ENGINE_NAMES)
FULL_PRECISION = {v: st.column_config.NumberColumn(format="%.17g") for v in vs_pytorch.ENGINE_NAMES.values()}
st.dataframe(df, hide_index=True, key="vs_neuron_table", width="stretch", column_config=FULL_PRECISION)
st.metric("Largest difference from the scalar engine", f"{neuron['max_abs_diff']:.2e}",
          help="max |value or gradient − scalar engine's|, over all engines: float64 round-off only")

# --- 3. one training step, three ways ------------------------------------------------------
st.subheader(f"One training step, {WAYS}")
st.markdown(
    "One full-batch step of the original demo, from the same initial weights on every engine. "
    "Same loss, same 337 gradients, same update; what differs is how many graph nodes carry it "
    "and how fast."
)
step = step_comparison(HAS_TORCH)
step_columns = code_side_by_side({"scalar": vs_pytorch.step_scalar, "tensor": vs_pytorch.step_tensor,
                                  "torch": vs_pytorch.step_torch}, step["engines"])
for col, engine in zip(step_columns, step["engines"], strict=True):
    col.metric("loss", f"{step['loss'][engine]:.12f}")
    col.metric("time per step", f"{speed[engine]:.3g} ms",
               help="median of a few steps, measured when this page first loaded")
    col.metric("graph nodes", f"{facts['nodes'][engine]:,}")
    if engine != "scalar":
        col.metric("max |grad − scalar grad|", f"{step['max_abs_diff']['grad'][engine]:.1e}",
                   help=f"over all {step['n_params']} parameters")

st.markdown(f"The first {len(step['grad_rows'])} of {step['n_params']} gradients, side by side:")
df = pd.DataFrame(step["grad_rows"]).rename(columns=vs_pytorch.ENGINE_NAMES)
st.dataframe(df, hide_index=True, key="vs_grad_table", width="stretch", column_config=FULL_PRECISION)
st.caption(
    "Why is the Tensor engine faster than PyTorch here? Each op costs a fixed overhead (PyTorch's "
    "dispatcher and autograd bookkeeping are built for large tensors and GPUs); at 100 × 16 arrays "
    "that overhead dominates, and numpy's is smaller. On big tensors or a GPU PyTorch wins easily."
)
