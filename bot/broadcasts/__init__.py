"""Scheduled news announcements to followers."""
