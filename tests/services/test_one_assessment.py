"""One structured assessment (issue 13, point 3): one writer, gates count only structured
assessments, mandatory domains complete a baseline, and the clinical part belongs to
health and counselling staff, unreadable and uninferable by everyone else."""

import datetime
import pathlib
import re

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from casemgmt import factories, gates
from casemgmt.errors import NotPermitted
from casemgmt.models import (
    AgencyKind,
    Assessment,
    AuditAction,
    AuditEvent,
    Domain,
    Instrument,
    Item,
    ItemRating,
)
from casemgmt.services import assessments
from tests.case_page import every_tab
from tests.conftest import transition_between

pytestmark = pytest.mark.django_db
TODAY = datetime.date.today()
CASEMGMT = pathlib.Path(__file__).resolve().parents[2] / "casemgmt"


def run(key, case, transition, params=None):
    ctx = gates.GateContext(case=case, transition=transition, now=timezone.now())
    return gates.result_of(key, ctx, params or {})


@pytest.fixture
def to_intake(stages):
    return transition_between(stages, "referral", "intake")


@pytest.fixture
def case(make_case):
    return make_case("referral")


def current_instrument():
    """The shipped instrument, which the default programme names."""
    return Instrument.objects.filter(is_active=True).order_by("name", "-version").first()


def _items(**filters):
    return list(Item.objects.filter(domain__instrument=current_instrument(), **filters))


def _ratings(value="low", **filters):
    return {i.pk: (value, "", "", "") for i in _items(**filters)}


def _record(case, by, ratings, kind="initial"):
    return assessments.assessment_record(
        case=case,
        by=by,
        instrument=current_instrument(),
        kind=kind,
        assessed_on=TODAY,
        overall_concern="moderate",
        rationale="Baseline.",
        ratings=ratings,
    )


def test_there_is_one_assessment_writer():
    """No module but services/assessments.py creates an Assessment row."""
    creates = re.compile(r"Assessment(\.objects\.(create|bulk_create|get_or_create)|\()")
    writers = []
    for path in CASEMGMT.rglob("*.py"):
        # Migrations mark old rows; models declare; the bulk seeder writes rows without
        # services by design (architecture.md) and the invariants check them.
        if {"migrations", "models", "demo"} & set(path.parts):
            continue
        text = path.read_text()
        if creates.search(re.sub(r"(Instrument|Item|Domain)Assessment", "", text)):
            writers.append(path.relative_to(CASEMGMT).as_posix())
    assert writers == ["services/assessments.py"]
    assert not hasattr(assessments, "assessment_record_overall")


def test_the_case_page_offers_no_free_text_assessment(client, make_case, caseworker):
    case = make_case("intake")
    client.force_login(caseworker)
    page = every_tab(client, case.reference)
    assert "Add: Assessment" not in page
    assert reverse("assessment_new", args=[case.reference]) in page
    post = client.post(reverse("record_add", args=[case.reference, "assessment"]), {})
    assert post.status_code == 404
    assert not Assessment.objects.exists()


class TestUnstructured:
    @pytest.fixture
    def legacy(self, case, caseworker):
        """A free-text row as the removed path wrote it (the migration marks it)."""
        return Assessment.objects.create(
            case=case,
            kind="initial",
            assessed_on=TODAY,
            assessor=caseworker,
            agency=caseworker.agency,
            overall_concern="low",
            rationale="Free text before instruments.",
            structured=False,
            second_reviewed_by=factories.CaseworkerFactory(agency=caseworker.agency),
            second_reviewed_at=timezone.now(),
        )

    def test_gates_refuse_it_with_a_reason(self, legacy, case, to_intake):
        baseline = run("initial_assessment_reviewed", case, to_intake)
        assert not baseline.met
        assert "unstructured (before instruments)" in baseline.reason
        recent = run("assessment_recent", case, to_intake, {"max_age_days": 30})
        assert not recent.met
        assert "unstructured (before instruments)" in recent.reason

    def test_it_is_shown_as_unstructured(self, legacy, case, caseworker, client):
        client.force_login(caseworker)
        page = every_tab(client, case.reference)
        assert "unstructured (before instruments)" in page
        assert "Free text before instruments." in page


