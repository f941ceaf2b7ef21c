"""The pipeline page's charts and panels: value by stage, funnel, registrations, stale deals."""
