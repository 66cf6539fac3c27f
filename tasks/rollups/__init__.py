"""Stored figures: the SQL rollups (compute), the outbox that queues their recompute, and values fed by the registers."""
