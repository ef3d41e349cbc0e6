"""A real S3-compatible server for the tests: moto's standalone server (`python -m moto.server`) in its
own process on a free local port, spoken to over HTTP by boto3 exactly as a production bucket would be.

The port is the first free one of GANGWEI_TEST_PORTS (a range "first-last"; by default 18200-18249),
so that parallel runs on one machine can each be given their own range."""

import os
import socket
import subprocess
import sys
import time
import uuid

ACCESS_KEY = "gangwei-test-key"
SECRET_KEY = "gangwei-test-secret"
REGION = "us-east-1"
START_SECONDS = 20


def _ports() -> range:
    first, _, last = os.environ.get("GANGWEI_TEST_PORTS", "18200-18249").partition("-")
    return range(int(first), int(last or first) + 1)


def _free(port: int) -> bool:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        try:
            probe.bind(("127.0.0.1", port))
        except OSError:
            return False
    return True


def _answers(port: int) -> bool:
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=0.2):
            return True
    except OSError:
        return False


class S3Server:
    """moto's server process; `endpoint_url` once started."""

    def __init__(self) -> None:
        self.process: subprocess.Popen | None = None
        self.endpoint_url = ""

    def start(self) -> "S3Server":
        for port in _ports():
            if not _free(port):
                continue
            process = subprocess.Popen(
                [sys.executable, "-m", "moto.server", "-H", "127.0.0.1", "-p", str(port)],
                stdin=subprocess.DEVNULL,
                stdout=subprocess.DEVNULL,
                stderr=subprocess.DEVNULL,
            )
            deadline = time.monotonic() + START_SECONDS
            while time.monotonic() < deadline and process.poll() is None and not _answers(port):
                time.sleep(0.05)
            if process.poll() is None and _answers(port):
                self.process, self.endpoint_url = process, f"http://127.0.0.1:{port}"
                return self
            process.kill()  # lost the port to someone else meanwhile, or did not start: next port
            process.wait()
        raise RuntimeError(f"moto's S3 server did not start on any port of {_ports()}")

    def stop(self) -> None:
        if self.process is not None:
            self.process.terminate()
            try:
                self.process.wait(timeout=5)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()

    def client(self):
        import boto3

        return boto3.client(
            "s3",
            endpoint_url=self.endpoint_url,
            aws_access_key_id=ACCESS_KEY,
            aws_secret_access_key=SECRET_KEY,
            region_name=REGION,
        )

    def new_bucket(self) -> str:
        name = f"gangwei-{uuid.uuid4().hex[:12]}"
        self.client().create_bucket(Bucket=name)
        return name

    def keys(self, bucket: str) -> list[str]:
        listed = self.client().list_objects_v2(Bucket=bucket)
        return sorted(item["Key"] for item in listed.get("Contents", []))

    def read(self, bucket: str, key: str) -> bytes:
        return self.client().get_object(Bucket=bucket, Key=key)["Body"].read()

    def storages(self, bucket: str) -> dict:
        """STORAGES as gangwei/settings.py builds it for S3_BUCKET=bucket, S3_ENDPOINT_URL=this server."""
        from botocore.config import Config

        return {
            "default": {
                "BACKEND": "gangwei.storage.PrivateS3Storage",
                "OPTIONS": {
                    "bucket_name": bucket,
                    "endpoint_url": self.endpoint_url,
                    "region_name": REGION,
                    "access_key": ACCESS_KEY,
                    "secret_key": SECRET_KEY,
                    "location": "",
                    "file_overwrite": False,
                    "client_config": Config(
                        s3={"addressing_style": "path"},
                        signature_version="s3v4",
                        connect_timeout=2,
                        read_timeout=5,
                        retries={"max_attempts": 1, "mode": "standard"},
                        request_checksum_calculation="when_required",
                        response_checksum_validation="when_required",
                    ),
                },
            },
            "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
        }
