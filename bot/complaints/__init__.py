"""Complaints, anonymous corruption reports and feedback."""
