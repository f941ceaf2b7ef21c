"""Commissions: the weekly review, statements, tables, and the Plotly reports."""
