"""Errors every layer may raise. The UI turns them into gr.Error messages as they are."""


class InputError(ValueError):
    """Bad user input. The message says what is wrong and how to fix it."""


class ModelUnavailable(RuntimeError):
    """A catalog model that cannot be loaded here. The message gives the reason and the way out."""
