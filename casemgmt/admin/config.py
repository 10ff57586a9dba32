"""Configuration screens: editable, and every change goes into the audit trail."""

from django import forms
from django.contrib import admin
from django.core.exceptions import ValidationError
from django.forms.models import BaseInlineFormSet
from django.template.loader import render_to_string
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext_lazy as _

from casemgmt import cadence, gates
from casemgmt.admin.programme_settings import ProgrammeSettingsMixin
from casemgmt.admin.step_up import StepUpAdminMixin
from casemgmt.models import (
    Agency,
    AuditAction,
    ClassificationBand,
    Domain,
    Facility,
    GroupCategory,
    Instrument,
    Item,
    Programme,
    Stage,
    Transition,
    TransitionGate,
)
from casemgmt.models.translated import stored_values
from casemgmt.roles import Role
from casemgmt.services import audit


def _display(value) -> str | None:
    """A form value as the audit trail keeps it (a list of choices by their keys)."""
    if value is None:
        return None
    if hasattr(value, "__iter__") and not isinstance(value, str | dict):
        return ", ".join(str(getattr(v, "pk", v)) for v in value)
    return str(getattr(value, "pk", value))


def _change(form, name: str) -> list:
    """A changed field as the trail keeps it: a many-to-many choice (who supervises or
    audits a programme: access widens or narrows) before and after, by keys; any other
    field's new value."""
    if isinstance(form.fields[name], forms.ModelMultipleChoiceField):
        before, after = form.initial.get(name) or [], form.cleaned_data.get(name) or []
        return [
            ", ".join(str(pk) for pk in sorted(v.pk for v in chosen)) for chosen in (before, after)
        ]
    return [None, str(form.cleaned_data.get(name))]


class AuditedConfigAdmin(admin.ModelAdmin):
    """Configuration changes made in the admin go into the audit trail too."""

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        with stored_values():  # a chosen stage or agency by its English name, as stored
            changes = {name: _change(form, name) for name in form.changed_data}
        audit.record(
            actor=request.user,
            action=AuditAction.CONFIG_CHANGED if change else AuditAction.CONFIG_CREATED,
            target=obj,
            changes=changes,
        )

    def delete_model(self, request, obj):
        audit.record(actor=request.user, action=AuditAction.CONFIG_DELETED, target=obj)
        super().delete_model(request, obj)

    def delete_queryset(self, request, queryset):
        for obj in queryset:
            audit.record(actor=request.user, action=AuditAction.CONFIG_DELETED, target=obj)
        super().delete_queryset(request, queryset)

    def save_formset(self, request, form, formset, change):
        instances = formset.save(commit=False)
        forms_by_instance = {id(f.instance): f for f in formset.forms}
        for deleted in formset.deleted_objects:
            audit.record(actor=request.user, action=AuditAction.CONFIG_DELETED, target=deleted)
            deleted.delete()
        for instance in instances:
            is_new = instance.pk is None
            instance.save()
            form = forms_by_instance.get(id(instance))
            audit.record(
                actor=request.user,
                action=AuditAction.CONFIG_CREATED if is_new else AuditAction.CONFIG_CHANGED,
                target=instance,
                # Each changed field, before and after (an inline row has no page of its own).
                changes={
                    name: [_display(form.initial.get(name)), _display(form.cleaned_data.get(name))]
                    for name in (form.changed_data if form else [])
                },
            )
        formset.save_m2m()


@admin.register(Agency)
class AgencyAdmin(StepUpAdminMixin, AuditedConfigAdmin):
    """An agency's kind decides what its staff may read: a change asks for step-up."""

    list_display = ["name", "short_name", "kind", "district", "caseworker_capacity", "is_active"]
    list_filter = ["kind", "is_active"]
    search_fields = ["name", "name_ur", "short_name", "district"]

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(GroupCategory)
class GroupCategoryAdmin(AuditedConfigAdmin):
    list_display = ["name", "is_active"]
    search_fields = ["name", "name_ur"]


@admin.register(Facility)
class FacilityAdmin(AuditedConfigAdmin):
    list_display = ["name", "agency", "district", "capacity", "is_active"]
    list_filter = ["is_active", "district"]
    list_select_related = ["agency"]
    search_fields = ["name", "name_ur"]


class StageInlineFormSet(BaseInlineFormSet):
    def clean(self):
        super().clean()
        # The stages as they would be saved (each form has built its instance).
        stages = [
            form.instance
            for form in self.forms
            if form.cleaned_data and not form.cleaned_data.get("DELETE")
        ]
        errors = self.instance.configuration_errors(stages=stages)
        if errors:
            raise ValidationError(errors)


class StageInline(admin.TabularInline):
    model = Stage
    formset = StageInlineFormSet
    extra = 0
    fields = [
        "order",
        "key",
        "name",
        "name_ur",
        "kind",
        "is_start",
        "is_terminal",
        "reassessment_days",
        "custody",
    ]
    ordering = ["order"]

    def has_delete_permission(self, request, obj=None):
        return False


