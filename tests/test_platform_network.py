"""The platforms' clients on the network they live on: behind an outbound proxy named by HTTPS_PROXY /
HTTP_PROXY (NO_PROXY for hosts reached directly), trusting a CA named by REQUESTS_CA_BUNDLE, with a
platform that never answers, and from many sending threads at once."""
from __future__ import annotations

import base64
import socket
import ssl
import threading
import uuid
from types import SimpleNamespace

import pytest

from bot.channels.line_api import line_api
from bot.channels.line_sdk import line_messaging_api
from bot.channels.media import MediaUnavailable, fetch_url
from bot.channels.platforms import DeliveryError, FacebookSendApi
from bot.config import Settings
from bot.core.messages import Media
from tests.fakes.forward_proxy import ForwardProxy
from tests.fakes.platform import Response, fake_facebook, fake_line
from tests.test_channel_fixtures import close_now

PUSH = "/v2/bot/message/push"
HELLO = [[{"type": "text", "text": "สวัสดีครับ"}]]
NETWORK_VARIABLES = ("HTTP_PROXY", "HTTPS_PROXY", "NO_PROXY", "ALL_PROXY", "REQUESTS_CA_BUNDLE", "CURL_CA_BUNDLE")


@pytest.fixture
def network(monkeypatch):
    """No proxy and no CA bundle from the machine running the tests; each test sets its own."""
    for name in NETWORK_VARIABLES:
        monkeypatch.delenv(name, raising=False)
        monkeypatch.delenv(name.lower(), raising=False)
    return monkeypatch


@pytest.fixture
def proxy():
    p = ForwardProxy()
    yield p
    p.close()


@pytest.fixture
def line():
    fake = fake_line()
    yield fake
    close_now(fake)


def settings_for(line_url: str, read_timeout: float = 5.0, **more) -> Settings:
    return Settings(line_channel_secret="s", line_channel_access_token="test-line-access-token",
                    line_api_base_url=line_url, line_data_api_base_url=line_url, platform_connect_timeout=5.0,
                    platform_read_timeout=read_timeout, **more)


def test_a_line_push_goes_through_the_proxy_the_environment_names(network, proxy, line):
    network.setenv("HTTP_PROXY", proxy.url)
    network.setenv("HTTPS_PROXY", proxy.url)
    key = str(uuid.uuid4())
    line_api(settings_for(line.url)).push("U42", HELLO, key)
    assert proxy.request_lines == [f"POST {line.url}{PUSH} HTTP/1.1"]  # the absolute URI: a proxy's request
    (call,) = line.calls("POST", PUSH)
    assert call.json == {"to": "U42", "messages": HELLO[0], "notificationDisabled": False}
    assert call.headers["x-line-retry-key"] == key
    assert call.headers["authorization"] == "Bearer test-line-access-token"


def test_a_host_no_proxy_covers_is_reached_directly(network, proxy, line):
    network.setenv("HTTP_PROXY", proxy.url)
    network.setenv("NO_PROXY", "localhost,127.0.0.1")
    line_api(settings_for(line.url)).push("U42", HELLO, str(uuid.uuid4()))
    assert proxy.request_lines == []
    assert len(line.calls("POST", PUSH)) == 1


def test_a_messenger_send_goes_through_the_proxy(network, proxy):
    facebook = fake_facebook()
    try:
        network.setenv("HTTP_PROXY", proxy.url)
        settings = Settings(facebook_app_secret="s", facebook_page_access_token="page-token",
                            facebook_graph_base_url=facebook.url)
        FacebookSendApi(settings).send({"recipient": {"id": "P1"}, "message": {"text": "สวัสดีครับ"}})
        assert proxy.request_lines == [f"POST {facebook.url}/v21.0/me/messages?access_token=page-token HTTP/1.1"]
        assert facebook.calls("POST", r"/me/messages$")[0].json["recipient"] == {"id": "P1"}
    finally:
        close_now(facebook)


def test_an_attachment_is_fetched_through_the_proxy_and_each_redirect_still_checked(network, proxy, line):
    network.setenv("HTTP_PROXY", proxy.url)
    line.script("GET", r"^/attachment$", Response(302, b"", headers={"Location": "/v2/bot/message/m1/content"}))
    line.script("GET", r"^/elsewhere$", Response(302, b"", headers={"Location": "http://evil.example/x.jpg"}))
    services = SimpleNamespace(settings=Settings(media_http_hosts=("127.0.0.1",)))
    data, mime = fetch_url(services, Media("image", f"{line.url}/attachment"), 1_000_000)
    assert mime == "image/jpeg" and data.startswith(b"\xff\xd8")
    assert proxy.request_lines == [f"GET {line.url}/attachment HTTP/1.1",
                                   f"GET {line.url}/v2/bot/message/m1/content HTTP/1.1"]
    with pytest.raises(MediaUnavailable, match="not on an allowed host"):
        fetch_url(services, Media("image", f"{line.url}/elsewhere"), 1_000_000)
    assert proxy.request_lines[2:] == [f"GET {line.url}/elsewhere HTTP/1.1"]  # evil.example never asked


