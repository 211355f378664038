"""Errors staff see from the broadcast commands, worded in Thai for them."""


class InvalidAnnouncement(ValueError):
    """The announcement as given cannot be sent (bad time, recurrence, channel, text or link)."""


class BroadcastStateError(Exception):
    """The announcement is in a state that does not allow this (e.g. cancelling one already sent)."""


class BroadcastNotFound(LookupError):
    pass
