from __future__ import annotations

from collections.abc import Callable

import pytest

from api import services
from api.models import ApiToken
from tracker.models import Cohort, User


@pytest.fixture
def bearer() -> Callable[..., dict[str, str]]:
    """Headers carrying a fresh token of `user` (personal unless a cohort or institution)."""

    def make(
        user: User,
        scope: str = ApiToken.Scope.WRITE,
        *,
        cohort: Cohort | None = None,
        institution: str = "",
    ) -> dict[str, str]:
        token = services.token_create(
            by=user, name="Uji", scope=scope, cohort=cohort, institution=institution
        )
        return {"Authorization": f"Bearer {token.plain}"}

    return make
