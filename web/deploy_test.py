"""Tests of deploy.py's config.json and upload plan (make test runs them)."""
import os
import pathlib
import sys
import unittest
from unittest import mock

sys.path.insert(0, str(pathlib.Path(__file__).parent))
import deploy  # noqa: E402

OUTPUTS = {"PortalSignInUrl": "https://stack-1.auth.us-east-1.amazoncognito.com", "PortalUserPoolClientId": "client123",
           "NativeAppClientId": "native456", "ProviderIssuerUrl": "https://cognito-idp.us-east-1.amazonaws.com/us-east-1_POOL"}


class ConfigTest(unittest.TestCase):
    def test_cognito_hosted_sign_in(self):
        with mock.patch.dict(os.environ, {}, clear=True):
            cfg = deploy.config(OUTPUTS)
        self.assertEqual(cfg["apiBase"], "/api")
        self.assertEqual(cfg["clientId"], "client123")
        self.assertEqual(cfg["authorizationEndpoint"], "https://stack-1.auth.us-east-1.amazoncognito.com/oauth2/authorize")
        self.assertEqual(cfg["tokenEndpoint"], "https://stack-1.auth.us-east-1.amazoncognito.com/oauth2/token")
        self.assertEqual(cfg["logoutEndpoint"], "https://stack-1.auth.us-east-1.amazoncognito.com/logout")
        self.assertEqual(cfg["nativeClientId"], "native456")

    def test_discovery_for_native_apps(self):
        with mock.patch.dict(os.environ, {}, clear=True):
            meta = deploy.discovery(OUTPUTS)
        self.assertEqual(meta["issuer"], "https://cognito-idp.us-east-1.amazonaws.com/us-east-1_POOL")
        self.assertEqual(meta["jwks_uri"], "https://cognito-idp.us-east-1.amazonaws.com/us-east-1_POOL/.well-known/jwks.json")
        self.assertEqual(meta["token_endpoint"], "https://stack-1.auth.us-east-1.amazoncognito.com/oauth2/token")
        self.assertEqual(meta["revocation_endpoint"], "https://stack-1.auth.us-east-1.amazoncognito.com/oauth2/revoke")
        self.assertEqual(meta["code_challenge_methods_supported"], ["S256"])
        self.assertIn("refresh_token", meta["grant_types_supported"])

    def test_own_issuer(self):
        env = {"OIDC_CLIENT_ID": "own", "OIDC_AUTHORIZE_URL": "https://idp/a", "OIDC_TOKEN_URL": "https://idp/t", "OIDC_LOGOUT_URL": "https://idp/l"}
        with mock.patch.dict(os.environ, env, clear=True):
            cfg = deploy.config({})
        self.assertEqual((cfg["clientId"], cfg["tokenEndpoint"]), ("own", "https://idp/t"))
        self.assertNotIn("nativeClientId", cfg)
        with mock.patch.dict(os.environ, env, clear=True):
            self.assertIsNone(deploy.discovery(OUTPUTS))  # your issuer publishes its own


class FilesTest(unittest.TestCase):
    def test_types_and_cache(self):
        with mock.patch.object(deploy, "DIST", pathlib.Path(self.tmp)):
            plan = {key: (ctype, cache) for _, key, ctype, cache in deploy.files()}
        self.assertEqual(set(plan), {"index.html", "assets/app-1.js", "assets/app-1.css"})  # not build.json
        self.assertEqual(plan["index.html"], ("text/html; charset=utf-8", "no-cache"))
        self.assertEqual(plan["assets/app-1.js"], ("text/javascript; charset=utf-8", "public, max-age=31536000, immutable"))
        self.assertEqual(plan["assets/app-1.css"][0], "text/css; charset=utf-8")

    def setUp(self):
        import tempfile
        self.tmp = tempfile.mkdtemp()
        (pathlib.Path(self.tmp) / "assets").mkdir()
        for name in ["index.html", "build.json", "assets/app-1.js", "assets/app-1.css"]:
            (pathlib.Path(self.tmp) / name).write_text("x")


if __name__ == "__main__":
    unittest.main()
