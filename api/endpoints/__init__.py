"""The REST API, version 1, one module per resource; `common` holds the API object, the answers
to refusals and the helpers every module shares. Importing a module registers its endpoints."""

from __future__ import annotations

from api.endpoints import (  # noqa: F401
    cohorts,
    impact,
    milestones,
    projects,
    seminars,
    transitions,
)
from api.endpoints.common import api

__all__ = ["api"]
