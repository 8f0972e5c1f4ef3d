"""The app's OpenAPI spec, exercised by schemathesis in-process (ASGI, no network)."""

from __future__ import annotations

from typing import Any

import schemathesis
from hypothesis import HealthCheck, settings
from schemathesis.checks import (
    content_type_conformance,
    not_a_server_error,
    response_schema_conformance,
    status_code_conformance,
)

from bilat.app import create_app

from .conftest import LOCAL_URL

# the app answers only to a loopback Host (its guard against DNS rebinding)
schema = schemathesis.openapi.from_asgi(
    "/openapi.json", create_app(max_upload=20_000), headers={"Host": "127.0.0.1"}
)

CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_schema_conformance,
]


def test_spec_names_every_route() -> None:
    spec = create_app().openapi()
    paths = set(spec["paths"])
    assert {"/api/health", "/api/simulate", "/api/code", "/api/ingest", "/api/policies"} <= paths
    assert spec["info"]["title"] == "bilat"


@schema.parametrize()
@settings(
    max_examples=12,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much],
    derandomize=True,
)
def test_api_conforms_to_its_spec(case: Any) -> None:
    case.call_and_validate(base_url=LOCAL_URL, checks=CHECKS)
