"""Sign-in protection around Django's authentication: lockout (django-axes), the client
address, and the audit of sign-ins, sign-outs and failures."""
