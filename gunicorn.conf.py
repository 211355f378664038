"""Gunicorn reads this file from the working directory by itself, so the Procfile's and `make run`'s
flags stay as they are. Broken content stops the master before any worker starts, with the same message
as the other processes, instead of workers failing and respawning forever."""
import sys


def on_starting(server):
    from bot.config import from_env
    from bot.content import ContentError, load_content
    from bot.content.check import refuse_inconsistent

    try:
        load_content(from_env().content_dir)
        refuse_inconsistent(from_env().content_dir)  # intents without a handler, categories that disagree
    except ContentError as exc:
        print(f"content error:\n{exc}", file=sys.stderr, flush=True)
        sys.exit(2)
