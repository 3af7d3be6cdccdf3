class UserError(Exception):
    """A problem the user can fix; shown as one line, never as a traceback."""


class ModelUnavailable(UserError):
    """The language model could not be reached or refused the request (a server down, an
    unknown model name): the question may be asked again, or answered extractively."""
