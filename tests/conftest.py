import os
import sys
from pathlib import Path

from hypothesis import HealthCheck, settings

sys.path.insert(0, str(Path(__file__).parent))

# One set of hypothesis profiles for the whole suite. No deadline anywhere: a loaded
# machine can exceed any per-example time limit, and speed is measured by `make bench`.
#   default  – what `make test` runs; derandomized so every run tries the same examples
#              and a failure reproduces.
#   explore  – a longer, randomized search before a release:
#              `pytest --hypothesis-profile=explore` (or HYPOTHESIS_PROFILE=explore).
settings.register_profile(
    "default",
    deadline=None,
    derandomize=True,
    suppress_health_check=[HealthCheck.too_slow],
)
settings.register_profile("ci", parent=settings.get_profile("default"))
settings.register_profile(
    "explore",
    deadline=None,
    derandomize=False,
    max_examples=1000,
    suppress_health_check=[HealthCheck.too_slow],
)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "default"))
