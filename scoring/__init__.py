"""ITA scoring: every figure the bot, broadcasts and console show is computed here from `content/ita/`.

Pure Python (no Flask, no database) so it can be used from the CLI, tests and any channel alike.
"""
from .compute import Grade, IndicatorResult, ToolResult, YearResult, grade, history, r2, year_result
from .data import ItaData, load_ita
from .summary import english, long_th, short_th, structured
from .validate import Mismatch, check
from .whatif import Plan, plan_to_level, what_if
from .yamlfile import ContentError

__all__ = [
    "ContentError", "Grade", "IndicatorResult", "ItaData", "Mismatch", "Plan", "ToolResult", "YearResult",
    "check", "english", "grade", "history", "load_ita", "long_th", "plan_to_level", "r2", "short_th",
    "structured", "what_if", "year_result",
]
