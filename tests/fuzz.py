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

# Examples per test, from bench/bench_fuzz_budget.py on 2026-12-03 (examples at which the last
# new line was reached, of 6,000 or 1,500 drawn, and the untraced cost of one example):
BUDGETS = {
    name: examples * SCALE
    for name, examples in {
        "file": 4000,  # 99% of its 1,401 lines by 3,831 (11 s), the last at 5,582; 2.9 ms each
        "csv": 400,  # all 344 lines by 390; 1.9 ms each
        "npz": 400,  # all 484 lines by 347; 3.8 ms each
        "keras_config": 100,  # all 399 lines by 32; 4.2 ms each
        "run_folder": 150,  # all 603 lines by 105 (of 1,200); 13.8 ms each
        # bounded by cost, not measured: each example trains a model (and runs its script)
        "image_folder": 15,
        "name": 6,
    }.items()
}
