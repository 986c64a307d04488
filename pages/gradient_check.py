"""Placeholder page: being built."""

import streamlit as st

st.title("gradient_check")
st.info("This lesson is being built.")
