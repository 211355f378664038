"""The HTTP client of the platforms' APIs (LINE, Messenger, attachment downloads): urllib3, with one pool
manager per process that every sending thread shares (urllib3's pools are thread-safe), so the process
keeps one keep-alive connection per host and busy sending thread, and no per-call machinery beyond it.

The office network's settings come from the environment, read as the standard library reads them
(`urllib.request.getproxies_environment` / `proxy_bypass_environment`, which requests uses too):
HTTPS_PROXY / HTTP_PROXY / ALL_PROXY for an outbound proxy (with `user:password@` if it asks for them),
NO_PROXY for hosts reached directly, and REQUESTS_CA_BUNDLE (or CURL_CA_BUNDLE) for a CA of the office's
own, such as a proxy that inspects TLS. A call never retries or follows a redirect on its own: the outbox
decides when to try again, and an attachment's redirects are checked one by one (media.py).
"""
from __future__ import annotations

import os
import threading
import urllib.request
from urllib.parse import unquote, urlsplit

import urllib3
from urllib3.exceptions import HTTPError, LocationValueError
from urllib3.util import make_headers

# Connections kept per host: one for each sending thread (bot/outbox/pool.py) and a few for the web threads.
POOL_PER_HOST = 20
# What the environment may say about the network: the decision is cached until one of them changes.
NETWORK_VARIABLES = ("HTTPS_PROXY", "HTTP_PROXY", "ALL_PROXY", "NO_PROXY", "REQUESTS_CA_BUNDLE", "CURL_CA_BUNDLE")
_ALL_SPELLINGS = tuple(v for name in NETWORK_VARIABLES for v in (name, name.lower()))

# A failed call: no answer, or half of one (refused, reset, timed out, TLS or proxy failure, a cut body).
# Not a bad URL, which is the bot's own mistake.
NETWORK_ERRORS = (HTTPError, OSError)
NOT_NETWORK = (LocationValueError,)


def environment_proxy(url: str) -> tuple[str | None, dict[str, str] | None]:
    """The proxy the environment names for `url` (None when NO_PROXY covers its host), without its
    credentials, and the Proxy-Authorization header they make."""
    parts = urlsplit(url)
    proxies = urllib.request.getproxies_environment()
    host = parts.hostname or ""
    if not proxies or urllib.request.proxy_bypass_environment(parts.netloc or host, proxies):
        return None, None
    proxy = proxies.get(parts.scheme) or proxies.get("all")
    if not proxy:
        return None, None
    if "://" not in proxy:
        proxy = "http://" + proxy
    p = urlsplit(proxy)
    bare = f"{p.scheme}://{p.hostname}" + (f":{p.port}" if p.port else "")
    if p.username:
        credentials = f"{unquote(p.username)}:{unquote(p.password or '')}"
        return bare, make_headers(proxy_basic_auth=credentials)
    return bare, None


def environment_ca_bundle() -> str | None:
    """The CA bundle named for the office's network (REQUESTS_CA_BUNDLE, then CURL_CA_BUNDLE), if any:
    otherwise the system's trust store."""
    return os.environ.get("REQUESTS_CA_BUNDLE") or os.environ.get("CURL_CA_BUNDLE") or None


class PlatformHttp:
    """`request()` to any platform host, through the proxy the environment names for it. Pool managers
    are made on first use per (proxy, CA bundle), and again in a forked child (a gunicorn worker must not
    write on its parent's sockets)."""

    def __init__(self, headers: dict[str, str] | None = None):
        self.headers = dict(headers or {})
        self._lock = threading.Lock()
        self._pid = 0
        self._managers: dict[tuple, urllib3.PoolManager] = {}
        self._routes: dict[tuple, tuple] = {}  # (scheme, netloc, environment) -> manager key

    def request(self, method: str, url: str, *, body: bytes | None = None, headers: dict[str, str] | None = None,
                timeout: tuple[float, float], stream: bool = False) -> urllib3.BaseHTTPResponse:
        """One call, no retries, no redirects followed. With `stream` the body is read by the caller
        (`resp.stream()`), who then calls `resp.release_conn()`."""
        merged = {**self.headers, **headers} if headers else self.headers
        return self._manager(url).request(method, url, body=body, headers=merged, retries=False,
                                          redirect=False, preload_content=not stream,
                                          timeout=urllib3.Timeout(connect=timeout[0], read=timeout[1]))

    def _manager(self, url: str) -> urllib3.PoolManager:
        if self._pid != os.getpid():
            with self._lock:
                if self._pid != os.getpid():
                    self._managers, self._routes, self._pid = {}, {}, os.getpid()
        parts = urlsplit(url)
        route = (parts.scheme, parts.netloc, tuple(map(os.environ.get, _ALL_SPELLINGS)))
        key = self._routes.get(route)
        if key is None:
            proxy, proxy_headers = environment_proxy(url)
            key = (proxy, tuple(sorted((proxy_headers or {}).items())), environment_ca_bundle())
            self._routes[route] = key
        manager = self._managers.get(key)
        if manager is None:
            with self._lock:
                manager = self._managers.get(key)
                if manager is None:
                    manager = self._managers[key] = _new_manager(*key)
        return manager


def _new_manager(proxy: str | None, proxy_headers: tuple, ca_bundle: str | None) -> urllib3.PoolManager:
    """One TLS context for all its connections: made per connection, it would load the CA store each time."""
    tls = urllib3.util.ssl_.create_urllib3_context()
    if ca_bundle:
        tls.load_verify_locations(cafile=ca_bundle)
    else:
        tls.load_default_certs()
    if proxy:
        return urllib3.ProxyManager(proxy, num_pools=4, maxsize=POOL_PER_HOST, proxy_headers=dict(proxy_headers),
                                    ssl_context=tls)
    return urllib3.PoolManager(num_pools=4, maxsize=POOL_PER_HOST, ssl_context=tls)
