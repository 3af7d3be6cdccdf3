class UserError(Exception):
    """A problem the user can fix; shown as one line, never as a traceback."""
