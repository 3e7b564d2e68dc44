"""Forms: publishing, managing published forms (state, areas, media), which forms a device or
app sees, and the media files it gets with them (``app_forms``: the mobile web app's list,
without the case list)."""
