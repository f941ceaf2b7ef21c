"""The review queue: staff approve or deny pending deals. Its own issue builds the content."""

import streamlit as st

from pages.components import guard

user = guard("review_queue")
st.title("Review queue")
st.info("This page is being built.", icon=":material/construction:")
