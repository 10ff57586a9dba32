"""The benchmark harness behind ``make bench`` (``manage.py bench``).

Every figure is declared once, in ``registry.BENCHMARKS``, with the reference(s) it is
measured beside in the same run: a group (``registry.group``) prepares what its figures
need, and ``registry.benchmark`` adds one figure. A later issue adds its figures in a
module of its own here and lists that module in ``GROUP_MODULES``; nothing else changes.
Figures are printed and written to JSON, never asserted in the test suite.
"""

from importlib import import_module

# The modules that declare groups and figures, imported by ``load()``.
GROUP_MODULES = (
    "casemgmt.benchmarks.caseload",
    "casemgmt.benchmarks.case_page",
    "casemgmt.benchmarks.audit_trail",
    "casemgmt.benchmarks.audit_search",
    "casemgmt.benchmarks.exports",
    "casemgmt.benchmarks.dashboard",
    "casemgmt.benchmarks.other_pages",
    "casemgmt.benchmarks.query_plans",
    "casemgmt.benchmarks.connections",
)


def load() -> None:
    """Import every declaring module (each registers its group and figures once)."""
    for module in GROUP_MODULES:
        import_module(module)
