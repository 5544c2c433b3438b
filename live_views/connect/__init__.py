"""What a rendered page and its socket agree on: the protocol's names and numbers (wire), the
signed connect token and the CSP nonce's digest. Imported by the template tags and by the socket;
imports neither."""
