"""The OpenAPI schema is valid and complete; the docs page runs under the strict CSP."""

from __future__ import annotations

import re

from django.conf import settings
from openapi_spec_validator import validate

from api.endpoints import api

EXPECTED = {
    ("get", "/api/v1/projects"),
    ("get", "/api/v1/projects/{pk}"),
    ("get", "/api/v1/projects/{pk}/milestones"),
    ("get", "/api/v1/projects/{pk}/evidence"),
    ("get", "/api/v1/projects/{pk}/transitions"),
    ("post", "/api/v1/projects/{pk}/transitions"),
    ("get", "/api/v1/projects/{pk}/seminars"),
    ("get", "/api/v1/projects/{pk}/indicators"),
    ("post", "/api/v1/indicators/{pk}/measurements"),
    ("get", "/api/v1/cohorts"),
    ("post", "/api/v1/cohorts/{pk}/participants/import"),
    ("get", "/api/v1/agencies"),
    ("get", "/api/v1/agencies/{pk}/impact"),
    ("get", "/api/v1/agencies/{pk}/survey"),
    ("post", "/api/v1/cohorts/{pk}/seminars"),
    ("get", "/api/v1/seminars/{pk}"),
    ("put", "/api/v1/seminars/{pk}"),
    ("put", "/api/v1/seminars/{pk}/projects/{project_pk}/scores"),
}


def test_the_schema_is_valid_openapi_and_lists_every_endpoint(client, db):
    response = client.get("/api/v1/openapi.json")
    assert response.status_code == 200
    schema = response.json()
    validate(schema)
    listed = {
        (method, path) for path, operations in schema["paths"].items() for method in operations
    }
    assert listed == EXPECTED
    # Every operation the API object knows is in the schema (nothing registered and hidden).
    registered = {
        (method.lower(), f"/api/v1{path}")
        for router_prefix, router in api._routers
        for path, view in router.path_operations.items()
        for operation in view.operations
        for method in operation.methods
    }
    assert registered == EXPECTED
    assert schema["components"]["securitySchemes"]["TokenAuth"]["scheme"] == "bearer"


def test_the_docs_page_uses_no_inline_script_and_only_our_static_files(client, db):
    response = client.get("/api/v1/docs")
    assert response.status_code == 200
    assert response["Content-Security-Policy"] == settings.CONTENT_SECURITY_POLICY
    html = response.content.decode()
    scripts = re.findall(r"<script\b([^>]*)>", html)
    assert scripts and all("src=" in attributes for attributes in scripts)
    assert "cdn" not in html.lower()
    assert re.search(r'data-openapi-url="/api/v1/openapi.json"', html)
    assert "/static/js/swagger-init.js" in html
