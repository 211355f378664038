"""`python -m bench`: run every benchmark (on demand; never part of `make test`)."""
import importlib
import pkgutil
import sys
from pathlib import Path

names = sorted(m.name for m in pkgutil.iter_modules([str(Path(__file__).parent)]) if m.name.startswith("bench_"))
wanted = sys.argv[1:] or names
for name in wanted:
    print(f"== {name}")
    importlib.import_module(f"bench.{name}").main()
