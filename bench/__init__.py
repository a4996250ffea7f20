"""Benchmarks: `python -m bench.run_all` (or `make bench`) from the repo root. See bench/README.md.

Importing the package sets the offline environment first, before anything imports gradio,
transformers or huggingface_hub, in this process and in every subprocess it starts.
"""

import os

for _key, _value in {
    "GRADIO_ANALYTICS_ENABLED": "False",
    "HF_HUB_OFFLINE": "1",
    "HF_HUB_DISABLE_TELEMETRY": "1",
    "TRANSFORMERS_OFFLINE": "1",
    "GRADIO_SERVER_NAME": "127.0.0.1",
}.items():
    os.environ[_key] = _value
