# Sourced by ./scripts/test and ./maomao: makes sure a Docker engine answers at $DOCKER_HOST.
# As root it starts one (dockerd --iptables=false --bridge=none: containers then use network
# none, which is maomao's default) and appends its pid to the caller's `started` array; otherwise
# it says exactly what to run and returns 2. $1 is the file dockerd logs to.
ensure_docker_engine() {
  local logfile="$1"
  export DOCKER_HOST="${DOCKER_HOST:-unix:///var/run/docker.sock}"
  if docker info >/dev/null 2>&1; then
    return 0
  fi
  if ! command -v dockerd >/dev/null 2>&1; then
    printf '%s\n' "no Docker engine answers at $DOCKER_HOST and none is installed: apt-get install docker.io" >&2
    return 2
  fi
  if [ "$(id -u)" -ne 0 ]; then
    printf '%s\n' "no Docker engine answers at $DOCKER_HOST; start one: sudo systemctl start docker" \
      "(or, without systemd: sudo dockerd --iptables=false --bridge=none &), and make sure your user" \
      "may use it (sudo usermod -aG docker \"\$USER\", then log in again)" >&2
    return 2
  fi
  printf '%s\n' "no Docker engine answered; starting dockerd on ${DOCKER_HOST#unix://} (log: $logfile)" >&2
  mkdir -p "$(dirname "$logfile")"
  dockerd --iptables=false --bridge=none --host "$DOCKER_HOST" >"$logfile" 2>&1 &
  started+=($!)
  for _ in $(seq 1 150); do docker info >/dev/null 2>&1 && return 0; sleep 0.2; done
  printf '%s\n' "dockerd did not start; see $logfile:" >&2
  tail -20 "$logfile" >&2
  return 1
}
