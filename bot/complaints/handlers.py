"""Chat handlers and flows of complaints and tracking (added to the router by build_router)."""
from __future__ import annotations

from bot.core.flow_wrappers import MenuWhenDone, one_to_one

from . import reporting
from .flow import FLOW as COMPLAINT
from .resolution import FLOW as CASE_RATING
from .resolution import answer as resolution_answer
from .track import FLOW as TRACK

COMPLAINT = MenuWhenDone(COMPLAINT)

HANDLERS = {
    "complaint": one_to_one(COMPLAINT.start),
    "track": one_to_one(TRACK.start),
    # how reporting works, or hesitation, outside a complaint: answered, no case opened
    **{intent: reporting.outside for intent in (*reporting.QUESTIONS, reporting.HESITANT)},
}
FLOWS = [COMPLAINT, TRACK, MenuWhenDone(CASE_RATING)]
# The reporter's answer to a resolution notice (a rating, "not solved"): it names its case, whatever
# the conversation is doing.
BEFORE = [resolution_answer]
