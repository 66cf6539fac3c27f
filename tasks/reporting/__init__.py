"""Progress reports from writing to review: officers' work, the report pages, evidence, the review queue, reminders."""
