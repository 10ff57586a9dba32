"""The tamper-evident audit trail: a hash chain over the events, signed in batches.

- ``canonical``: the bytes an event's hash covers (versioned, the same on both databases);
- ``signing``: the Ed25519 key pair (the private key is never in the database);
- ``sealer``: gives committed events their place in the chain and signs each batch;
- ``verification``: walks the chain in constant memory and names the first break;
- ``checkpoints``: signed heads kept outside the database, which catch a truncation or
  a wholesale rewrite by whoever owns the database.

docs/auditor.md explains the design and what each layer catches.
"""
