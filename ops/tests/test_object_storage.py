"""Uploads on S3-compatible object storage, as several web machines share them
(docs/deploy.md): a photo taken with a step is written to the bucket, served back to who
may see it, and a backup carries it; against a real S3 endpoint on 127.0.0.1 (moto's
server), through the same settings an office sets."""

from __future__ import annotations

import io
import tarfile

import boto3
import pytest
from django.core.files.storage import default_storage
from moto.server import ThreadedMotoServer
from PIL import Image

from conftest import login, recorded, repair_draft
from ops.backup import backup_write
from people.models import User
from tickets.attachments import Upload, attachments_store
from tickets.models import Ticket

BUCKET = "servicedesk-media"


@pytest.fixture
def bucket(settings, tmp_path):
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=0)
    server.start()
    host, port = server.get_host_and_port()
    endpoint = f"http://{host}:{port}"
    boto3.client(
        "s3", endpoint_url=endpoint, aws_access_key_id="k", aws_secret_access_key="s", region_name="us-east-1"
    ).create_bucket(Bucket=BUCKET)
    # The settings S3_BUCKET and the rest produce (config/settings.py).
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {
            "BACKEND": "storages.backends.s3.S3Storage",
            "OPTIONS": {
                "bucket_name": BUCKET,
                "endpoint_url": endpoint,
                "access_key": "k",
                "secret_key": "s",
                "region_name": "us-east-1",
                "default_acl": None,
                "querystring_auth": True,
                "file_overwrite": False,
            },
        },
    }
    settings.BACKUP_DIR = tmp_path / "backups"
    yield endpoint  # (changing STORAGES makes Django open the default storage anew)
    server.stop()


def test_a_photo_lives_in_the_bucket_is_served_to_the_desk_and_backed_up(api, bucket):
    number = recorded(api("ygjy-agent"), repair_draft())
    ticket = Ticket.objects.get(number=number)
    picture = io.BytesIO()
    Image.new("RGB", (32, 24), (20, 120, 200)).save(picture, "JPEG")
    content = picture.getvalue()
    [photo] = attachments_store(
        ticket=ticket,
        action="create",
        by=User.objects.get(username="ygjy-agent"),
        uploads=[Upload("photo", "pipe.jpg", content, "photos", size=len(content))],
    )
    keys = [
        o["Key"]
        for o in boto3.client(
            "s3", endpoint_url=bucket, aws_access_key_id="k", aws_secret_access_key="s", region_name="us-east-1"
        ).list_objects_v2(Bucket=BUCKET)["Contents"]
    ]
    assert keys == [photo.file.name]
    assert type(default_storage._wrapped).__name__ == "S3Storage"  # type: ignore[attr-defined]
    served = login("ygjy-agent").get(f"/a/{photo.pk}/")
    assert served.status_code == 200 and b"".join(served.streaming_content) == content  # type: ignore[attr-defined]
    with tarfile.open(backup_write()) as archive:
        assert archive.extractfile(f"media/{photo.file.name}").read() == content  # type: ignore[union-attr]
