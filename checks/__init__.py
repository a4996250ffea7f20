"""Correctness checks against outside references (not benchmarks, not part of the test suite: they need
packages the app does not depend on). See checks/README.md.

Importing the package sets the offline environment first (through the bench package, which these checks
share a few helpers with), before anything imports gradio, transformers or huggingface_hub.
"""

import bench  # noqa: F401  (sets HF_HUB_OFFLINE=1, TRANSFORMERS_OFFLINE=1, ... on import)
