"""Kapacitor's alerting: levels, per-group alert state, events and their handlers."""
