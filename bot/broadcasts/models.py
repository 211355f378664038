"""Tables of the broadcasts feature."""
