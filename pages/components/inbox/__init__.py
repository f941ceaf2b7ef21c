"""The home page when signed in: each user's own summary and work."""
