"""Schemathesis hooks for Groundwork (loaded through SCHEMATHESIS_HOOKS by tests/fuzz/run.sh).

`NaiveDate` (a day, `2026-03-01`) gets a strategy of its own: any day of years 1 to 9999, and now and then
text that is no date. schemathesis knows `DateTime` already.

`groundwork_no_server_error` is the one check that must hold for every generated request: no 5xx status,
and no error coded INTERNAL in a GraphQL answer (GraphQL answers 200 with `errors`, so a server-side failure
hides there). Refusals (VALIDATION, NOT_FOUND, FORBIDDEN, CONFLICT, …) are the expected answers to fuzzed
input and pass. schemathesis' own `not_a_server_error` cannot be used for GraphQL: it takes every error
raised by a resolver for a server error.
"""

import json

import schemathesis
from hypothesis import strategies as st
from schemathesis.graphql import nodes

schemathesis.graphql.scalar(
    "NaiveDate",
    st.one_of(st.dates().map(lambda day: day.isoformat()), st.text(max_size=12)).map(nodes.String),
)


def _internal_errors(body):
    if not isinstance(body, dict):
        return []
    errors = body.get("errors")
    if not isinstance(errors, list):
        return []
    return [
        error
        for error in errors
        if isinstance(error, dict)
        and isinstance(error.get("extensions"), dict)
        and error["extensions"].get("code") == "INTERNAL"
    ]


@schemathesis.check
def groundwork_no_server_error(ctx, response, case):
    """No 5xx, and no GraphQL error coded INTERNAL."""
    if response.status_code >= 500:
        raise AssertionError(f"server error {response.status_code}: {response.text[:500]}")
    content_type = response.headers.get("content-type", [""])
    if isinstance(content_type, list):
        content_type = content_type[0] if content_type else ""
    if "json" not in content_type:
        return None
    try:
        body = json.loads(response.content)
    except ValueError:
        return None
    internal = _internal_errors(body)
    if internal:
        raise AssertionError(f"INTERNAL error: {json.dumps(internal)[:500]}")
    return None
