"""Sign-in and two-factor: who must use a second factor (``mfa_policy``), the middleware
that holds them at enrolment, and the allauth adapters (docs/operations.md, "Two-factor
sign-in")."""
