"""Hypothesis profiles and the example budget of each fuzz test.

``ci`` (the default) is deterministic: a fixed seed, no example database, no deadline, so a
run fails or passes the same way on every machine and in every folder. ``explore``
(``HYPOTHESIS_PROFILE=explore``) draws new examples each run, with twenty times the budgets,
to look further between changes.

A budget is the number of examples after which a test stops finding anything new: measured by
``bench/bench_fuzz_budget.py`` as the netdesigner lines its examples reach, example by
example, at the fixed seed; its figures are in README's "How fast".
"""

from __future__ import annotations

import os

from hypothesis import HealthCheck, settings

settings.register_profile(
    "ci", derandomize=True, database=None, deadline=None, print_blob=True, suppress_health_check=[HealthCheck.too_slow]
)
settings.register_profile("explore", deadline=None, suppress_health_check=[HealthCheck.too_slow])
PROFILE = os.environ.get("HYPOTHESIS_PROFILE", "ci")
settings.load_profile(PROFILE)
SCALE = 20 if PROFILE == "explore" else 1

BUDGETS = {
    name: examples * SCALE
    for name, examples in {
        "file": 3000,
        "csv": 300,
        "npz": 300,
        "keras_config": 300,
        "image_folder": 15,
        "name": 6,
    }.items()
}
