#!/usr/bin/env bash
# System packages, installed non-interactively and only when missing.
#   install-system-deps.sh --app   what the app itself needs (fonts, Pango for PDFs): `make run`, prod-setup.sh
#   install-system-deps.sh         that and what the tests need (Debian's Chromium for Playwright, node and npm
#                                  for the test OpenID provider, poppler's pdffonts and pdfsig, nginx for the
#                                  several-machines test): `make test`
set -euo pipefail
need=()
if [ "${1:-}" != "--app" ]; then
  command -v chromium >/dev/null 2>&1 || need+=(chromium)
  # The single sign-on tests run a real OpenID provider on node (tests/oidc_provider: `npm ci` at first use).
  command -v node >/dev/null 2>&1 || need+=(nodejs)
  command -v npm >/dev/null 2>&1 || need+=(npm)
  # The document tests check with pdffonts that every PDF font is embedded and is Liberation Serif; the
  # signature tests check our signed PDFs with pdfsig, a second, independent reader (both: poppler-utils).
  command -v pdffonts >/dev/null 2>&1 && command -v pdfsig >/dev/null 2>&1 || need+=(poppler-utils)
  # The several-machines test (tests/multinode) puts nginx in front of two app servers as a load balancer.
  command -v nginx >/dev/null 2>&1 || [ -x /usr/sbin/nginx ] || need+=(nginx)
fi
[ -e /usr/share/fonts/truetype/dejavu/DejaVuSans.ttf ] || need+=(fonts-dejavu-core)
# Liberation Serif has Times New Roman's metrics: reports print as the Word originals do. Version 2
# (fonts-liberation2) has every Vietnamese glyph; version 1 (fonts-liberation) lacks ế, ộ, ữ...
[ -e /usr/share/fonts/truetype/liberation2/LiberationSerif-Regular.ttf ] || need+=(fonts-liberation2)
# WeasyPrint renders PDFs through Pango (Chromium usually brings it; a bare machine may not have it).
ldconfig -p | grep -q libpangoft2-1.0 || need+=(libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0)
if [ ${#need[@]} -gt 0 ]; then
  echo "Installing system packages: ${need[*]}"
  SUDO=""
  [ "$(id -u)" -eq 0 ] || SUDO="sudo"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${need[@]}"
fi
