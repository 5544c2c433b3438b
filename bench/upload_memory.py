#!/usr/bin/env python3
"""Server memory while one large live upload streams in: RSS of a uvicorn worker serving
sample_site (MAX_UPLOAD_BYTES raised to 256 MiB) while a 200 MB file is POSTed to the upload
route, sampled every 20 ms. Goal (issue 16): growth under 20 MB. 127.0.0.1 only; stops by
itself; everything it writes goes to a temporary directory it deletes.

    .venv/bin/python bench/upload_memory.py [--mb 200]
"""

from __future__ import annotations

import argparse
import html
import http.client
import http.cookies
import os
import re
import shutil
import socket
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path
from urllib.parse import parse_qs, quote, urlsplit

from ports import free_port

ROOT = Path(__file__).resolve().parent.parent
CHUNK = 1024 * 1024


def rss_kib(pid: int) -> int:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1])
    raise RuntimeError("no VmRSS")


def wait_for(port: int, deadline: float) -> None:
    while time.time() < deadline:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
            return
        except OSError:
            time.sleep(0.1)
    raise SystemExit("the server did not start")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--mb", type=int, default=200)
    args = parser.parse_args()
    size = args.mb * 1000 * 1000
    work = Path(tempfile.mkdtemp(prefix="live_upload_bench_"))
    port = free_port()
    env = {
        **os.environ,
        "PYTHONPATH": f"{ROOT / 'sample_site'}{os.pathsep}{ROOT}",
        "DJANGO_SETTINGS_MODULE": "bench.uploads.settings",
        "DJANGO_DEBUG": "0",
        "DEMO_DB": str(work / "db.sqlite3"),
        "DEMO_CACHE_DIR": str(work / "cache"),
        "DEMO_MEDIA_ROOT": str(work / "media"),
        "TMPDIR": str(work),  # Django's ASGI body spool and FILE_UPLOAD_TEMP_DIR's default
    }
    python = sys.executable
    subprocess.run(
        [python, "sample_site/manage.py", "migrate", "-v0"], cwd=ROOT, env=env, check=True
    )
    server = subprocess.Popen(
        [
            python,
            "-m",
            "uvicorn",
            "sample_site.asgi:application",
            "--port",
            str(port),
            "--host",
            "127.0.0.1",
            "--log-level",
            "warning",
        ],
        cwd=ROOT / "sample_site",
        env=env,
    )
    try:
        wait_for(port, time.time() + 30)
        run(port, server.pid, size)
    finally:
        server.terminate()
        server.wait(10)
        shutil.rmtree(work, ignore_errors=True)


def run(port: int, pid: int, size: int) -> None:
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=120)
    conn.request("GET", "/attachments/")
    response = conn.getresponse()
    page = response.read().decode()
    cookies = http.cookies.SimpleCookie()
    for header in response.headers.get_all("Set-Cookie") or []:
        cookies.load(header)
    connect = html.unescape(re.search(r'hx-ws:connect="([^"]+)"', page).group(1))
    token = parse_qs(urlsplit(connect).query)["t"][0]
    csrf = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page).group(1)
    cookie = "; ".join(f"{k}={m.value}" for k, m in cookies.items())
    name = "big.txt"
    headers = {
        "X-Live-Token": token,
        "X-Live-Upload-Field": "attachments",
        "X-Live-Upload-Name": quote(name),
        "X-Live-Upload-Size": str(size),
        "X-CSRFToken": csrf,
        "Cookie": cookie,
        "Origin": f"http://127.0.0.1:{port}",
    }
    conn.request("POST", "/live/upload/", headers={**headers, "X-Live-Upload-Step": "check"})
    checked = conn.getresponse()
    assert checked.status == 200, checked.read()
    checked.read()

    # Warm the worker (imports, first upload) with a small file, then measure the big one.
    send(port, headers, 1000)
    time.sleep(0.5)
    baseline = rss_kib(pid)
    samples: list[int] = []
    done = threading.Event()

    def sample() -> None:
        while not done.is_set():
            samples.append(rss_kib(pid))
            time.sleep(0.02)

    sampler = threading.Thread(target=sample)
    sampler.start()
    started = time.perf_counter()
    status, body = send(port, headers, size)
    elapsed = time.perf_counter() - started
    done.set()
    sampler.join()
    assert status == 200, body
    peak = max(samples)
    print(
        f"upload of {size / 1e6:.0f} MB: HTTP {status} in {elapsed:.1f} s "
        f"({size / 1e6 / elapsed:.0f} MB/s)"
    )
    print(
        f"server RSS: baseline {baseline / 1024:.1f} MiB, peak {peak / 1024:.1f} MiB, "
        f"growth {(peak - baseline) / 1024:.1f} MiB over {len(samples)} samples"
    )


def send(port: int, headers: dict[str, str], size: int) -> tuple[int, bytes]:
    boundary = "liveviewsbench"
    head = (
        f'--{boundary}\r\nContent-Disposition: form-data; name="file"; '
        f'filename="big.txt"\r\nContent-Type: text/plain\r\n\r\n'
    ).encode()
    tail = f"\r\n--{boundary}--\r\n".encode()
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=300)
    conn.putrequest("POST", "/live/upload/")
    sent_headers = {
        **headers,
        "X-Live-Upload-Step": "send",
        "X-Live-Upload-Size": str(size),
        "Content-Type": f"multipart/form-data; boundary={boundary}",
        "Content-Length": str(len(head) + size + len(tail)),
    }
    for key, value in sent_headers.items():
        conn.putheader(key, value)
    conn.endheaders()
    conn.send(head)
    block = b"x" * CHUNK
    left = size
    while left:
        n = min(left, CHUNK)
        conn.send(block[:n])
        left -= n
    conn.send(tail)
    response = conn.getresponse()
    return response.status, response.read()


if __name__ == "__main__":
    main()
