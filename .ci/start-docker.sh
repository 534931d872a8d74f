#!/usr/bin/env bash
# Make sure a Docker engine answers: install docker.io and start dockerd in the background if needed.
set -euo pipefail
if docker info >/dev/null 2>&1; then echo "docker: engine answers"; exit 0; fi
if ! command -v dockerd >/dev/null 2>&1; then
  echo "docker: installing docker.io"
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq docker.io >/dev/null
fi
if ! docker info >/dev/null 2>&1; then
  echo "docker: starting dockerd"
  mkdir -p /var/log
  nohup dockerd >/var/log/racklab-dockerd.log 2>&1 &
  for _ in $(seq 1 60); do docker info >/dev/null 2>&1 && break; sleep 1; done
fi
docker info >/dev/null 2>&1 || { echo "docker: dockerd did not answer; see /var/log/racklab-dockerd.log" >&2; exit 1; }
echo "docker: engine answers ($(docker version --format '{{.Server.Version}}'))"
