"""The HTTP client of the platforms' send APIs (LINE, Messenger): `requests`, one Session per thread.

A Session is not documented as thread-safe, and requests' maintainers advise one per thread
(psf/requests#1871, #2766); a sending thread makes one call at a time, so each Session keeps one
keep-alive connection per host, and the process as many as it has sending threads. A Session trusts the
environment (`trust_env`, left on): HTTPS_PROXY / HTTP_PROXY / NO_PROXY, and REQUESTS_CA_BUNDLE or
CURL_CA_BUNDLE for the CAs to verify against (certifi's otherwise).
"""
from __future__ import annotations

import os
import threading

import requests
from requests.adapters import HTTPAdapter
from urllib3.util import make_headers

POOL_HOSTS = 4  # hosts (and proxies) one thread talks to: LINE's API, the Graph API, a proxy
POOL_PER_HOST = 2  # connections kept per host and thread: one call at a time, one spare


def api_session(headers: dict[str, str] | None = None) -> requests.Session:
    """A Session with no hidden retries (max_retries=0: the outbox decides when to try again)."""
    session = requests.Session()
    adapter = HTTPAdapter(pool_connections=POOL_HOSTS, pool_maxsize=POOL_PER_HOST, max_retries=0)
    session.mount("https://", adapter)
    session.mount("http://", adapter)
    if headers:
        session.headers.update(headers)
    return session


class PerThread:
    """This thread's Session, made on its first call (and made again in a forked child, which must not
    write on its parent's sockets)."""

    def __init__(self, headers: dict[str, str] | None = None):
        self.headers = dict(headers or {})
        self._local = threading.local()

    @property
    def session(self) -> requests.Session:
        local = self._local
        if getattr(local, "pid", None) != os.getpid():
            local.session, local.pid = api_session(self.headers), os.getpid()
        return local.session


def environment_proxy(url: str) -> tuple[str | None, dict[str, str] | None]:
    """The proxy the environment names for `url` as requests would choose it (None when NO_PROXY covers
    the host), and its Proxy-Authorization header: for the LINE SDK's urllib3, which reads neither."""
    proxy = requests.utils.select_proxy(url, requests.utils.get_environ_proxies(url))
    if not proxy:
        return None, None
    proxy = requests.utils.prepend_scheme_if_needed(proxy, "http")
    user, password = requests.utils.get_auth_from_url(proxy)
    return proxy, make_headers(proxy_basic_auth=f"{user}:{password}") if user else None


def environment_ca_bundle() -> str | None:
    """The CA bundle named for requests (REQUESTS_CA_BUNDLE, then CURL_CA_BUNDLE), if any."""
    return os.environ.get("REQUESTS_CA_BUNDLE") or os.environ.get("CURL_CA_BUNDLE") or None
