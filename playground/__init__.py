"""playground: an interactive web app for exploring how transformer language models work.

Layers (dependencies point down only): ui -> views, compute -> models -> config.
"""

__version__ = "0.1.0"
