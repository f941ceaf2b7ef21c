"""Weekly commission review and statements. Its own issue builds the content."""

import streamlit as st

from pages.components import guard

user = guard("commissions")
st.title("Commissions")
st.info("This page is being built.", icon=":material/construction:")
