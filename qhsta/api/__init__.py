"""REST API v1: tokens, errors, throttles, conditional reads, CSV and the documentation page.

The resources themselves live with their apps (`<app>/api/`), registered in qhsta/api_urls.py.
"""
