"""Chat handlers and flows of complaints and feedback."""
HANDLERS: dict = {}
FLOWS: list = []
