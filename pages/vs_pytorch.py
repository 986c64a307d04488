"""Placeholder page: being built."""

import streamlit as st

st.title("vs_pytorch")
st.info("This lesson is being built.")
