"""The assessment form, generated from the instrument's domains and items."""

from django import forms
from django.utils.translation import gettext_lazy as _

from casemgmt.forms.base import CrispyForm
from casemgmt.models import AssessmentKind, ConcernLevel, Rating
from casemgmt.models.people import validate_not_future


class InstrumentAssessmentForm(CrispyForm):
    kind = forms.ChoiceField(label=_("Kind"), choices=AssessmentKind.choices)
    assessed_on = forms.DateField(label=_("Assessed on"), validators=[validate_not_future])
    overall_concern = forms.ChoiceField(label=_("Overall judgement"), choices=ConcernLevel.choices)
    rationale = forms.CharField(
        label=_("Rationale for the overall judgement"),
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_(
            "Read by everyone on the team who may read assessments: keep clinical detail "
            "for the clinical domains."
        ),
    )

    def __init__(self, *args, instrument=None, clinical=False, only_clinical=False, **kwargs):
        super().__init__(*args, **kwargs)
        self.instrument = instrument
        self.domains = []
        if only_clinical:  # the clinical part of an existing assessment: no judgement fields
            for name in ("kind", "assessed_on", "overall_concern", "rationale"):
                del self.fields[name]
        for domain in instrument.domains.prefetch_related("items"):
            if domain.is_clinical and not clinical:
                continue  # outstanding: only health and counselling staff rate it
            if only_clinical and not domain.is_clinical:
                continue
            rows = []
            for item in domain.items.all():
                self.fields[f"rating_{item.pk}"] = forms.ChoiceField(
                    label=item.prompt, choices=Rating.choices, initial=Rating.UNKNOWN
                )
                self.fields[f"for_{item.pk}"] = forms.CharField(
                    label=_("Evidence for"),
                    required=False,
                    widget=forms.Textarea(attrs={"rows": 1}),
                )
                self.fields[f"against_{item.pk}"] = forms.CharField(
                    label=_("Evidence against"),
                    required=False,
                    widget=forms.Textarea(attrs={"rows": 1}),
                )
                self.fields[f"sources_{item.pk}"] = forms.CharField(
                    label=_("Sources"), required=False, max_length=300
                )
                rows.append(item)
            self.fields[f"summary_{domain.pk}"] = forms.CharField(
                label=_("Summary for this domain"),
                required=False,
                widget=forms.Textarea(attrs={"rows": 2}),
            )
            self.domains.append((domain, rows))
        self.helper.layout = None

    def domain_blocks(self):
        """(domain, summary field, [(item, rating, for, against, sources)]) for the template."""
        return [
            (
                domain,
                self[f"summary_{domain.pk}"],
                [
                    (
                        item,
                        self[f"rating_{item.pk}"],
                        self[f"for_{item.pk}"],
                        self[f"against_{item.pk}"],
                        self[f"sources_{item.pk}"],
                    )
                    for item in items
                ],
            )
            for domain, items in self.domains
        ]

    def ratings(self) -> dict:
        data = self.cleaned_data
        return {
            item.pk: (
                data[f"rating_{item.pk}"],
                data.get(f"for_{item.pk}", ""),
                data.get(f"against_{item.pk}", ""),
                data.get(f"sources_{item.pk}", ""),
            )
            for _domain, items in self.domains
            for item in items
        }

    def summaries(self) -> dict:
        return {d.pk: self.cleaned_data.get(f"summary_{d.pk}", "") for d, _items in self.domains}
