"""Streaming CSV exports for auditors and supervisors (docs/auditor.md, "Exports").

- ``columns``: how a column is declared (its class, whether it identifies, its SQL).
- ``definitions``: one declaration per export, columns in their documented order.
- ``query``: the scoped SQL of one export for one user and their filters.
- ``formula``: neutralising cells a spreadsheet would evaluate.
- ``streaming``: PostgreSQL's ``COPY ... TO STDOUT`` or, on SQLite, Python's csv module.
- ``limits``: one running export per user, a few across the deployment.
- ``recording``: each export's audit events (started, then finished or cut off).
"""
