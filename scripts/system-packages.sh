#!/usr/bin/env bash
# Install the Debian packages the project needs, or name the missing ones when not run as root.
# Usage: scripts/system-packages.sh run|test
set -euo pipefail

run_packages=(libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0 fonts-dejavu-core gettext)
test_packages=(chromium poppler-utils)

wanted=("${run_packages[@]}")
if [ "${1:-run}" = "test" ]; then
  wanted+=("${test_packages[@]}")
fi

missing=()
for package in "${wanted[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "install ok installed"; then
    missing+=("$package")
  fi
done

if [ ${#missing[@]} -eq 0 ]; then
  exit 0
fi

if [ "$(id -u)" -eq 0 ]; then
  echo "Installing Debian packages: ${missing[*]}"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends "${missing[@]}"
else
  echo "Missing Debian packages. Install them, then run make again:" >&2
  echo "  sudo apt-get install ${missing[*]}" >&2
  exit 1
fi
