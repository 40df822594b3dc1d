"""Property-based API conformance: schemathesis over the app's own /openapi.json.

Bounded (a few dozen generated requests per operation), in-process over ASGI (no network).
Every response must conform to the documented schema, status codes and content types, and
no request may cause a server error.
"""

from __future__ import annotations

import schemathesis
from hypothesis import HealthCheck, settings
from test_api_support import make_app

APP = make_app()
schema = schemathesis.openapi.from_asgi("/openapi.json", APP)


@schema.parametrize()
@settings(
    max_examples=30,
    deadline=None,
    derandomize=True,
    suppress_health_check=list(HealthCheck),
)
def test_api_conforms_to_its_openapi(case: schemathesis.Case) -> None:
    case.call_and_validate(excluded_checks=[schemathesis.checks.positive_data_acceptance])
