"""The supervisor's dashboard, pre-aggregated (``services.dashboard_snapshots``).

A snapshot holds the full dashboard's figures for one *view*: the supervisors who see
exactly the same cases and records (same agency, same supervised programmes, same
juvenile training, same information classes, no case of their own by allow-list or
emergency access). Each list a figure opens is kept with it, as the cases it counted,
so the list says the figure's number "as of" the snapshot's time.
"""

from django.db import models
from django.utils.translation import gettext_lazy as _


class DashboardSnapshot(models.Model):
    agency = models.ForeignKey(
        "casemgmt.Agency", on_delete=models.CASCADE, related_name="dashboard_snapshots"
    )
    # The view's other parts, as ``selectors.dashboard.stored.View`` writes them.
    programmes = models.CharField(max_length=500, blank=True)
    juvenile_trained = models.BooleanField()
    info_classes = models.CharField(max_length=200)
    taken_at = models.DateTimeField()
    # How long the figures took to compute, in milliseconds (for operations).
    took_ms = models.PositiveIntegerField(default=0)
    # What each of the dashboard's queries returned (``stored.encode``): numbers and ids.
    figures = models.JSONField()
    # The code that computed them (``stored.CODE_VERSION``): another version's figures may
    # follow other rules or have another shape, so they are not served.
    version = models.CharField(max_length=16, default="")
    # The newest access change (``DashboardAccessChange``) the figures include.
    access_generation = models.PositiveBigIntegerField(default=0)

    class Meta:
        verbose_name = _("dashboard snapshot")
        indexes = [
            models.Index(
                fields=["agency", "programmes", "juvenile_trained", "info_classes", "-taken_at"],
                name="dashsnap_view_idx",
            ),
        ]

    def __str__(self):
        return f"{self.agency} [{self.programmes}] {self.taken_at:%Y-%m-%d %H:%M}"


class DashboardFigureList(models.Model):
    """The cases one figure of a snapshot counted: the list its link opens."""

    snapshot = models.ForeignKey(DashboardSnapshot, on_delete=models.CASCADE, related_name="lists")
    # The caseload's query string of the figure's filters (``selectors.caseload``).
    query = models.TextField()
    count = models.PositiveIntegerField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["snapshot", "query"], name="dashlist_one_per_query")
        ]

    def __str__(self):
        return f"{self.query} ({self.count})"


class DashboardFigureCase(models.Model):
    figure_list = models.ForeignKey(
        DashboardFigureList, on_delete=models.CASCADE, related_name="members"
    )
    case = models.ForeignKey("casemgmt.Case", on_delete=models.CASCADE, related_name="+")

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["figure_list", "case"], name="dashcase_once_per_list")
        ]

    def __str__(self):
        return f"{self.figure_list_id}: {self.case_id}"


class DashboardAccessChange(models.Model):
    """A change of who may see a case that a snapshot taken before it would not show (a
    case restricted, an agency leaving its team, a person corrected or erased): written
    in that change's transaction; a snapshot serves only while it includes the newest."""

    at = models.DateTimeField(auto_now_add=True)
    what = models.CharField(max_length=60)

    def __str__(self):
        return f"{self.what} at {self.at:%Y-%m-%d %H:%M}"
