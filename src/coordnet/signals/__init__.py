"""Signals: each turns a Dataset into evidence (an edge table or a per-account feature table)."""
