"""Customer overview: accounts, trials, extensions and attention items. Its own issue builds the content."""

import streamlit as st

from pages.components import guard

user = guard("customers")
st.title("Customers")
st.info("This page is being built.", icon=":material/construction:")
