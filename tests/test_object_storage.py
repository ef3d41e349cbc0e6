"""Files on S3-compatible object storage (DESIGN §10), against a real S3 server started for the tests
(moto's standalone server, tests/s3server.py): uploaded scans and filed 汇总表 land in the bucket, not
on the local disk, and come back byte for byte only through the views that check access."""

import hashlib
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings as django_settings
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from applications.models import Application
from applications.services import application_submit
from review.models import CONDITION_FIELDS, SummaryReport
from review.services import review_decide
from tests.factories import ApplicationFactory, pdf_bytes

PDF = pdf_bytes()


@pytest.fixture
def local_root(tmp_path) -> Path:
    """Where the default local storage of the tests (tests/conftest.py) would have put the files."""
    return tmp_path / "private"


def local_files(root: Path) -> list[Path]:
    return sorted(p for p in root.rglob("*") if p.is_file()) if root.exists() else []


def body_bytes(response) -> bytes:
    return b"".join(response.streaming_content) if response.streaming else response.content


def upload(client, application, name: str, data: bytes):
    return client.post(
        f"/apply/{application.key}/attachments/", {"files": [SimpleUploadedFile(name, data)]}, follow=True
    )


def test_scan_goes_to_the_bucket_and_downloads_through_the_access_check(
    apply_window, s3_server, s3_bucket, local_root, client, applicant, application, reviewer_a, reviewer_b,
    other_applicant,
):
    client.force_login(applicant)
    response = upload(client, application, "盖章扫描件.pdf", PDF)

    assert [m.message for m in response.context["messages"]] == ["已上传：盖章扫描件.pdf"]
    attachment = application.attachments.get()
    assert s3_server.keys(s3_bucket) == [attachment.file.name]
    assert s3_server.read(s3_bucket, attachment.file.name) == PDF
    assert attachment.sha256 == hashlib.sha256(PDF).hexdigest()
    assert local_files(local_root) == []
    # Private: no grant beyond the bucket owner's own.
    acl = s3_server.client().get_object_acl(Bucket=s3_bucket, Key=attachment.file.name)
    assert [grant["Permission"] for grant in acl["Grants"]] == ["FULL_CONTROL"]
    assert [grant["Grantee"]["Type"] for grant in acl["Grants"]] == ["CanonicalUser"]

    url = f"/apply/{application.key}/attachments/{attachment.pk}/"
    response = client.get(url)
    assert (response.status_code, body_bytes(response)) == (200, PDF)
    assert response["Content-Type"] == "application/pdf"
    assert response["Cache-Control"] == "private, no-store"

    # The reviewer of the body sees it once it is submitted; outsiders never do.
    application_submit(application=Application.objects.get(pk=application.pk), user=applicant)
    client.force_login(reviewer_a)
    response = client.get(url)
    assert (response.status_code, body_bytes(response)) == (200, PDF)
    for outsider in (reviewer_b, other_applicant):
        client.force_login(outsider)
        response = client.get(url)
        assert (response.status_code, PDF in response.content) == (404, False)


def test_deleted_scan_leaves_the_bucket(
    apply_window, s3_server, s3_bucket, client, applicant, application, django_capture_on_commit_callbacks
):
    client.force_login(applicant)
    upload(client, application, "scan.pdf", PDF)
    attachment = application.attachments.get()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(f"/apply/{application.key}/attachments/{attachment.pk}/delete/", follow=True)
    assert [m.message for m in response.context["messages"]] == ["已删除附件：scan.pdf"]
    assert (list(application.attachments.all()), s3_server.keys(s3_bucket)) == ([], [])


def test_scan_gone_from_the_bucket_is_a_404(apply_window, s3_server, s3_bucket, client, applicant, application):
    client.force_login(applicant)
    upload(client, application, "scan.pdf", PDF)
    attachment = application.attachments.get()
    s3_server.client().delete_object(Bucket=s3_bucket, Key=attachment.file.name)
    response = client.get(f"/apply/{application.key}/attachments/{attachment.pk}/")
    assert response.status_code == 404


