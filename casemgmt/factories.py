"""factory-boy factories: used by the tests and by ``seed_demo``."""

import factory
from django.utils import timezone
from factory.django import DjangoModelFactory

from casemgmt.models import (
    AgeGroup,
    Agency,
    AgencyKind,
    Case,
    CaseStatus,
    CaseTeamMember,
    Facility,
    GroupCategory,
    Person,
    Placement,
    Programme,
    Sex,
    StageCustody,
    StageKind,
    TeamRole,
    User,
)
from casemgmt.roles import Role
from casemgmt.services.references import CASE_PREFIX, PERSON_PREFIX, allocate_references

DEMO_PASSWORD = "demo-password-2026"  # noqa: S105 - documented demo log-in


class AgencyFactory(DjangoModelFactory):
    class Meta:
        model = Agency
        django_get_or_create = ("name",)

    name = factory.Sequence(lambda n: f"Agency {n}")
    short_name = factory.LazyAttribute(lambda o: o.name[:40])
    kind = AgencyKind.PRISON
    district = factory.Faker("random_element", elements=["Swat", "Peshawar", "Mardan", "Dir"])


class UserFactory(DjangoModelFactory):
    class Meta:
        model = User
        django_get_or_create = ("username",)
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    first_name = factory.Faker("first_name")
    last_name = factory.Faker("last_name")
    email = factory.LazyAttribute(lambda o: f"{o.username}@example.org")
    agency = factory.SubFactory(AgencyFactory)
    role = Role.CASEWORKER
    password = factory.django.Password(DEMO_PASSWORD)


class CaseworkerFactory(UserFactory):
    role = Role.CASEWORKER


class SupervisorFactory(UserFactory):
    role = Role.SUPERVISOR


class AuditorFactory(UserFactory):
    """An auditor sees only the programmes they oversee: ``oversees=[programme, ...]``
    (none unless given)."""

    role = Role.AUDITOR

    @factory.post_generation
    def oversees(self, create, extracted, **kwargs):
        if create and extracted:
            self.audited_programmes.add(*extracted)


class AdministratorFactory(UserFactory):
    role = Role.ADMINISTRATOR


class GroupCategoryFactory(DjangoModelFactory):
    class Meta:
        model = GroupCategory
        django_get_or_create = ("name",)

    name = factory.Sequence(lambda n: f"Category {n}")


def _next_person_reference(_obj=None) -> str:
    return allocate_references(prefix=PERSON_PREFIX)[0]


def _next_case_reference(_obj=None) -> str:
    return allocate_references(prefix=CASE_PREFIX)[0]


class PersonFactory(DjangoModelFactory):
    class Meta:
        model = Person

    reference = factory.LazyFunction(_next_person_reference)
    full_name = factory.Faker("name")
    date_of_birth = factory.Faker("date_of_birth", minimum_age=19, maximum_age=45)
    sex = Sex.MALE
    district = factory.Faker("random_element", elements=["Swat", "Peshawar", "Mardan", "Dir"])
    province = "Khyber Pakhtunkhwa"
    languages = "Pashto, Urdu"


def default_programme() -> Programme:
    return Programme.objects.get(code="default")


class CaseFactory(DjangoModelFactory):
    """A case placed directly at ``current_stage`` (tests and bulk demo data)."""

    class Meta:
        model = Case
        skip_postgeneration_save = True

    reference = factory.LazyFunction(_next_case_reference)
    person = factory.SubFactory(PersonFactory)
    programme = factory.LazyFunction(default_programme)
    current_stage = factory.LazyAttribute(lambda o: o.programme.stages.get(is_start=True))
    lead_agency = factory.SubFactory(AgencyFactory)
    opened_on = factory.LazyFunction(timezone.localdate)
    # As case_open sets them (services.demographics).
    district = factory.LazyAttribute(lambda o: o.person.district)
    age_group_at_opening = factory.LazyAttribute(
        # Tests sometimes give dates as ISO strings: read them as the model field would.
        lambda o: AgeGroup.on(
            *(
                Case._meta.get_field("opened_on").to_python(d)
                for d in (o.person.date_of_birth, o.opened_on)
            )
        )
    )
    status = factory.LazyAttribute(
        lambda o: (
            CaseStatus.CLOSED
            if o.current_stage.is_terminal
            else CaseStatus.SUSPENDED
            if o.current_stage.kind == StageKind.SUSPENDED
            else CaseStatus.ACTIVE
        )
    )

    @factory.post_generation
    def team(self, create, extracted, **kwargs):
        if not create:
            return
        CaseTeamMember.objects.get_or_create(
            case=self, agency=self.lead_agency, defaults={"role": TeamRole.LEAD}
        )
        for agency, role in extracted or []:
            CaseTeamMember.objects.get_or_create(case=self, agency=agency, defaults={"role": role})

    @factory.post_generation
    def placement(self, create, extracted, **kwargs):
        """A case made with a facility is placed there, as the services would have done
        (not in a stage where the person is not held: release ended that placement)."""
        held = self.current_stage.custody != StageCustody.NOT_HELD
        if create and self.facility_id and held and self.status != CaseStatus.CLOSED:
            Placement.objects.get_or_create(
                case=self,
                ended_on=None,
                defaults={
                    "facility_id": self.facility_id,
                    "started_on": timezone.localdate(self.stage_entered_at),
                },
            )


class FacilityFactory(DjangoModelFactory):
    class Meta:
        model = Facility
        django_get_or_create = ("name",)

    name = factory.Sequence(lambda n: f"Rehabilitation Centre {n}")
    agency = factory.SubFactory(AgencyFactory, kind=AgencyKind.PRISON)
    capacity = 120


def counsellor_on_team(case: Case) -> User:
    """A counselling caseworker whose agency is on ``case``'s team (clinical class)."""
    agency = AgencyFactory(kind=AgencyKind.COUNSELLING, name="Counselling provider")
    CaseTeamMember.objects.get_or_create(
        case=case, agency=agency, defaults={"role": TeamRole.SUPPORT}
    )
    return CaseworkerFactory(agency=agency)


def record_assessment(
    *,
    case: Case,
    by: User,
    kind: str,
    assessed_on,
    overall_concern: str = "low",
    rationale: str = "r",
    rating: str = "low",
    clinical_by: User | None = None,
):
    """A structured assessment through the one writer, every item ``by`` may rate rated
    ``rating``; the clinical part by ``clinical_by`` when ``by`` may not rate it."""
    from casemgmt import access
    from casemgmt.models import Item
    from casemgmt.selectors.assessments import instrument_for
    from casemgmt.services import assessments

    instrument = instrument_for(case)
    items = list(Item.objects.filter(domain__instrument=instrument).select_related("domain"))
    clinical = access.can_read(by, access.InfoClass.CLINICAL)
    assessment = assessments.assessment_record(
        case=case,
        by=by,
        instrument=instrument,
        kind=kind,
        assessed_on=assessed_on,
        overall_concern=overall_concern,
        rationale=rationale,
        ratings={i.pk: (rating, "", "", "") for i in items if clinical or not i.domain.is_clinical},
    )
    if assessment.clinical_pending and clinical_by is not None:
        assessments.assessment_record_clinical(
            assessment=assessment,
            by=clinical_by,
            ratings={i.pk: (rating, "", "", "") for i in items if i.domain.is_clinical},
        )
        assessment.refresh_from_db()
    return assessment
