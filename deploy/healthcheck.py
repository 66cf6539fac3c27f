"""Container health check of the web process: GET /healthz on this host, exit 0 when it answers 200.

The request names the first of ALLOWED_HOSTS as its Host (Django refuses any other) and says it
came over HTTPS, as nginx would, so it is neither refused nor redirected. Standard library only.
"""

import http.client
import os
import sys


def main() -> int:
    hosts = [h.strip().lstrip(".*") for h in os.environ.get("ALLOWED_HOSTS", "").split(",")]
    host = next((h for h in hosts if h), "localhost")
    port = int(os.environ.get("HEALTHCHECK_PORT", "8000"))
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
    try:
        conn.request("GET", "/healthz", headers={"Host": host, "X-Forwarded-Proto": "https"})
        status = conn.getresponse().status
    except OSError as exc:
        print(f"healthz: {exc}", file=sys.stderr)
        return 1
    finally:
        conn.close()
    if status != 200:
        print(f"healthz answered {status}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
