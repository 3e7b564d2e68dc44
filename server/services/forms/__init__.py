"""Forms: publishing, managing published forms (state, areas, media), which forms a device or
app sees, and the media files it gets with them."""
