"""The settings that let several machines share files and counters: local disk and per-machine files unless the
environment says otherwise (docs/production.md, Several machines)."""

import json
import os
import subprocess
import sys

import pytest

SHOW = ("import json; from chidao import settings as s; print(json.dumps({'storage': s.STORAGES['default'], "
        "'static': s.STORAGES['staticfiles']['BACKEND'], 'caches': {k: v['BACKEND'] for k, v in s.CACHES.items()}, "
        "'locations': {k: v.get('LOCATION') for k, v in s.CACHES.items()}, 'session': s.SESSION_ENGINE}))")


def settings_with(**env: str) -> subprocess.CompletedProcess:
    clean = {k: v for k, v in os.environ.items() if not k.startswith("CHIDAO_")}
    return subprocess.run([sys.executable, "-c", SHOW], env={**clean, **env}, capture_output=True, text=True,
                          check=False, timeout=60)


def shown(**env: str) -> dict:
    done = settings_with(**env)
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout)


def test_by_default_files_are_on_local_disk_and_counters_in_local_files():
    got = shown()
    assert got["storage"] == {"BACKEND": "django.core.files.storage.FileSystemStorage"}
    assert got["static"] == "django.contrib.staticfiles.storage.StaticFilesStorage"
    assert got["caches"] == {"default": "django.core.cache.backends.locmem.LocMemCache",
                             "limits": "django.core.cache.backends.filebased.FileBasedCache"}
    assert got["session"] == "django.contrib.sessions.backends.db"


def test_production_keeps_local_disk_unless_told_otherwise():
    got = shown(CHIDAO_DEBUG="0", CHIDAO_SECRET_KEY="k" * 50)
    assert got["storage"] == {"BACKEND": "django.core.files.storage.FileSystemStorage"}
    assert got["static"] == "whitenoise.storage.CompressedManifestStaticFilesStorage"


def test_s3_storage_is_private_and_hands_out_no_urls():
    got = shown(CHIDAO_STORAGE="s3", CHIDAO_S3_BUCKET="chidao-media", CHIDAO_S3_ENDPOINT_URL="https://s3.example.vn",
                CHIDAO_S3_REGION="hn-1", CHIDAO_S3_ACCESS_KEY_ID="id", CHIDAO_S3_SECRET_ACCESS_KEY="secret")
    assert got["storage"] == {"BACKEND": "storages.backends.s3.S3Storage", "OPTIONS": {
        "bucket_name": "chidao-media", "endpoint_url": "https://s3.example.vn", "region_name": "hn-1",
        "access_key": "id", "secret_key": "secret", "location": "", "default_acl": "private",
        "querystring_auth": False, "file_overwrite": False, "addressing_style": None}}


@pytest.mark.parametrize(("url", "backend", "location"), [
    ("redis://cache:6379/0", "django.core.cache.backends.redis.RedisCache", "redis://cache:6379/0"),
    ("db://chidao_cache", "django.core.cache.backends.db.DatabaseCache", "chidao_cache"),
])
def test_a_cache_url_shares_both_caches(url, backend, location):
    got = shown(CHIDAO_CACHE_URL=url)
    assert got["caches"] == {"default": backend, "limits": backend}
    assert got["locations"] == {"default": location, "limits": location}


@pytest.mark.parametrize(("env", "message"), [
    ({"CHIDAO_STORAGE": "s3"}, "CHIDAO_STORAGE=s3 needs CHIDAO_S3_BUCKET"),
    ({"CHIDAO_STORAGE": "nfs"}, "CHIDAO_STORAGE must be local or s3, not 'nfs'."),
    ({"CHIDAO_CACHE_URL": "memcached://x"}, "CHIDAO_CACHE_URL must be redis://..., rediss://... or db://TABLE"),
])
def test_a_wrong_setting_stops_the_start_with_its_reason(env, message):
    done = settings_with(**env)
    assert done.returncode == 1
    assert message in done.stderr
