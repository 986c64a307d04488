"""Placeholder page: being built."""

import streamlit as st

st.title("manual_vs_auto")
st.info("This lesson is being built.")
