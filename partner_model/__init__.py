"""The partner-program domain: models, rules and services. Never imports streamlit."""
