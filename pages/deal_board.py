"""The deal board: one column per stage. Its own issue builds the content."""

import streamlit as st

from pages.components import guard

user = guard("deal_board")
st.title("Deal board")
st.info("This page is being built.", icon=":material/construction:")
