from django.dispatch import Signal

# Sent after a report is approved (the rollup jobs listen to it).
report_approved = Signal()
