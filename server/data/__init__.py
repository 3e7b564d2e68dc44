"""Data files shipped with the server (administrative-unit catalogue); see README.md here."""
