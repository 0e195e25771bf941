"""Signing in with OAuth2: providers, the sign-in flows, and the tokens of a running agent.

* :mod:`agent.oauth.providers` - what each provider's endpoints and scopes are (data);
* :mod:`agent.oauth.client` - token requests through authlib, their failures as product errors;
* :mod:`agent.oauth.flows` - ``followup init``: loopback redirect with PKCE, device code;
* :mod:`agent.oauth.tokens` - the access token in memory, refreshed before it expires.
"""