class ClassificationBandInline(admin.TabularInline):
    """The programme's own classification bands; a new monitoring plan defaults to its
    band's frequencies (plans already made keep theirs). A band in use is retired by
    unticking "active", never deleted, so the cases' history keeps its name."""

    model = ClassificationBand
    extra = 0
    fields = [
        "rank",
        "code",
        "name",
        "name_ur",
        "contact_frequency",
        "review_frequency",
        "is_active",
    ]
    ordering = ["rank"]

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Programme)
class ProgrammeAdmin(StepUpAdminMixin, ProgrammeSettingsMixin, AuditedConfigAdmin):
    list_display = ["name", "code", "is_active", "configuration_valid"]
    list_filter = ["is_active"]
    search_fields = ["name", "name_ur", "code"]
    filter_horizontal = ["instruments"]
    inlines = [StageInline, ClassificationBandInline]
    readonly_fields = ["configuration_problems", "assessment_cadence"]

    def get_queryset(self, request):
        return super().get_queryset(request).prefetch_related("stages")

    def has_delete_permission(self, request, obj=None):
        return False

    @admin.display(description=_("configuration problems"))
    def configuration_problems(self, programme):
        errors = programme.configuration_errors() if programme.pk else []
        errors += programme.cadence_warnings() if programme.pk else []
        if not errors:
            return _("None")
        return format_html(
            "<ul>{}</ul>", format_html_join("", "<li>{}</li>", ((e,) for e in errors))
        )

    @admin.display(description=_("configuration valid"), boolean=True)
    def configuration_valid(self, programme):
        return not programme.configuration_errors()

    @admin.display(description=_("assessment age each move needs"))
    def assessment_cadence(self, programme):
        """Each "recent assessment" gate beside the interval of the stage it leaves."""
        return render_to_string(
            "admin/casemgmt/programme/assessment_cadence.html",
            {"rows": cadence.assessment_gates(programme) if programme.pk else []},
        )


class TransitionGateForm(forms.ModelForm):
    gate = forms.ChoiceField(label=_("gate"), choices=gates.gate_choices)
    categories = forms.ModelMultipleChoiceField(
        label=_("only for group categories"),
        queryset=GroupCategory.objects.all(),
        required=False,
        help_text=_("Empty: the gate applies to everyone."),
    )

    class Meta:
        model = TransitionGate
        fields = ["order", "gate", "params"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk and self.instance.group_categories:
            self.initial.setdefault("categories", self.instance.group_categories)

    def save(self, commit=True):
        chosen = self.cleaned_data.get("categories") or []
        self.instance.group_categories = sorted(category.pk for category in chosen)
        return super().save(commit=commit)


class TransitionGateInline(admin.TabularInline):
    model = TransitionGate
    form = TransitionGateForm
    extra = 1


class TransitionForm(forms.ModelForm):
    allowed_roles = forms.MultipleChoiceField(
        label=_("roles that may request it"),
        choices=Role.choices,
        widget=forms.CheckboxSelectMultiple,
    )

    class Meta:
        model = Transition
        fields = [
            "programme",
            "from_stage",
            "to_stage",
            "name",
            "name_ur",
            "requires_approval",
            "allowed_roles",
            "is_reopen",
        ]


@admin.register(Transition)
class TransitionAdmin(ProgrammeSettingsMixin, AuditedConfigAdmin):
    form = TransitionForm
    list_display = ["__str__", "programme", "requires_approval", "is_reopen"]
    list_filter = ["programme", "requires_approval"]
    list_select_related = ["programme", "from_stage", "to_stage"]
    inlines = [TransitionGateInline]

    def get_readonly_fields(self, request, obj=None):
        # The preview reads the saved gates; a transition being added has none yet.
        return ["gate_preview"] if obj is not None else []

    @admin.display(description=_("what this move checks"))
    def gate_preview(self, transition):
        """The gates a request for this move runs, from configuration only: no case is read."""
        return render_to_string(
            "admin/casemgmt/transition/gate_preview.html",
            {"gates": gates.preview(transition)},
        )


class DomainInline(admin.TabularInline):
    model = Domain
    extra = 0
    fields = ["order", "key", "name", "name_ur", "track", "is_mandatory", "is_clinical"]
    show_change_link = True


class ItemInline(admin.TabularInline):
    model = Item
    extra = 1
    fields = ["order", "key", "prompt", "prompt_ur", "is_protective"]


class UsedInstrumentIsFrozen:
    """An instrument used by assessments is never edited: make a new version instead."""

    def _instrument(self, obj):
        return obj if isinstance(obj, Instrument) else getattr(obj, "instrument", None)

    def has_change_permission(self, request, obj=None):
        instrument = self._instrument(obj) if obj else None
        if instrument is not None and instrument.is_used:
            return False
        return super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Instrument)
class InstrumentAdmin(UsedInstrumentIsFrozen, AuditedConfigAdmin):
    list_display = ["name", "version", "is_active"]
    list_filter = ["is_active"]
    inlines = [DomainInline]


@admin.register(Domain)
class DomainAdmin(UsedInstrumentIsFrozen, AuditedConfigAdmin):
    list_display = ["name", "instrument", "track", "is_mandatory", "is_clinical"]
    list_filter = ["instrument", "track"]
    inlines = [ItemInline]
