"""Storing and serving one large attachment on each backend: time, and the memory a download takes.

Run from the repository root, in `.venv`:

    python benchmarks/storage.py [--mb 20]

For the local folders (a temporary folder) and for S3 (moto's server, started as a separate process so its
own memory is not counted), it stores a random file of N MB with the storage's `put` (multipart on S3),
then downloads it as its organiser through the whole Flask stack (test client), reading the response in
chunks. It prints, for each backend, the time of each and the peak of Python memory (tracemalloc) during
the download. moto keeps objects in memory on this machine, so its times say nothing of a real store's;
the memory says whether the download is streamed.
"""

from __future__ import annotations

import argparse
import hashlib
import os
import socket
import subprocess
import sys
import tempfile
import time
import tracemalloc
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def measure(settings: dict, data: bytes) -> tuple[float, float, int]:
    from app import create_app
    from app.extensions import db
    from app.storage import area
    from tests import factories

    app = create_app("testing", **settings)
    with app.app_context():
        db.create_all()
        application = factories.application(status="submitted")
        organiser = factories.organiser(email="organiser@example.test")
        db.session.commit()
        started = time.perf_counter()
        attachment = factories.attachment(application, data=data, name="large.pdf")
        db.session.commit()
        put = time.perf_counter() - started
        client = app.test_client()
        from tests.conftest import AuthActions

        AuthActions(client).login(organiser.email)
        sha = hashlib.sha256()
        tracemalloc.start()
        started = time.perf_counter()
        with client.get(f"/attachments/{attachment.id}") as response:
            assert response.status_code == 200, response.status_code
            for chunk in response.response:
                sha.update(chunk)
        get = time.perf_counter() - started
        _current, peak = tracemalloc.get_traced_memory()
        tracemalloc.stop()
        assert sha.hexdigest() == hashlib.sha256(data).hexdigest()
        area("uploads").delete(attachment.stored_name)
    return put, get, peak


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--mb", type=int, default=20)
    options = parser.parse_args()
    data = os.urandom(options.mb * 1024 * 1024)
    port = free_port()
    os.environ.update(AWS_ACCESS_KEY_ID="bench", AWS_SECRET_ACCESS_KEY="bench")
    os.environ.setdefault("AWS_DEFAULT_REGION", "us-east-1")
    server = subprocess.Popen(
        [str(Path(sys.executable).parent / "moto_server"), "-H", "127.0.0.1", "-p", str(port)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        import boto3

        endpoint = f"http://127.0.0.1:{port}"
        for _ in range(100):
            try:
                boto3.client("s3", endpoint_url=endpoint).create_bucket(Bucket="prizejury-bench")
                break
            except Exception:
                time.sleep(0.1)
        with tempfile.TemporaryDirectory() as folder:
            base = {
                "SQLALCHEMY_DATABASE_URI": "sqlite://",
                "MAX_ATTACHMENT_MB": options.mb + 1,
                "UPLOAD_FOLDER": f"{folder}/uploads",
                "CERTIFICATE_FOLDER": f"{folder}/certificates",
                "EXPORT_FOLDER": f"{folder}/exports",
                "JOBS_QUEUE_URL": f"sqlite:///{folder}/jobs.sqlite3",
            }
            s3 = {"STORAGE_BACKEND": "s3", "S3_BUCKET": "prizejury-bench", "S3_ENDPOINT_URL": endpoint}
            for name, settings in (("local", base), ("s3", {**base, **s3})):
                put, get, peak = measure(settings, data)
                print(
                    f"{name}: {options.mb} MB stored in {put * 1000:.0f} ms, downloaded through the app in "
                    f"{get * 1000:.0f} ms, peak Python memory during the download {peak / 1024 / 1024:.1f} MB"
                )
    finally:
        server.terminate()
        server.wait()


if __name__ == "__main__":
    main()
