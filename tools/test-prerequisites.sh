#!/usr/bin/env bash
# What the tests need beside Node.js: a nats-server, Debian's Chromium and the CJK fonts the wall
# is drawn with. Installs what is missing with apt-get when it can (as root, or with passwordless
# sudo); otherwise says exactly what to install and fails, before any test runs.
set -euo pipefail

need=()
command -v nats-server >/dev/null 2>&1 || [ -x /usr/sbin/nats-server ] || [ -n "${CITYOPS_NATS_SERVER:-}" ] || need+=(nats-server)
if [ -n "${CITYOPS_CHROMIUM:-}" ]; then
  [ -x "$CITYOPS_CHROMIUM" ] || { echo "CITYOPS_CHROMIUM=$CITYOPS_CHROMIUM is not an executable" >&2; exit 1; }
else
  [ -x /usr/bin/chromium ] || need+=(chromium)
fi
if command -v fc-list >/dev/null 2>&1; then
  fc-list :lang=zh | grep -q . || need+=(fonts-noto-cjk)
else
  dpkg -s fonts-noto-cjk >/dev/null 2>&1 || need+=(fonts-noto-cjk)
fi
[ ${#need[@]} -eq 0 ] && exit 0

if ! command -v apt-get >/dev/null 2>&1; then
  echo "the tests need: ${need[*]} (no apt-get here: install them with the system's package manager)" >&2
  exit 1
fi
if [ "$(id -u)" = 0 ]; then
  sudo=()
elif command -v sudo >/dev/null 2>&1 && sudo -n true 2>/dev/null; then
  sudo=(sudo -n)
else
  echo "the tests need: ${need[*]}; install them with: sudo apt-get install ${need[*]}" >&2
  exit 1
fi
echo "installing what the tests need: ${need[*]}"
export DEBIAN_FRONTEND=noninteractive
"${sudo[@]}" apt-get update -qq
"${sudo[@]}" apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null
