#!/usr/bin/env bash
# Debian's Chromium for the browser tests and Noto CJK so Chinese renders in screenshots and PDFs.
# Playwright's own browser download cannot work on our intranets; we drive /usr/bin/chromium.
set -euo pipefail
missing=()
[ -x /usr/bin/chromium ] || missing+=(chromium)
fc-list 2>/dev/null | grep -qi "Noto Sans CJK" || missing+=(fonts-noto-cjk)
[ ${#missing[@]} -eq 0 ] && exit 0
if [ "$(id -u)" = 0 ]; then sudo=""; elif command -v sudo >/dev/null; then sudo="sudo"; else
  echo "system-deps: please install ${missing[*]} (apt-get install ${missing[*]}); browser tests need them" >&2
  exit 0
fi
echo "system-deps: installing ${missing[*]} with apt-get"
$sudo apt-get update -qq
DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" fontconfig >/dev/null
