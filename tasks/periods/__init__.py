"""Reporting periods of a plan: their pages (everyone in the plan's tree reads, administrators set them)."""
