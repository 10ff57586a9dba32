"""Sign-in: two-factor (who must use a second factor in ``mfa_policy``, the middleware
that holds them at enrolment, the allauth adapters, ``enrolment``), lockout (django-axes,
``lockout``), the client address (``addresses``) and the audit of sign-ins, sign-outs and
failures (``signals``). docs/operations.md, "Two-factor sign-in" and "Sign-in lockout"."""
