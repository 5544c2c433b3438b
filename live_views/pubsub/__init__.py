"""Topics, publishing on the channel layer, and the model signals that publish."""
