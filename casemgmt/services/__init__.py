"""Writes: keyword-only functions, one transaction each, audit row inside."""
