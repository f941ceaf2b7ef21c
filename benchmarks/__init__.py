"""Benchmarks of the service calls behind each page, on the large seeded SQLite database.

Run `python -m benchmarks`; see benchmarks/__main__.py. Scenarios live in benchmarks/scenarios.py.
"""
