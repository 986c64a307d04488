"""Placeholder page: being built."""

import streamlit as st

st.title("derivatives")
st.info("This lesson is being built.")