def test_filed_summary_goes_to_the_bucket_and_the_city_downloads_it(
    apply_window, s3_server, s3_bucket, local_root, client, campaign, unit, applicant, reviewer_a, reviewer_b,
    city_user,
):
    application = application_submit(application=ApplicationFactory(campaign=campaign, unit=unit), user=applicant)
    review_decide(
        application=application,
        user=reviewer_a,
        action="recommend",
        opinion="经审核，同意推荐。",
        conditions=dict.fromkeys(CONDITION_FIELDS, True),
    )
    client.force_login(reviewer_a)
    response = client.post("/review/summary/", {"confirm": "on"})
    assert (response.status_code, response["Location"]) == (302, "/review/summary/")

    report = SummaryReport.objects.get()
    assert report.file.name.startswith(f"summaries/{campaign.year}/") and report.file.name.endswith(".xlsx")
    assert s3_server.keys(s3_bucket) == [report.file.name]
    filed = s3_server.read(s3_bucket, report.file.name)
    assert (len(filed), hashlib.sha256(filed).hexdigest()) == (report.size, report.sha256)
    assert filed[:2] == b"PK"  # an xlsx is a zip
    assert local_files(local_root) == []

    url = reverse("review:filed_xlsx", args=[report.pk])
    for reader in (city_user, reviewer_a):
        client.force_login(reader)
        response = client.get(url)
        assert (response.status_code, body_bytes(response)) == (200, filed)
    for outsider in (reviewer_b, applicant):
        client.force_login(outsider)
        assert client.get(url).status_code == 404


def test_storage_never_gives_a_browser_url(s3_bucket):
    name = default_storage.save("attachments/2021/probe", SimpleUploadedFile("x", b"x"))
    assert default_storage.url(name) == f"/__no-public-media__/{name}"


def test_settings_build_the_s3_storage_from_the_environment(tmp_path):
    """The variables of the README give the private S3 backend; without them, the local folder."""
    script = (
        "import json; from django.conf import settings as s; import django; django.setup();"
        "o = s.STORAGES['default'].get('OPTIONS', {}); c = o.get('client_config');"
        "print(json.dumps({'backend': s.STORAGES['default']['BACKEND'],"
        " 'options': {k: v for k, v in o.items() if k != 'client_config'},"
        " 'addressing': c.s3 if c else None, 'connect_timeout': c.connect_timeout if c else None}, default=str))"
    )
    base = {k: v for k, v in os.environ.items() if not k.startswith("S3_")}
    base.update(DJANGO_SETTINGS_MODULE="gangwei.settings", SQLITE_PATH=str(tmp_path / "db.sqlite3"))

    def configured(**env) -> dict:
        done = subprocess.run(
            [sys.executable, "-c", script],
            env={**base, **env, "PRIVATE_MEDIA_ROOT": str(tmp_path / "private")},
            capture_output=True,
            text=True,
            timeout=60,
            cwd=django_settings.BASE_DIR,
        )
        assert done.returncode == 0, done.stderr[-2000:]
        return json.loads(done.stdout)

    assert configured() == {
        "backend": "django.core.files.storage.FileSystemStorage",
        "options": {"location": str(tmp_path / "private")},
        "addressing": None,
        "connect_timeout": None,
    }
    assert configured(
        S3_BUCKET="gangwei-files",
        S3_ENDPOINT_URL="https://oss-cn-guangzhou.aliyuncs.com",
        S3_REGION="cn-guangzhou",
        S3_ACCESS_KEY_ID="AK",
        S3_SECRET_ACCESS_KEY="SK",
        S3_PREFIX="/prod/",
        S3_ADDRESSING_STYLE="virtual",
        S3_CONNECT_TIMEOUT="2",
    ) == {
        "backend": "gangwei.storage.PrivateS3Storage",
        "options": {
            "bucket_name": "gangwei-files",
            "endpoint_url": "https://oss-cn-guangzhou.aliyuncs.com",
            "region_name": "cn-guangzhou",
            "access_key": "AK",
            "secret_key": "SK",
            "location": "prod",
            "file_overwrite": False,
        },
        "addressing": {"addressing_style": "virtual"},
        "connect_timeout": 2,
    }
