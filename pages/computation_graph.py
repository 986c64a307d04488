"""Placeholder page: being built."""

import streamlit as st

st.title("computation_graph")
st.info("This lesson is being built.")
