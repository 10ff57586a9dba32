"""Reads: always scoped to the user; dashboards' aggregates."""
