"""Tables of the complaints feature."""
