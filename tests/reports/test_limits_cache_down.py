"""With the shared cache down, the pages the rate limits guard answer politely, never 500.

Public verification fails open (60-bit codes keep guessing hopeless; the limit only sheds
load); generating documents and large exports fail closed (they are the costly work the limits
bound), with a message and Retry-After.
"""

from __future__ import annotations

import pytest
from django.core.cache.backends.base import BaseCache
from django.urls import reverse

from reports import limits, views
from reports.models import GeneratedDocument
from reports.services import issue_project_report
from tests.factories import ChangeProjectFactory

# Redis refusing connections (nothing listens on the discard port), and a backend that fails
# every call as a broken cache table would.
REDIS_DOWN = {
    "BACKEND": "django.core.cache.backends.redis.RedisCache",
    "LOCATION": "redis://127.0.0.1:9/0",
}
RAISING = {"BACKEND": "tests.reports.test_limits_cache_down.RaisingCache"}


class RaisingCache(BaseCache):
    """Every call fails, as a cache whose server or table is gone."""

    def __init__(self, location, params) -> None:
        super().__init__(params)

    def _fail(self, *args, **kwargs):
        raise ConnectionError("cache down")

    add = get = set = delete = touch = incr = clear = has_key = get_many = set_many = _fail


@pytest.fixture(params=[REDIS_DOWN, RAISING], ids=["redis-refused", "raising-backend"])
def cache_down(request, settings):
    settings.CACHES = {"default": request.param}


def test_take_raises_its_own_error_not_the_backends(cache_down):
    with pytest.raises(limits.LimitsUnavailable):
        limits.take("any", 1, limit=3, window=600)


def test_verification_still_answers_with_the_cache_down(client, approved_project, world, settings):
    document = issue_project_report(project=approved_project, by=world.participant)
    settings.CACHES = {"default": RAISING}
    found = client.get(reverse("reports:verify", args=[document.code]))
    assert found.status_code == 200
    assert document.title in found.content.decode()
    unknown = client.get(reverse("reports:verify", args=["ZZZZZZZZZZZZ"]))
    assert unknown.status_code == 404


def test_verification_with_redis_refusing_connections_is_not_a_500(client, db, cache_down):
    assert client.get(reverse("reports:verify", args=["ZZZZZZZZZZZZ"])).status_code == 404


def test_a_new_pdf_is_refused_politely_and_nothing_is_issued(
    client, approved_project, world, cache_down
):
    client.force_login(world.participant)
    response = client.get(reverse("reports:project-report", args=[approved_project.pk]))
    assert response.status_code == 302
    page = client.get(response["Location"]).content.decode()
    assert "Dokumen baru sedang tidak dapat dibuat. Coba lagi beberapa menit lagi" in page
    assert not GeneratedDocument.objects.exists()


def test_a_large_export_is_refused_with_503_and_a_small_one_still_downloads(
    client, world, monkeypatch, cache_down
):
    monkeypatch.setattr(views, "MAX_PER_PAGE", 2)
    for _ in range(2):
        ChangeProjectFactory(cohort=world.cohort)
    client.force_login(world.organiser)
    url = reverse("reports:project-export-csv")
    refused = client.get(url)
    assert refused.status_code == 503
    assert refused["Retry-After"] == "60"
    assert "Daftar sebesar ini sedang tidak dapat diunduh" in refused.content.decode()
    assert client.get(f"{url}?q={world.project.title}").status_code == 200
