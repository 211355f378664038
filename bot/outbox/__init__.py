"""Delivery: every message the bot owes someone, kept in the database until a platform took it.

The layer below the channels and the features. A feature writes a row in the same transaction as the change
it announces (`rows`); the row goes out from the sending pool right after a webhook (`pool`), from the
kicker right after a commit, or from the worker process (`worker`), each row by the sender its writer
registered (`senders`), and failures are retried with backoff. It imports no channel and no feature.
"""
