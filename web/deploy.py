"""Publishes the built portal (web/dist) to a deployed stack.

Run by `make deploy-web`, with the SAM CLI's own Python (it carries boto3)
and the same AWS credentials as `sam deploy`. It reads the stack's outputs,
writes /config.json (the API under /api on the same origin; the Cognito
hosted sign-in's endpoints, or those of your own issuer) and, with the
stack's user pool, /.well-known/openid-configuration (the issuer's
endpoints, for the mobile and desktop apps to discover), uploads every
file with its content type and cache lifetime (hashed assets for a year,
index.html and config.json never cached), then invalidates the two.

    python web/deploy.py STACK_NAME REGION [--dry-run]
    OIDC_AUTHORIZE_URL=... OIDC_TOKEN_URL=... OIDC_LOGOUT_URL=... OIDC_CLIENT_ID=...
        [OIDC_NATIVE_CLIENT_ID=...] for an issuer of your own (JwtIssuer), which
        publishes its own discovery document.
"""
import json
import mimetypes
import os
import pathlib
import sys
import time

DIST = pathlib.Path(__file__).parent / "dist"
DISCOVERY = ".well-known/openid-configuration"
TYPES = {".js": "text/javascript; charset=utf-8", ".css": "text/css; charset=utf-8",
         ".html": "text/html; charset=utf-8", ".json": "application/json"}


def config(outputs):
    """The portal's /config.json for these stack outputs."""
    if os.environ.get("OIDC_CLIENT_ID"):
        auth = {"clientId": os.environ["OIDC_CLIENT_ID"], "authorizationEndpoint": os.environ["OIDC_AUTHORIZE_URL"],
                "tokenEndpoint": os.environ["OIDC_TOKEN_URL"], "logoutEndpoint": os.environ["OIDC_LOGOUT_URL"]}
        if os.environ.get("OIDC_NATIVE_CLIENT_ID"):
            auth["nativeClientId"] = os.environ["OIDC_NATIVE_CLIENT_ID"]
    else:
        signin = outputs["PortalSignInUrl"]
        auth = {"clientId": outputs["PortalUserPoolClientId"], "nativeClientId": outputs["NativeAppClientId"],
                "authorizationEndpoint": signin + "/oauth2/authorize", "tokenEndpoint": signin + "/oauth2/token",
                "logoutEndpoint": signin + "/logout"}
    return {"apiBase": "/api", "scope": "openid email", "planName": "Provider Portal", **auth}


def discovery(outputs):
    """The stack's user pool's OpenID Connect metadata, published on the
    portal's own address so that an app needs only that address; None with
    an issuer of your own, which publishes its own."""
    if os.environ.get("OIDC_CLIENT_ID") or "ProviderIssuerUrl" not in outputs:
        return None
    issuer, signin = outputs["ProviderIssuerUrl"], outputs["PortalSignInUrl"]
    return {
        "issuer": issuer,
        "authorization_endpoint": signin + "/oauth2/authorize",
        "token_endpoint": signin + "/oauth2/token",
        "revocation_endpoint": signin + "/oauth2/revoke",
        "userinfo_endpoint": signin + "/oauth2/userInfo",
        "end_session_endpoint": signin + "/logout",
        "jwks_uri": issuer + "/.well-known/jwks.json",
        "response_types_supported": ["code"],
        "grant_types_supported": ["authorization_code", "refresh_token"],
        "code_challenge_methods_supported": ["S256"],
        "scopes_supported": ["openid", "email"],
        "subject_types_supported": ["public"],
        "id_token_signing_alg_values_supported": ["RS256"],
        "token_endpoint_auth_methods_supported": ["none"],
    }


def files():
    """Every built file: its key, content type and Cache-Control."""
    for path in sorted(DIST.rglob("*")):
        if path.is_dir() or path.name == "build.json":
            continue
        key = path.relative_to(DIST).as_posix()
        ctype = TYPES.get(path.suffix) or mimetypes.guess_type(path.name)[0] or "application/octet-stream"
        cache = "public, max-age=31536000, immutable" if key.startswith("assets/") else "no-cache"
        yield path, key, ctype, cache


def main(argv):
    if len(argv) < 3:
        sys.exit(__doc__)
    stack, region, dry = argv[1], argv[2], "--dry-run" in argv
    if not (DIST / "index.html").exists():
        sys.exit("web/dist is not built: run `make web` first")
    import boto3  # the SAM CLI's own

    cfn = boto3.client("cloudformation", region_name=region)
    outputs = {o["OutputKey"]: o["OutputValue"] for o in cfn.describe_stacks(StackName=stack)["Stacks"][0].get("Outputs", [])}
    cfg = json.dumps(config(outputs), indent=2).encode()
    meta = discovery(outputs)
    bucket, distribution = outputs["WebBucketName"], outputs["PortalDistributionId"]
    plan = [(key, ctype, cache) for _, key, ctype, cache in files()] + [("config.json", "application/json", "no-cache")]
    if meta:
        plan.append((DISCOVERY, "application/json", "no-cache"))
    for key, ctype, cache in plan:
        print(f"s3://{bucket}/{key}  {ctype}  {cache}")
    print(cfg.decode())
    if dry:
        return
    s3 = boto3.client("s3", region_name=region)
    # Assets first, then the pages that name them: a browser never gets an
    # index.html whose script is not there yet.
    for path, key, ctype, cache in sorted(files(), key=lambda f: not f[1].startswith("assets/")):
        s3.upload_file(str(path), bucket, key, ExtraArgs={"ContentType": ctype, "CacheControl": cache})
    s3.put_object(Bucket=bucket, Key="config.json", Body=cfg, ContentType="application/json", CacheControl="no-cache")
    paths = ["/", "/index.html", "/config.json"]
    if meta:
        s3.put_object(Bucket=bucket, Key=DISCOVERY, Body=json.dumps(meta, indent=2).encode(), ContentType="application/json",
                      CacheControl="no-cache")
        paths.append("/" + DISCOVERY)
    boto3.client("cloudfront").create_invalidation(DistributionId=distribution, InvalidationBatch={
        "Paths": {"Quantity": len(paths), "Items": paths}, "CallerReference": str(time.time())})
    print(f"published to {outputs['PortalUrl']}")


if __name__ == "__main__":
    main(sys.argv)
