"""Errors every layer may raise. The UI turns them into gr.Error messages, in the user's language.

A message is an English template and its parameters: `InputError("{field} must be text.", field="Prompt")`.
str(error) is the English text, as it always was; the UI looks the template up in the translation table
(playground/i18n.py) and fills the same parameters. A message given already formatted (an f-string) is
looked up whole, and shown in English where the table does not have it.
"""


class _Message:
    def _keep(self, message: str, params: dict) -> str:
        self.template, self.params = message, params
        if not params:
            return message
        try:
            return message.format(**params)
        except (KeyError, IndexError, ValueError):
            return message


class InputError(_Message, ValueError):
    """Bad user input. The message says what is wrong and how to fix it."""

    def __init__(self, message: str = "", /, **params):
        super().__init__(self._keep(message, params))


class ModelUnavailable(_Message, RuntimeError):
    """A catalog model that cannot be loaded here. The message gives the reason and the way out."""

    def __init__(self, message: str = "", /, **params):
        super().__init__(self._keep(message, params))
