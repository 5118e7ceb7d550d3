#!/bin/sh
# Part of `npm test` (its pretest): what the tests need on a Debian-like machine. Installs redis-server and chromium
# when they are missing and this runs as root with apt-get; starts a Redis on 127.0.0.1:6379 when none answers;
# otherwise stops with one line saying what to install.
set -eu
missing=""
command -v redis-server >/dev/null 2>&1 || missing="$missing redis-server"
command -v redis-cli >/dev/null 2>&1 || missing="$missing redis-tools"
[ -x /usr/bin/chromium ] || missing="$missing chromium"
if [ -n "$missing" ]; then
  if [ "$(id -u)" = "0" ] && command -v apt-get >/dev/null 2>&1; then
    echo "test set-up: installing$missing" >&2
    apt-get update -qq >/dev/null && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $missing >/dev/null
  else
    echo "test set-up: the tests need$missing (Debian: sudo apt-get install$missing)" >&2
    exit 1
  fi
fi
if ! redis-cli -h 127.0.0.1 -p 6379 ping >/dev/null 2>&1; then
  echo "test set-up: starting redis-server on 127.0.0.1:6379 (nothing kept on disk)" >&2
  redis-server --daemonize yes --bind 127.0.0.1 --port 6379 --save "" --appendonly no >/dev/null
  for _ in $(seq 1 50); do redis-cli -h 127.0.0.1 -p 6379 ping >/dev/null 2>&1 && break; sleep 0.1; done
  redis-cli -h 127.0.0.1 -p 6379 ping >/dev/null 2>&1 || { echo "test set-up: redis-server did not start on 127.0.0.1:6379" >&2; exit 1; }
fi
