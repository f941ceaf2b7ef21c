"""The HTTP API for the vendor's product, served by app.py beside the pages (Streamlit's st.App routes): the
product feed's events in, its OpenAPI document, and the health checks. Rules stay in partner_model."""

from api.newsletter_routes import ROUTES as NEWSLETTER_ROUTES
from api.routes import ROUTES as FEED_ROUTES

ROUTES = [*FEED_ROUTES, *NEWSLETTER_ROUTES]

__all__ = ["ROUTES"]
