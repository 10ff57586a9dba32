"""The demo data set, for `seed_demo` and the benchmarks. Never run it on a real deployment.

- ``data``: the demo agencies, users and people as rows, plus the word lists of the bulk seeder;
- ``staff``: agencies and log-ins, and the crew that acts on a demo case;
- ``satisfier``: records the evidence each gate of a move needs (an explicit gate map);
- ``stories``: the hand-written cases, driven through the real services and stage engine;
- ``history``: notes, referrals, assessments, interventions and check-ins on those cases;
- ``bulk``: volume for ``seed_demo --cases N``, built with bulk inserts.

Every step is idempotent: seeding twice adds nothing.
"""
