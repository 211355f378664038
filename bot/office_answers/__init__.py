"""The office owns what its bot knows: the questions the bot could not answer are kept (masked text only,
grouped, 90 days) for staff, who publish answers from the command line or the console; every running
process picks them up within seconds (revision counters, `live.py`), as it does ITA years added with
`python -m bot ita add-year` (laid over content/ita/)."""
