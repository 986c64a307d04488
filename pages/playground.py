"""Placeholder page: being built."""

import streamlit as st

st.title("playground")
st.info("This lesson is being built.")
