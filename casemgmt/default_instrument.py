"""The default assessment instrument (our own wording; no proprietary item text).

Shaped like structured professional judgement tools: domains feeding outcome
tracks, items rated low / moderate / high / unknown with evidence for and
against. Installed by a data migration; administrators version it in the admin.
"""

NAME = "Individual Reintegration Assessment"

# (key, name, track, mandatory, [(item key, prompt, protective)]). Every domain is
# mandatory: the baseline covers all domains (DOMAIN.md, stage 2).
DOMAINS = [
    (
        "disengagement",
        "Behavioural disengagement",
        "disengagement",
        True,
        [
            ("group_contact", "Contact with members of the former group or its networks.", False),
            ("violence", "Involvement in, or preparation for, violence.", False),
            ("compliance", "Breaches of conditions, rules or agreements.", False),
            ("recruiting", "Attempts to recruit or influence others towards violence.", False),
        ],
    ),
    (
        "ideology",
        "Ideological commitment",
        "deradicalisation",
        True,
        [
            ("justification", "Justifies violence against others for a cause.", False),
            ("us_them", "Sees society in rigid 'us and them' terms.", False),
            ("openness", "Engages with alternative narratives and other views.", True),
        ],
    ),
    (
        "trauma",
        "Trauma and mental health",
        "needs",
        True,
        [
            (
                "trauma_symptoms",
                "Symptoms of trauma (nightmares, flashbacks, hyper-alertness).",
                False,
            ),
            ("mental_health", "Other mental-health needs affecting daily life.", False),
            ("substance", "Problematic use of drugs or alcohol.", False),
        ],
    ),
    (
        "capability",
        "Combat experience and capability",
        "none",
        True,
        [
            ("training", "Weapons or explosives training and experience.", False),
            ("leadership", "Held a leadership or operational role.", False),
        ],
    ),
    (
        "social_ties",
        "Family and social ties",
        "needs",
        True,
        [
            ("family_support", "Family support for a life away from violence.", True),
            ("prosocial_peers", "Friends and community outside the former group.", True),
            ("isolation", "Social isolation or rejection by the community.", False),
        ],
    ),
    (
        "employability",
        "Education and employability",
        "needs",
        True,
        [
            ("education", "Education level sufficient for work or further study.", True),
            ("skills", "Vocational skills in demand locally.", True),
            ("employment", "Prospect of stable work or livelihood.", True),
        ],
    ),
    (
        "protective",
        "Protective factors",
        "needs",
        True,
        [
            ("motivation", "Own motivation to leave violence behind.", True),
            (
                "positive_identity",
                "A positive identity outside the group (parent, worker, student).",
                True,
            ),
            ("trust", "Trusting relationship with a caseworker, counsellor or mentor.", True),
        ],
    ),
]


def install(apps, schema_editor=None) -> None:
    Instrument = apps.get_model("casemgmt", "Instrument")
    Domain = apps.get_model("casemgmt", "Domain")
    Item = apps.get_model("casemgmt", "Item")
    if Instrument.objects.filter(name=NAME).exists():
        return
    instrument = Instrument.objects.create(
        name=NAME,
        version=1,
        description="Domains for disengagement, ideology, needs and protective factors.",
    )
    for d_order, (key, name, track, mandatory, items) in enumerate(DOMAINS):
        domain = Domain.objects.create(
            instrument=instrument,
            key=key,
            name=name,
            track=track,
            order=d_order,
            is_mandatory=mandatory,
            is_clinical=key == "trauma",
        )
        for i_order, (item_key, prompt, protective) in enumerate(items):
            Item.objects.create(
                domain=domain, key=item_key, prompt=prompt, is_protective=protective, order=i_order
            )
