"""The partner-program domain: models, rules and services. Never imports streamlit."""

# Registers the session hooks that keep the stored pipeline figures in every deal write's transaction.
from partner_model import pipeline_figures as _pipeline_figures  # noqa: E402,F401
