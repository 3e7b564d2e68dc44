"""screening_tools package."""
