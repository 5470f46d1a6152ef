"""Hardening: every fault and hostile input tried, with the observed outcome recorded."""
