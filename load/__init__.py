"""The load test (`make load`): see load/run.py."""
