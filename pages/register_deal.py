"""Deal registration: a partner registers a potential customer. Its own issue builds the content."""

import streamlit as st

from pages.components import guard

user = guard("register_deal")
st.title("Register a deal")
st.info("This page is being built.", icon=":material/construction:")
