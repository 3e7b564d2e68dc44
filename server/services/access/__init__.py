"""Who may see and do what: a caller's scope, the authentication look-ups, users and areas.

``scope`` is the one ``Scope`` every read and write is checked against (``visible_persons``);
``devices`` authenticates a device URL token; ``api_tokens`` authenticates API tokens;
``bearer`` resolves an API bearer token of either kind (API token or device link) into the
caller; ``sessions`` checks a password (web pages, and the mobile web app's sign-in);
``users`` creates and deactivates staff users and app users (and the first-run demo accounts);
``areas`` is the catalogue of provinces and communes.
"""
