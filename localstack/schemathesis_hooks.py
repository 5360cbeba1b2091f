"""Schemathesis hooks for the run against the local stack.

See localstack/schemathesis.toml; localstack/stack's TestSchemathesis puts
this folder on PYTHONPATH.
"""

import uuid

import schemathesis


@schemathesis.hook
def map_headers(ctx, headers):
    # Schemathesis draws Idempotency-Key values from a small space, so one
    # key meets other bodies (422 IDEMPOTENCY_KEY_REUSED, as the document
    # says it must) or replays a first answer whose upload was deleted since
    # (as the key's contract says). A valid key is made unique, as a client's
    # UUID is; an invalid one (empty, too long) is left to be refused.
    key = (headers or {}).get("Idempotency-Key")
    if isinstance(key, str) and 1 <= len(key) <= 128:
        headers["Idempotency-Key"] = str(uuid.uuid4())
    return headers