def test_the_rich_menu_client_goes_through_the_proxy_with_its_credentials(network, proxy, line):
    port = proxy.server.server_address[1]
    network.setenv("HTTP_PROXY", f"http://office:pa55@127.0.0.1:{port}")
    profile = line_messaging_api(settings_for(line.url)).get_profile("U42")
    assert profile.display_name == "ผู้ใช้ทดสอบ"
    assert proxy.request_lines == [f"GET {line.url}/v2/bot/profile/U42 HTTP/1.1"]
    assert proxy.proxy_headers == [{"proxy-authorization": "Basic " + base64.b64encode(b"office:pa55").decode()}]


class Mute:
    """A LINE that takes the connection and the request, then never answers (or hangs up)."""

    def __init__(self, hang_up: bool = False):
        self.hang_up = hang_up
        self.requests = 0
        self.done = threading.Event()
        self.sock = socket.create_server(("127.0.0.1", 0))
        self.url = f"http://127.0.0.1:{self.sock.getsockname()[1]}"
        threading.Thread(target=self._serve, daemon=True).start()

    def _serve(self):
        while not self.done.is_set():
            try:
                conn, _ = self.sock.accept()
            except OSError:
                return
            threading.Thread(target=self._hold, args=(conn,), daemon=True).start()

    def _hold(self, conn):
        with conn:
            if conn.recv(65536):
                self.requests += 1
            if not self.hang_up:
                self.done.wait(30)

    def close(self):
        self.done.set()
        self.sock.close()


def test_a_line_that_never_answers_is_a_retryable_error_after_the_read_timeout(network):
    mute = Mute()
    try:
        with pytest.raises(DeliveryError) as failed:
            line_api(settings_for(mute.url, read_timeout=0.3)).push("U42", HELLO, str(uuid.uuid4()))
    finally:
        mute.close()
    assert failed.value.retryable and failed.value.status is None
    assert "ReadTimeout" in str(failed.value)


def test_a_connection_cut_without_an_answer_is_retryable_and_not_retried_behind_the_outbox(network):
    mute = Mute(hang_up=True)
    try:
        with pytest.raises(DeliveryError) as failed:
            line_api(settings_for(mute.url)).push("U42", HELLO, str(uuid.uuid4()))
        assert failed.value.retryable
        assert mute.requests == 1  # one try: the outbox, not the client, decides when to try again
    finally:
        mute.close()


@pytest.fixture
def certificates(tmp_path):
    from bench.tls import make_certificates

    return make_certificates(tmp_path)


@pytest.fixture
def tls_line(certificates):
    """The fake LINE behind TLS, with a certificate from a CA of the test's own."""
    fake = fake_line()
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    context.load_cert_chain(certificates.cert, certificates.key)
    fake.server.socket = context.wrap_socket(fake.server.socket, server_side=True, do_handshake_on_connect=False)
    fake.https_url = f"https://127.0.0.1:{fake.server.server_address[1]}"
    yield fake
    close_now(fake)


def test_line_over_tls_is_verified_against_the_ca_bundle_the_environment_names(network, certificates, tls_line):
    with pytest.raises(DeliveryError, match="CERTIFICATE_VERIFY_FAILED"):
        line_api(settings_for(tls_line.https_url)).push("U42", HELLO, str(uuid.uuid4()))
    assert tls_line.calls() == []
    network.setenv("REQUESTS_CA_BUNDLE", str(certificates.ca))
    line_api(settings_for(tls_line.https_url)).push("U42", HELLO, str(uuid.uuid4()))
    assert len(tls_line.calls("POST", PUSH)) == 1


def test_line_over_tls_goes_through_the_proxy_in_a_tunnel(network, certificates, tls_line, proxy):
    network.setenv("HTTPS_PROXY", proxy.url)
    network.setenv("REQUESTS_CA_BUNDLE", str(certificates.ca))
    api = line_api(settings_for(tls_line.https_url))
    api.push("U42", HELLO, str(uuid.uuid4()))
    api.push("U43", HELLO, str(uuid.uuid4()))
    port = tls_line.server.server_address[1]
    assert [line.rsplit(" ", 1)[0] for line in proxy.request_lines] == [f"CONNECT 127.0.0.1:{port}"]  # one tunnel
    assert [c.json["to"] for c in tls_line.calls("POST", PUSH)] == ["U42", "U43"]


def test_many_threads_pushing_at_once_all_get_through(network, line):
    threads, each = 32, 5
    line.server.socket.listen(threads)  # the fake's backlog (5) up to a real server's, for 32 connects at once
    api = line_api(settings_for(line.url))
    start = threading.Barrier(threads)
    failures: list[BaseException] = []

    def sender(n: int) -> None:
        start.wait()
        for i in range(each):
            try:
                api.push(f"U{n:02d}", [[{"type": "text", "text": f"ข้อความ {i}"}]], str(uuid.uuid4()))
            except BaseException as exc:  # noqa: BLE001 (reported below)
                failures.append(exc)

    workers = [threading.Thread(target=sender, args=(n,)) for n in range(threads)]
    for w in workers:
        w.start()
    for w in workers:
        w.join()
    assert failures == []
    calls = line.calls("POST", PUSH)
    assert len(calls) == threads * each
    assert len({c.headers["x-line-retry-key"] for c in calls}) == threads * each
    for n in range(threads):  # each thread's messages arrived, in its order
        assert [c.json["messages"][0]["text"] for c in calls if c.json["to"] == f"U{n:02d}"] == \
            [f"ข้อความ {i}" for i in range(each)]
