"""The feedback flow's handler (added to the router by build_router)."""
from __future__ import annotations

from bot.core.flow_wrappers import MenuWhenDone, one_to_one

from .flow import FLOW

FEEDBACK = MenuWhenDone(FLOW)

HANDLERS = {"feedback": one_to_one(FEEDBACK.start)}
FLOWS = [FEEDBACK]
