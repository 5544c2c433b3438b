"""The socket side of a live page: the consumer, the page object, the wire protocol and its
limits. Kept empty so that importing a small module here (tokens, wire) loads nothing else."""
