"""Password hashing for interactive sign-in.

Django's Argon2 defaults (100 MiB, 8 lanes) cost about 250 ms and 100 MB of memory per
sign-in on a 2-core host. OWASP's Password Storage Cheat Sheet gives argon2id with 19 MiB of
memory, 2 iterations and 1 degree of parallelism as a minimum for interactive logins: about
a fifth of the memory, so a host can serve sign-ins from many more workers at once.

The algorithm name stays "argon2": hashes made with other parameters still verify, and
Django re-hashes them with these parameters at the user's next successful sign-in
(``must_update`` compares the stored parameters with these)."""

from django.contrib.auth.hashers import Argon2PasswordHasher


class StepwiseArgon2PasswordHasher(Argon2PasswordHasher):
    time_cost = 2
    memory_cost = 19 * 1024  # KiB: 19 MiB
    parallelism = 1
