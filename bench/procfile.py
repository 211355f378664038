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


def without_env(command: list[str]) -> tuple[dict[str, str], list[str]]:
    """`env A=1 B=2 cmd ...` as ({A: 1, B: 2}, [cmd, ...]); any other command as it is."""
    if not command or Path(command[0]).name != "env":
        return {}, command
    assignments, rest = {}, command[1:]
    while rest and "=" in rest[0] and not rest[0].startswith("-"):
        name, _, value = rest.pop(0).partition("=")
        assignments[name] = value
    return assignments, rest


def gunicorn_settings(web_argv: list[str], repo: Path, env: dict[str, str]) -> dict:
    """The worker class, workers, threads... gunicorn would run the web line with (it reads the config
    file of the directory it starts in, as the platform's would)."""
    assignments, command = without_env(web_argv)
    if not command or Path(command[0]).name != "gunicorn":
        raise ValueError(f"the Procfile's web process is not gunicorn: {' '.join(web_argv)}")
    out = subprocess.run([sys.executable, "-c", GUNICORN_SETTINGS, json.dumps(command)], cwd=repo,
                         env={**env, **assignments}, capture_output=True, text=True, check=True)
    return json.loads(out.stdout.strip().splitlines()[-1])
