"""Security: Host check (DNS rebinding), Origin check, size caps, static files, isolation."""

from __future__ import annotations

import http.client

import pytest

from retrograd.playground.config import MAX_NEURONS
from retrograd.playground.datasets import MAX_CSV_BYTES
from retrograd.playground.security import MAX_BODY_BYTES, HostPolicy, split_host


@pytest.mark.parametrize(
    ("header", "expected"),
    [
        ("127.0.0.1:8000", ("127.0.0.1", 8000)),
        ("LOCALHOST:8000", ("localhost", 8000)),
        ("[::1]:8000", ("::1", 8000)),
        ("example.com", ("example.com", None)),
        ("a:b", ("a", -1)),
    ],
)
def test_split_host(header, expected):
    assert split_host(header) == expected


def test_host_policy_loopback():
    p = HostPolicy("127.0.0.1", 8000)
    assert p.allows("127.0.0.1:8000") and p.allows("localhost:8000") and p.allows("[::1]:8000")
    assert not p.allows("evil.example:8000")  # a rebinding attacker's name
    assert not p.allows("127.0.0.1:8001") and not p.allows("127.0.0.1") and not p.allows(None)
    assert not p.allows("127.0.0.1.evil.example:8000")


def test_host_policy_wildcard_accepts_ip_literals_and_named_hosts_only():
    p = HostPolicy("0.0.0.0", 8000, extra_hosts=["mybox.lan"])
    assert p.allows("192.168.1.5:8000") and p.allows("mybox.lan:8000")
    assert not p.allows("evil.example:8000")


def _raw(server, method, path, headers, body=b""):
    """A request with exactly these headers (httpx would fix up Host)."""
    conn = http.client.HTTPConnection("127.0.0.1", server.port, timeout=30)
    conn.putrequest(method, path, skip_host=True, skip_accept_encoding=True)
    for k, v in headers.items():
        conn.putheader(k, v)
    conn.endheaders()
    if body:
        conn.send(body)
    resp = conn.getresponse()
    data = resp.read()
    conn.close()
    return resp.status, data.decode()


def test_foreign_host_header_is_refused(server):
    status, body = _raw(server, "GET", "/", {"Host": f"evil.example:{server.port}"})
    assert status == 403 and "DNS-rebinding" in body
    status, _ = _raw(server, "GET", "/api/meta", {"Host": f"localhost:{server.port}"})
    assert status == 200


def test_cross_origin_state_change_is_refused(server, client):
    sid, _ = server.new_session(client)
    r = client.post(f"/api/sessions/{sid}/play", headers={"Origin": "http://evil.example"})
    assert r.status_code == 403 and "cross-origin" in r.json()["error"]
    r = client.post(f"/api/sessions/{sid}/step", json={}, headers={"Sec-Fetch-Site": "cross-site"})
    assert r.status_code == 403
    r = client.post("/api/sessions", json={}, headers={"Origin": "http://evil.example"})
    assert r.status_code == 403
    # the page's own origin is fine
    r = client.post(f"/api/sessions/{sid}/step", json={}, headers={"Origin": server.url})
    assert r.status_code == 200
    # a form post (no JSON content type) cannot drive the API either
    r = client.post(f"/api/sessions/{sid}/config", content=b"lr=1",
                    headers={"Content-Type": "application/x-www-form-urlencoded"})  # fmt: skip
    assert r.status_code == 400 and "application/json" in r.json()["error"]


def test_oversized_body_and_csv_get_clear_errors(server, client):
    sid, _ = server.new_session(client)
    huge = b"1,2,0\n" * (MAX_BODY_BYTES // 6 + 10)
    r = client.post(f"/api/sessions/{sid}/csv", content=huge, headers={"Content-Type": "text/csv"})
    assert r.status_code == 413 and "too large" in r.json()["error"]
    # chunked upload without Content-Length is cut off too
    r = client.post(f"/api/sessions/{sid}/csv", content=iter([huge[:400_000], huge[400_000:]]),
                    headers={"Content-Type": "text/csv"})  # fmt: skip
    assert r.status_code == 413
    big_csv = b"1,2,0\n" * (MAX_CSV_BYTES // 6 + 10)
    assert len(big_csv) < MAX_BODY_BYTES
    r = client.post(
        f"/api/sessions/{sid}/csv", content=big_csv, headers={"Content-Type": "text/csv"}
    )
    assert r.status_code == 400 and str(MAX_CSV_BYTES) in r.json()["error"]
    # the server is still fine afterwards
    assert client.get(f"/api/sessions/{sid}").status_code == 200


def test_huge_network_is_refused_with_a_clear_error(server, client):
    r = client.post("/api/sessions", json={"config": {"hidden": "1000,1000"}})
    assert r.status_code == 400 and f"1 to {MAX_NEURONS}" in r.json()["error"]
    r = client.post("/api/sessions", json={"config": {"hidden": ",".join(["4"] * 50)}})
    assert r.status_code == 400 and "hidden layers" in r.json()["error"]
    r = client.post("/api/sessions", json={"config": {"n_samples": 10**9}})
    assert r.status_code == 400 and "n_samples" in r.json()["error"]


@pytest.mark.parametrize(
    "path",
    ["/static/../app.py", "/static/%2e%2e/app.py", "/static/..%2fapp.py",
     "/static/%2e%2e/%2e%2e/%2e%2e/pyproject.toml", "/static//etc/passwd", "/static/..\\app.py"],
)  # fmt: skip
def test_no_path_traversal(server, path):
    status, body = _raw(server, "GET", path, {"Host": f"127.0.0.1:{server.port}"})
    assert status == 404
    assert "starlette" not in body and "root:" not in body


def test_security_headers(client):
    r = client.get("/")
    assert "default-src 'self'" in r.headers["content-security-policy"]
    assert r.headers["x-content-type-options"] == "nosniff"
    assert r.headers["x-frame-options"] == "DENY"


def test_sessions_are_isolated(server, client):
    a, state_a = server.new_session(client, dataset="xor", seed=1)
    b, state_b = server.new_session(client, dataset="xor", seed=1)
    assert a != b and len(a) >= 20  # unguessable ids
    client.post(f"/api/sessions/{a}/step", json={"n": 10})
    client.post(f"/api/sessions/{a}/config", json={"lr": 0.01})
    after_b = client.get(f"/api/sessions/{b}").json()
    assert after_b["steps"] == 0 and after_b["weights"] == state_b["weights"]
    assert after_b["config"]["lr"] == state_b["config"]["lr"]
