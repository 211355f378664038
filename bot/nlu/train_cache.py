"""`python -m bot.nlu.train_cache --content DIR`: train the intent model in a process of its own and cache
it as arrays (model_cache.py), so the training libraries never enter a serving process."""
from __future__ import annotations

import argparse
import os
from pathlib import Path

from . import Understander
from .model_cache import ROOT


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description="Train the intent model and cache it as arrays.")
    parser.add_argument("--content", type=Path, default=ROOT / "content")
    parser.add_argument("--procedures", type=Path, default=None)
    args = parser.parse_args(argv)
    os.environ.setdefault("PYTHAINLP_OFFLINE", "1")

    Understander.from_content(args.content, args.procedures, train=True)


if __name__ == "__main__":
    main()
