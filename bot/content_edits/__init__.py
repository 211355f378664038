"""Content staff change in the console: every change is a revision of one content document (who, when,
what, why), checked like `bot content check` before it is published, previewed as the chat answers, in
use in every process within seconds (the "content" revision counter) and revertable. content/ stays the
seed: the effective content is content/ with each document's latest published revision laid over it."""
