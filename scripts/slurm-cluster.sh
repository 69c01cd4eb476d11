#!/usr/bin/env bash
# A single-node SLURM cluster (slurmctld + slurmd + munged, no systemd) for simspec's scale-out
# tests and for trying `simspec submit --slurm` on one machine. Debian packages slurm-wlm and munge.
#
#   scripts/slurm-cluster.sh install   apt-get the packages (root; CI runs this from .ci/run)
#   scripts/slurm-cluster.sh up        start the daemons; prints the SLURM_CONF clients must export
#   scripts/slurm-cluster.sh down      stop them
#   scripts/slurm-cluster.sh env       print `export SLURM_CONF=...`
#
# State lives under $SIMSPEC_SLURM_DIR (default /tmp/simspec-slurm). Facts that matter here:
# clients find the cluster only through SLURM_CONF (no DNS SRV records on this network); munged is
# started with setpriv (runuser needs a PAM session); slurmctld -i ignores stale state on the first
# start; MailProg=/bin/true because no mailer is installed; without an accounting database there is
# no sacct, so callers watch squeue and simspec's own shard markers; batch_sched_delay=0 and
# sched_min_interval=0 make an array start in seconds rather than tens of seconds.
set -euo pipefail
STATE=${SIMSPEC_SLURM_DIR:-/tmp/simspec-slurm}
export SLURM_CONF=$STATE/slurm.conf

install_packages() {
  if command -v slurmctld >/dev/null && command -v munged >/dev/null; then return 0; fi
  if [ "$(id -u)" != 0 ]; then echo "slurm-cluster: installing slurm-wlm needs root" >&2; exit 1; fi
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -qq -y --no-install-recommends slurm-wlm munge >/dev/null
}

write_conf() {
  mkdir -p "$STATE"/{ctld,spool,log,run}
  chmod 755 "$STATE"
  local memory_mb
  memory_mb=$(awk '/MemTotal/ { printf "%d", $2 / 1024 * 0.8 }' /proc/meminfo)
  cat >"$SLURM_CONF" <<CONF
ClusterName=simspec
SlurmctldHost=localhost
SlurmUser=root
SlurmdUser=root
AuthType=auth/munge
StateSaveLocation=$STATE/ctld
SlurmdSpoolDir=$STATE/spool
SlurmctldPidFile=$STATE/run/slurmctld.pid
SlurmdPidFile=$STATE/run/slurmd.pid
SlurmctldLogFile=$STATE/log/slurmctld.log
SlurmdLogFile=$STATE/log/slurmd.log
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
JobAcctGatherType=jobacct_gather/none
AccountingStorageType=accounting_storage/none
SchedulerType=sched/backfill
SchedulerParameters=batch_sched_delay=0,sched_min_interval=0
SelectType=select/cons_tres
SelectTypeParameters=CR_Core_Memory
DefMemPerCPU=1024
MpiDefault=none
MailProg=/bin/true
ReturnToService=2
MaxArraySize=10001
KillWait=2
NodeName=localhost NodeHostname=localhost CPUs=$(nproc) RealMemory=$memory_mb State=UNKNOWN
PartitionName=debug Nodes=ALL Default=YES MaxTime=INFINITE State=UP
CONF
  chmod 644 "$SLURM_CONF"
}

start_daemon() { # name, command...
  local name=$1; shift
  "$@" >"$STATE/log/$name.out" 2>&1 &
  echo $! >"$STATE/run/$name.ours"
}

munge_works() { munge -n </dev/null 2>/dev/null | unmunge >/dev/null 2>&1; }

node_ready() { timeout 5 sinfo -h -o %T 2>/dev/null | grep -Eq '^(idle|mixed|allocated)'; }

up() {
  install_packages
  if [ -f "$STATE/run/slurmctld.ours" ] && kill -0 "$(cat "$STATE/run/slurmctld.ours")" 2>/dev/null; then
    # Daemons of an earlier `up` are running; reuse them only if they still work (munged may have
    # died since, leaving its socket behind, and then every RPC times out).
    if munge_works && node_ready; then echo "export SLURM_CONF=$SLURM_CONF"; return 0; fi
    echo "slurm-cluster: the running cluster does not answer; restarting it" >&2
    down
  fi
  write_conf
  if [ ! -s /etc/munge/munge.key ]; then mungekey --create --force >/dev/null; chown munge:munge /etc/munge/munge.key; fi
  install -d -o munge -g munge -m 755 /run/munge
  if ! munge_works; then
    # A socket file without a live munged (a killed daemon, a container restart) is stale.
    [ -f "$STATE/run/munged.ours" ] && kill -TERM "$(cat "$STATE/run/munged.ours")" 2>/dev/null || true
    rm -f /run/munge/munge.socket.2 /run/munge/munge.socket.2.lock /run/munge/munged.pid
    start_daemon munged setpriv --reuid=munge --regid=munge --init-groups /usr/sbin/munged -F
    for _ in $(seq 100); do munge_works && break; sleep 0.1; done
    munge_works || { echo "slurm-cluster: munged did not start; log in $STATE/log/munged.out" >&2; exit 1; }
  fi
  start_daemon slurmctld slurmctld -D -i
  start_daemon slurmd slurmd -D -N localhost
  for _ in $(seq 150); do
    if node_ready; then echo "export SLURM_CONF=$SLURM_CONF"; return 0; fi
    sleep 0.2
  done
  echo "slurm-cluster: the node did not become idle; logs in $STATE/log" >&2
  exit 1
}

down() {
  timeout 10 scontrol shutdown >/dev/null 2>&1 || true
  for name in slurmd slurmctld munged; do
    local file=$STATE/run/$name.ours
    [ -f "$file" ] || continue
    local pid; pid=$(cat "$file")
    kill -TERM "$pid" 2>/dev/null || true
    for _ in $(seq 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
    kill -KILL "$pid" 2>/dev/null || true
    rm -f "$file"
  done
}

case ${1:-} in
  install) install_packages ;;
  up) up ;;
  down) down ;;
  env) echo "export SLURM_CONF=$SLURM_CONF" ;;
  *) echo "usage: $0 install|up|down|env" >&2; exit 2 ;;
esac
