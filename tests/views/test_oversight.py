"""The oversight report: figures, suppression that holds against an attacker, access from
the attacker's side, the audit of every view, the CSV, and pinned query counts."""

import csv
import datetime
import io

import pytest
from django.urls import reverse

from casemgmt import factories
from casemgmt.models import AgencyKind, AuditAction, AuditEvent, Programme
from casemgmt.selectors.oversight import ReportFilters, oversight_report
from casemgmt.views.oversight import spreadsheet_safe
from tests.test_suppression import attack

pytestmark = pytest.mark.django_db

PAGE, CSV = reverse("oversight_report"), reverse("oversight_report_csv")


def person(sex, district, born=datetime.date(1990, 6, 1)):
    return factories.PersonFactory(sex=sex, district=district, date_of_birth=born)


@pytest.fixture
def fixture_cases(make_case):
    """Twelve cases, hand-counted below: (stage, sex, district, born, opened)."""
    rows = [
        ("referral", "male", "Swat", datetime.date(1990, 6, 1), datetime.date(2025, 1, 10)),
        ("referral", "male", "Swat", datetime.date(2008, 3, 1), datetime.date(2025, 2, 10)),
        ("referral", "female", "Swat", datetime.date(1990, 6, 1), datetime.date(2025, 4, 10)),
        ("intake", "male", "Dir", datetime.date(1980, 6, 1), datetime.date(2025, 4, 10)),
        ("intake", "male", "Dir", datetime.date(2000, 6, 2), datetime.date(2025, 6, 1)),
        ("intake", "female", "", datetime.date(1985, 6, 1), datetime.date(2025, 7, 1)),
        ("released", "male", "Swat", datetime.date(1970, 1, 1), datetime.date(2025, 8, 1)),
        ("released", "male", "Mardan", datetime.date(1995, 1, 1), datetime.date(2025, 10, 1)),
    ]
    return [
        make_case(stage, person=person(sex, district, born), opened_on=opened)
        for stage, sex, district, born, opened in rows
    ]


def table(report, key):
    [found] = [t for t in report.tables if t.key == key]
    return {label: (cells, total) for label, cells, total in found.grid}


class TestFigures:
    def test_counts_equal_the_hand_computed_fixture(self, auditor, fixture_cases, settings):
        report = oversight_report(auditor, ReportFilters(), threshold=1)
        # Columns: female, male, other, not known; then the total.
        districts = table(report, "district")
        assert districts["Swat"] == ([1, 3, 0, 0], 4)
        assert districts["Dir"] == ([0, 2, 0, 0], 2)
        assert districts["Mardan"] == ([0, 1, 0, 0], 1)
        assert districts["Not recorded"] == ([1, 0, 0, 0], 1)
        assert districts["Total"] == ([2, 6, 0, 0], 8)
        stages = table(report, "stage")
        assert stages["Referral & screening"][1] == 3
        assert stages["Intake & initial assessment"] == ([1, 2, 0, 0], 3)
        # Age when opened: 2008-03-01 -> 16 on 2025-02-10; 2000-06-02 -> 24 on 2025-06-01
        # (the day before the 25th birthday); 1990-06-01 -> 34 twice; 1995 -> 30;
        # 1980-06-01 -> 44 on 2025-04-10; 1985 -> 40; 1970 -> 55.
        ages = table(report, "age")
        assert ages["Under 18"] == ([0, 1, 0, 0], 1)
        assert ages["18-24"] == ([0, 1, 0, 0], 1)
        assert ages["25-34"] == ([1, 2, 0, 0], 3)
        assert ages["35-44"] == ([1, 1, 0, 0], 2)
        assert ages["45 and over"] == ([0, 1, 0, 0], 1)
        quarters = table(report, "quarter")
        assert [q for q in quarters] == ["2025 Q1", "2025 Q2", "2025 Q3", "2025 Q4", "Total"]
        assert quarters["2025 Q2"][1] == 3
        assert table(report, "classification")["Not classified"][1] == 8
        assert table(report, "disengagement")["Not scored"][1] == 8

    def test_a_period_filter_counts_only_cases_opened_in_it(self, auditor, fixture_cases):
        report = oversight_report(
            auditor,
            ReportFilters(
                opened_from=datetime.date(2025, 4, 1), opened_to=datetime.date(2025, 6, 30)
            ),
            threshold=1,
        )
        assert table(report, "quarter")["Total"][1] == 3


class TestSuppression:
    def test_no_withheld_count_can_be_worked_out_from_everything_published(
        self, auditor, fixture_cases
    ):
        report = oversight_report(auditor, ReportFilters(), threshold=5)
        assert report.withheld, "the fixture has small counts"
        published = dict(report.cells)
        for line in report.equations:  # the unpublished totals: the attacker's unknowns
            if line.total not in published:
                published[line.total] = sum(published[k] for k in line.parts)
        recovered, unmoved = attack(published, report.equations, report.withheld)
        unpublished = {k for k in report.withheld if k not in report.cells}
        assert not recovered - unpublished
        assert not unmoved - unpublished
        # Small counts are never shown; zeros are.
        for t in report.tables:
            for _label, cells, total in t.grid:
                for value in [*cells, total]:
                    assert value is None or value == 0 or value >= 5

    def test_a_shared_margin_is_withheld_the_same_way_in_every_table(self, auditor, fixture_cases):
        report = oversight_report(auditor, ReportFilters(), threshold=5)
        totals = {tuple(t.grid[-1][1]) + (t.grid[-1][2],) for t in report.tables}
        assert len(totals) == 1


