"""Readers: each turns one source format into a :class:`~coordnet.dataset.Dataset`."""
