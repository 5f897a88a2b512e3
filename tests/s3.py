"""Media on S3-compatible object storage, against a real S3 protocol server on 127.0.0.1.

moto's server mode answers the S3 HTTP API from a thread of the test process: django-storages
and boto3 talk to it over a socket exactly as they would to MinIO or a cloud bucket.

Loaded as a pytest plugin (pyproject's addopts), so `s3_media` is a fixture in every test.
"""

from __future__ import annotations

import socket
import uuid

import pytest

ACCESS = {"aws_access_key_id": "jejak-test", "aws_secret_access_key": "jejak-test-secret"}


@pytest.fixture(scope="session")
def s3_server():
    from moto.server import ThreadedMotoServer

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=port, verbose=False)
    server.start()
    yield f"http://127.0.0.1:{port}"
    server.stop()


@pytest.fixture
def s3_media(s3_server, settings):
    """A fresh bucket as the media storage; returns a boto3 client of that server and the bucket."""
    import boto3

    bucket = f"jejak-{uuid.uuid4().hex[:12]}"
    client = boto3.client("s3", endpoint_url=s3_server, region_name="us-east-1", **ACCESS)
    client.create_bucket(Bucket=bucket)
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {
            "BACKEND": "storages.backends.s3.S3Storage",
            "OPTIONS": {
                "bucket_name": bucket,
                "endpoint_url": s3_server,
                "region_name": "us-east-1",
                "access_key": ACCESS["aws_access_key_id"],
                "secret_key": ACCESS["aws_secret_access_key"],
                "addressing_style": "path",
                "default_acl": "private",
                "file_overwrite": False,
            },
        },
    }
    # Nothing may fall back to the disk: MEDIA_ROOT points nowhere usable.
    settings.MEDIA_ROOT = "/nonexistent/jejak-media"
    return client, bucket


def object_names(s3_media) -> list[str]:
    client, bucket = s3_media
    listing = client.list_objects_v2(Bucket=bucket)
    return sorted(item["Key"] for item in listing.get("Contents", []))
