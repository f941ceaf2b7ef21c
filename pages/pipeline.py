"""Pipeline reports: value by stage, conversion and win rate. Its own issue builds the content."""

import streamlit as st

from pages.components import guard

user = guard("pipeline")
st.title("Pipeline")
st.info("This page is being built.", icon=":material/construction:")
