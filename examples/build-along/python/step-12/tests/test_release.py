"""The commands the container runs, run here as processes: migrate, serve, work."""

import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request

ENV = {**os.environ, "PYTHONUNBUFFERED": "1"}


def test_migrate_command_is_repeatable():
    for _ in range(2):
        done = subprocess.run([sys.executable, "-m", "orders.migrate"], env=ENV,
                              capture_output=True, text=True, timeout=60)
        assert done.returncode == 0, done.stderr


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def test_the_image_command_serves_health():
    port = free_port()
    server = subprocess.Popen([sys.executable, "-m", "uvicorn", "orders.main:app", "--host",
                               "127.0.0.1", "--port", str(port), "--no-access-log"], env=ENV)
    try:
        for _ in range(100):
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/health", timeout=1) as r:
                    assert r.status == 200
                    break
            except OSError:
                time.sleep(0.1)
        else:
            raise AssertionError("the server did not answer /health within 10 s")
    finally:
        server.send_signal(signal.SIGTERM)
        # uvicorn shuts down gracefully, then re-raises the signal it received.
        assert server.wait(timeout=10) in (0, -signal.SIGTERM)


def test_the_worker_stops_cleanly_on_sigterm():
    worker = subprocess.Popen([sys.executable, "-m", "orders.worker"], env=ENV,
                              stdout=subprocess.PIPE, text=True)
    assert worker.stdout.readline() == "worker started\n"  # its signal handlers are in place
    worker.send_signal(signal.SIGTERM)
    assert worker.wait(timeout=10) == 0