class TestBaseline:
    def test_incomplete_while_a_mandatory_domain_is_unknown(
        self, case, to_intake, caseworker, other_caseworker
    ):
        counsellor = factories.counsellor_on_team(case)
        ratings = _ratings(domain__is_clinical=False)
        unknown = _items(domain__key="ideology")[0]
        ratings[unknown.pk] = ("unknown", "", "", "")
        a = _record(case, counsellor, {**ratings, **_ratings(domain__is_clinical=True)})
        assessments.assessment_second_review(assessment=a, by=caseworker)
        result = run("initial_assessment_reviewed", case, to_intake)
        assert not result.met
        assert "incomplete" in result.reason and "Ideological commitment" in result.reason
        # The same with every mandatory domain rated: complete.
        b = _record(
            case,
            counsellor,
            {**_ratings(domain__is_clinical=False), **_ratings(domain__is_clinical=True)},
        )
        assessments.assessment_second_review(assessment=b, by=caseworker)
        assert run("initial_assessment_reviewed", case, to_intake).met

    def test_a_domain_that_is_not_mandatory_may_stay_unknown(self, case, to_intake, caseworker):
        Domain.objects.filter(key="capability").update(is_mandatory=False)
        counsellor = factories.counsellor_on_team(case)
        ratings = {**_ratings(domain__is_clinical=False), **_ratings(domain__is_clinical=True)}
        ratings.update(_ratings("unknown", domain__key="capability"))
        a = _record(case, counsellor, ratings)
        assessments.assessment_second_review(assessment=a, by=caseworker)
        assert run("initial_assessment_reviewed", case, to_intake).met


class TestClinicalPart:
    def test_a_caseworker_without_the_clinical_class_cannot_rate_it(self, case, caseworker):
        with pytest.raises(ValidationError, match="rated only by health or counselling staff"):
            _record(
                case,
                caseworker,
                {
                    **_ratings(domain__is_clinical=False),
                    **_ratings("high", domain__is_clinical=True),
                },
            )
        assert not Assessment.objects.exists()
        assert not ItemRating.objects.exists()

    def test_nor_add_it_afterwards(self, case, caseworker, other_caseworker):
        a = _record(case, caseworker, _ratings(domain__is_clinical=False))
        with pytest.raises(NotPermitted, match="health or counselling staff"):
            assessments.assessment_record_clinical(
                assessment=a,
                by=other_caseworker,
                ratings=_ratings("high", domain__is_clinical=True),
            )
        a.refresh_from_db()
        assert a.clinical_pending
        assert (
            not a.ratings.filter(item__domain__is_clinical=True).exclude(rating="unknown").exists()
        )

    def test_counselling_staff_record_it_once(self, case, caseworker):
        a = _record(case, caseworker, _ratings(domain__is_clinical=False))
        assert a.clinical_pending
        counsellor = factories.counsellor_on_team(case)
        assessments.assessment_record_clinical(
            assessment=a, by=counsellor, ratings=_ratings("high", domain__is_clinical=True)
        )
        a.refresh_from_db()
        assert (a.clinical_part, a.clinical_by) == ("recorded", counsellor)
        event = AuditEvent.objects.get(action=AuditAction.ASSESSMENT_CLINICAL_RECORDED)
        assert "high" not in str(event.changes), "the audit row says it was done, not what"
        with pytest.raises(ValidationError, match="already recorded"):
            assessments.assessment_record_clinical(
                assessment=a, by=counsellor, ratings=_ratings("low", domain__is_clinical=True)
            )

    @pytest.mark.parametrize("allowed", [False, True])
    def test_the_programme_says_whether_a_move_waits_for_it(
        self, case, to_intake, caseworker, other_caseworker, allowed
    ):
        a = _record(case, caseworker, _ratings(domain__is_clinical=False))
        assessments.assessment_second_review(assessment=a, by=other_caseworker)
        params = {"allow_clinical_pending": allowed}
        baseline = run("initial_assessment_reviewed", case, to_intake, params)
        recent = run("assessment_recent", case, to_intake, {"max_age_days": 30, **params})
        assert baseline.met is allowed and recent.met is allowed
        if not allowed:
            assert "clinical part" in baseline.reason and "outstanding" in baseline.reason
            assert "clinical part" in recent.reason
        gates.validate_params("initial_assessment_reviewed", params)
        with pytest.raises(gates.GateConfigError):
            gates.validate_params("initial_assessment_reviewed", {"allow_clinical_pending": "yes"})

    def test_a_reassessment_gate_may_ask_for_a_second_review(
        self, case, to_intake, caseworker, other_caseworker
    ):
        counsellor = factories.counsellor_on_team(case)
        a = _record(
            case,
            counsellor,
            {**_ratings(domain__is_clinical=False), **_ratings(domain__is_clinical=True)},
            kind="review",
        )
        params = {"max_age_days": 30, "second_reviewed": True}
        result = run("assessment_recent", case, to_intake, params)
        assert not result.met and "second reviewer" in result.reason
        assert run("assessment_recent", case, to_intake, {"max_age_days": 30}).met
        assessments.assessment_second_review(assessment=a, by=caseworker)
        assert run("assessment_recent", case, to_intake, params).met


