from django import forms
from django.utils.translation import gettext_lazy as _

OTHERS = "others"


class EndSessionsForm(forms.Form):
    """Which of one's sessions to end: one (its row's id, from its button) or every other."""

    end = forms.RegexField(
        regex=rf"^({OTHERS}|[0-9]{{1,18}})$",
        error_messages={
            "required": _("Choose a session to end."),
            "invalid": _("Choose a session to end."),
        },
    )

    def session_id(self) -> int | None:
        """The one session chosen, or None for "every other session"."""
        value = self.cleaned_data["end"]
        return None if value == OTHERS else int(value)
