"""The bot is run as it is deployed: by the lines of the repository's own Procfile, read at run time (so a
change of flags there is what the bench measures), and the echo bot is served with the same gunicorn
settings, read by gunicorn's own configuration loader (the Procfile's flags, GUNICORN_CMD_ARGS and
gunicorn.conf.py in the repository)."""
from __future__ import annotations

import json
import re
import shlex
import subprocess
import sys
from pathlib import Path

_PORT = re.compile(r"\$\{PORT\}|\$PORT\b")


def processes(repo: Path) -> dict[str, str]:
    """The Procfile's `name: command` lines."""
    out = {}
    for line in (repo / "Procfile").read_text(encoding="utf-8").splitlines():
        name, sep, command = line.partition(":")
        if sep and name.strip() and not name.lstrip().startswith("#"):
            out[name.strip()] = command.strip()
    return out


def argv(command: str, port: int | None = None) -> list[str]:
    """A Procfile command as an argument list, $PORT substituted (as the platform's shell would)."""
    if port is not None:
        command = _PORT.sub(str(port), command)
    return shlex.split(command)


GUNICORN_SETTINGS = """
import json, sys
sys.argv = json.loads(sys.argv[1])
from gunicorn.app.wsgiapp import WSGIApplication
cfg = WSGIApplication("%(prog)s [OPTIONS] [APP_MODULE]").cfg
print(json.dumps({"worker_class": cfg.worker_class_str, "workers": cfg.workers, "threads": cfg.threads,
                  "timeout": cfg.timeout, "keepalive": cfg.keepalive, "preload": cfg.preload_app}))
"""


def gunicorn_settings(web_argv: list[str], repo: Path, env: dict[str, str]) -> dict:
    """The worker class, workers, threads... gunicorn would run the web line with (it reads the config
    file of the directory it starts in, as the platform's would)."""
    if Path(web_argv[0]).name != "gunicorn":
        raise ValueError(f"the Procfile's web process is not gunicorn: {web_argv[0]}")
    out = subprocess.run([sys.executable, "-c", GUNICORN_SETTINGS, json.dumps(web_argv)], cwd=repo, env=env,
                         capture_output=True, text=True, check=True)
    return json.loads(out.stdout.strip().splitlines()[-1])
