"""Chat handlers and flows of complaints, tracking and feedback (added to the router by build_router)."""
from __future__ import annotations

from .feedback import FLOW as FEEDBACK
from .flow import FLOW as COMPLAINT
from .track import FLOW as TRACK

HANDLERS = {
    "complaint": COMPLAINT.start,
    "feedback": FEEDBACK.start,
    "track": TRACK.start,
}
FLOWS = [COMPLAINT, FEEDBACK, TRACK]
