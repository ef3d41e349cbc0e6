"""Where uploaded scans and filed 汇总表 live: the private local folder by default, or an S3-compatible
bucket (AWS S3, MinIO, Aliyun OSS, Tencent COS …) when S3_BUCKET is set (settings, "object storage").

Either way the files are private. Nothing in the project asks a storage for a URL: every download
streams through a view that checks access first (applications.views.attachment_download,
review.document_views.filed_xlsx). This backend makes sure that stays true even if a future template
or admin widget asks: `url()` answers the same dead path the local folder gives (MEDIA_URL, which no
URL pattern serves), never a pre-signed link that would let a browser fetch the object without the
access check, and objects are written without an ACL, so they keep the bucket's private default.
"""

from urllib.parse import urljoin

from django.conf import settings
from django.utils.encoding import filepath_to_uri
from storages.backends.s3 import S3Storage
from whitenoise.storage import CompressedManifestStaticFilesStorage


class StaticStorage(CompressedManifestStaticFilesStorage):
    """WhiteNoise's compressed manifest storage, with each static file's URL worked out once per
    process: the manifest does not change while a process runs, and every page asks for the same
    few names ({% static %}) again and again."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._urls: dict[str, str] = {}

    def url(self, name, force=False):
        if force:
            return super().url(name, force)
        found = self._urls.get(name)
        if found is None:
            found = self._urls[name] = super().url(name)
        return found


class PrivateS3Storage(S3Storage):
    """django-storages' S3 backend with no public ACL and no browser URL."""

    default_acl = None
    querystring_auth = False

    def get_default_settings(self):
        defaults = super().get_default_settings()
        # Whatever AWS_* settings or options say: objects carry no ACL (the bucket's private default).
        defaults["default_acl"] = None
        return defaults

    def _get_write_parameters(self, name, content=None):
        params = super()._get_write_parameters(name, content)
        params.pop("ACL", None)
        return params

    def url(self, name, parameters=None, expire=None, http_method=None):
        """The path the local folder would give (served by nothing), never a signed S3 link."""
        return urljoin(settings.MEDIA_URL, filepath_to_uri(name))