class TestClinicalConfidentiality:
    """The attacker: a police caseworker whose agency is on the team reads the assessment."""

    @pytest.fixture
    def scored_clinical(self):
        """An instrument where a clinical domain sits on a scored track: the score must
        still not move with the clinical ratings."""
        Domain.objects.filter(key="trauma").update(track="disengagement")

    @pytest.fixture
    def police(self, case):
        agency = factories.AgencyFactory(kind=AgencyKind.POLICE, name="District police")
        case.team.create(agency=agency, role="support")
        return factories.CaseworkerFactory(agency=agency)

    def _assess(self, case, caseworker, clinical_rating):
        a = _record(case, caseworker, _ratings(domain__is_clinical=False), kind="review")
        counsellor = factories.counsellor_on_team(case)
        assessments.assessment_record_clinical(
            assessment=a,
            by=counsellor,
            ratings={
                i.pk: (clinical_rating, "Flashbacks CLINICAL-EVIDENCE", "", "psychologist")
                for i in _items(domain__is_clinical=True)
            },
            summaries={_items(domain__is_clinical=True)[0].domain_id: "CLINICAL-SUMMARY"},
        )
        a.refresh_from_db()
        return a

    def test_no_clinical_rating_summary_or_score_reaches_a_police_caseworker(
        self, case, caseworker, police, client, scored_clinical
    ):
        low = self._assess(case, caseworker, "low")
        high = self._assess(case, caseworker, "high")
        # The scores are the same whatever the clinical ratings: nothing to infer.
        assert (low.disengagement_score, low.deradicalisation_score) == (
            high.disengagement_score,
            high.deradicalisation_score,
        )
        client.force_login(police)
        detail = client.get(reverse("assessment_detail", args=[case.reference, high.pk]))
        assert detail.status_code == 200
        page = detail.content.decode()
        assert "CLINICAL-EVIDENCE" not in page and "CLINICAL-SUMMARY" not in page
        assert "Trauma and mental health" not in page
        assert "Symptoms of trauma" not in page
        case_page = every_tab(client, case.reference)
        assert "Symptoms of trauma" not in case_page and "CLINICAL" not in case_page

    def test_the_counsellor_reads_the_clinical_part(self, case, caseworker, client):
        a = self._assess(case, caseworker, "high")
        client.force_login(a.clinical_by)
        page = client.get(
            reverse("assessment_detail", args=[case.reference, a.pk])
        ).content.decode()
        assert "CLINICAL-EVIDENCE" in page and "CLINICAL-SUMMARY" in page


def test_the_clinical_part_page_refuses_staff_without_the_clinical_class(case, caseworker, client):
    a = _record(case, caseworker, _ratings(domain__is_clinical=False))
    client.force_login(caseworker)
    url = reverse("assessment_clinical", args=[case.reference, a.pk])
    response = client.post(
        url, {f"rating_{i.pk}": "high" for i in _items(domain__is_clinical=True)}
    )
    assert response.status_code == 404
    a.refresh_from_db()
    assert a.clinical_pending
    counsellor = factories.counsellor_on_team(case)
    client.force_login(counsellor)
    data = {f"rating_{i.pk}": "moderate" for i in _items(domain__is_clinical=True)}
    assert client.post(url, data).status_code == 302
    a.refresh_from_db()
    assert a.clinical_part == "recorded"
