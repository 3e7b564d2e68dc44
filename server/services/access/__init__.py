"""Who may see and do what: a caller's scope, the authentication look-ups, users and areas.

``devices`` authenticates a device URL token and holds the scope value every read and write is
checked against; ``api_tokens`` authenticates bearer tokens; ``users`` creates and deactivates
staff users and app users; ``areas`` is the catalogue of provinces and communes.
"""
