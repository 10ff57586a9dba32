"""Strings of Django's password validators that users read (help text on the password
forms, errors), listed so that ``makemessages`` puts them in our Urdu catalogue: Django's
own Urdu catalogue lacks them. Never called; Django's gettext finds our translations."""

from django.utils.translation import gettext_noop, ngettext_lazy

PASSWORD_VALIDATOR_STRINGS = (
    gettext_noop("Your password can’t be too similar to your other personal information."),
    gettext_noop("The password is too similar to the %(verbose_name)s."),
    ngettext_lazy(
        "Your password must contain at least %(min_length)d character.",
        "Your password must contain at least %(min_length)d characters.",
        "min_length",
    ),
    ngettext_lazy(
        "This password is too short. It must contain at least %d character.",
        "This password is too short. It must contain at least %d characters.",
        1,
    ),
    gettext_noop("Your password can’t be a commonly used password."),
    gettext_noop("This password is too common."),
    gettext_noop("Your password can’t be entirely numeric."),
    gettext_noop("This password is entirely numeric."),
)