class TestAccess:
    @pytest.mark.parametrize("url", [PAGE, CSV])
    def test_caseworkers_and_education_staff_are_answered_not_found(self, client, url):
        education = factories.AgencyFactory(kind=AgencyKind.EDUCATION)
        for user in [factories.CaseworkerFactory(), factories.CaseworkerFactory(agency=education)]:
            client.force_login(user)
            assert client.get(url).status_code == 404
            assert AuditEvent.objects.filter(actor=user, action=AuditAction.ACCESS_DENIED).exists()

    @pytest.mark.parametrize("url", [PAGE, CSV])
    def test_another_programmes_auditor_or_supervisor_cannot_name_this_one(
        self, client, programme, fixture_cases, url
    ):
        other = Programme.objects.create(name="Other programme", code="other", legal_framework="A")
        auditor = factories.AuditorFactory(oversees=[other])
        supervisor = factories.SupervisorFactory()
        other.supervisors.add(supervisor)
        for user in (auditor, supervisor):
            client.force_login(user)
            response = client.get(url, {"programme": programme.pk})
            assert response.status_code == 404
            assert AuditEvent.objects.filter(actor=user, action=AuditAction.ACCESS_DENIED).exists()
            assert not AuditEvent.objects.filter(
                actor=user, action=AuditAction.READ_OVERSIGHT_REPORT
            ).exists()
            # Their own report says nothing of this programme.
            own = client.get(url)
            assert own.status_code == 200
            assert programme.name.encode() not in own.content
            assert b"Swat" not in own.content

    def test_every_view_is_recorded_with_its_filters(self, client, auditor, programme):
        client.force_login(auditor)
        client.get(PAGE, {"programme": programme.pk, "opened_from": "2025-01-01"})
        client.get(CSV)
        events = AuditEvent.objects.filter(action=AuditAction.READ_OVERSIGHT_REPORT).order_by("pk")
        assert [e.metadata["format"] for e in events] == ["html", "csv"]
        assert events[0].metadata["programmes"] == [programme.pk]
        assert events[0].metadata["opened_from"] == "2025-01-01"

    def test_bad_dates_are_an_error_on_the_form_not_a_500(self, client, auditor):
        client.force_login(auditor)
        response = client.get(PAGE, {"opened_from": "2025-05-01", "opened_to": "2025-01-01"})
        assert response.status_code == 200
        assert b"The first date is after the last one." in response.content
        assert client.get(CSV, {"opened_from": "not a date"}).status_code == 400


class TestCsv:
    def test_the_csv_holds_the_tables_and_the_definitions(self, client, auditor, fixture_cases):
        client.force_login(auditor)
        response = client.get(CSV)
        assert response["Content-Type"].startswith("text/csv")
        rows = list(csv.reader(io.StringIO(response.content.decode())))
        assert rows[0] == ["Oversight report"]
        start = rows.index(["Cases by district of origin and sex"])
        assert rows[start + 1] == ["District", "Female", "Male", "Other", "Not known", "Total"]
        # Threshold 5: the district table is mostly withheld, its grand total is not.
        district_rows = rows[start + 2 : rows.index([], start)]
        assert district_rows[-1][0] == "Total" and district_rows[-1][-1] == "8"
        assert all(c == "." or c == "0" or int(c) >= 5 for r in district_rows for c in r[1:])
        assert ["Definitions"] in rows

    def test_text_that_a_spreadsheet_would_run_is_neutralised(
        self, client, auditor, make_case, settings
    ):
        settings.CASEMGMT_OVERSIGHT_SUPPRESSION_THRESHOLD = 1
        make_case(person=person("male", '=HYPERLINK("http://x","y")'))
        client.force_login(auditor)
        text = client.get(CSV).content.decode()
        assert "'=HYPERLINK" in text
        assert not any(line.startswith("=") for line in text.splitlines())

    @pytest.mark.parametrize(
        "value, expected",
        [
            (-3, -3),
            (2.5, 2.5),
            ("-3", "'-3"),
            ("=1+1", "'=1+1"),
            ("+1", "'+1"),
            ("@SUM(A1)", "'@SUM(A1)"),
            ("|cmd", "'|cmd"),
            ("%x", "'%x"),
            ("\tx", "'\tx"),
            ("\rx", "'\rx"),
            ("\0x", "'\0x"),
            ("  =1", "'  =1"),
            ("\ufeff=1", "'\ufeff=1"),
            ("\x01=1", "'\x01=1"),
            ("\u200b=1", "'\u200b=1"),
            ("\u2003-1", "'\u2003-1"),
            ("\u3000@x", "'\u3000@x"),
            ("\u2028=1", "'\u2028=1"),
            (None, ""),
            ("Swat", "Swat"),
        ],
    )
    def test_spreadsheet_safe(self, value, expected):
        assert spreadsheet_safe(value) == expected


class TestQueries:
    def test_the_page_runs_the_same_queries_at_two_sizes(
        self, client, auditor, make_case, django_assert_num_queries
    ):
        client.force_login(auditor)
        client.get(PAGE)  # warm the session and the site's caches
        for _ in range(2):
            make_case()
        with django_assert_num_queries(QUERIES):
            assert client.get(PAGE).status_code == 200
        for _ in range(10):
            make_case("intake")
        with django_assert_num_queries(QUERIES):
            assert client.get(PAGE).status_code == 200


QUERIES = 18  # session and user, programmes, stages, bands, 7 tables, 2 survival, audit
