#!/usr/bin/env bash
# A one-node Slurm cluster on this machine, for the cluster tests: munged, slurmctld and slurmd,
# run as root with a slurm.conf generated in STATE_DIR (SlurmUser=root, one node with this
# machine's CPUs, one partition). Needs root and the packages of scripts/ensure-cluster-tools.sh.
#   tests/cluster/slurm-local.sh start STATE_DIR   # then: SLURM_CONF=STATE_DIR/slurm.conf sbatch ...
#   tests/cluster/slurm-local.sh stop STATE_DIR
set -euo pipefail
action=$1
state=$(realpath -m "$2")
conf="$state/slurm.conf"
export SLURM_CONF="$conf"

stop() {
  for pid_file in "$state/run/slurmd.pid" "$state/run/slurmctld.pid" "$state/run/munged.pid"; do
    if [ -f "$pid_file" ]; then
      pid=$(cat "$pid_file")
      kill "$pid" 2>/dev/null || true
      for _ in $(seq 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
      rm -f "$pid_file"
    fi
  done
}

case "$action" in
  start)
    if [ "$(id -u)" != 0 ]; then
      echo "slurm-local.sh: the test cluster runs its daemons as root; run the tests as root" >&2
      exit 1
    fi
    mkdir -p "$state"/{run,spool,ctld,log,munge}
    host=$(hostname -s)
    # Its own munge socket and key, so a machine's own munged (if any) is left alone.
    key="$state/munge/munge.key"
    [ -f "$key" ] || head -c 1024 /dev/urandom > "$key"
    chmod 600 "$key"
    chmod 700 "$state/munge"
    socket="$state/munge/munge.socket"
    munged --force --key-file="$key" --socket="$socket" --pid-file="$state/run/munged.pid" \
      --log-file="$state/log/munged.log" --seed-file="$state/munge/munged.seed"
    cat > "$conf" <<CONF
ClusterName=seranet-test
SlurmctldHost=$host
SlurmUser=root
SlurmdUser=root
AuthType=auth/munge
AuthInfo=socket=$socket
CryptoType=crypto/munge
StateSaveLocation=$state/ctld
SlurmdSpoolDir=$state/spool
SlurmctldPidFile=$state/run/slurmctld.pid
SlurmdPidFile=$state/run/slurmd.pid
SlurmctldLogFile=$state/log/slurmctld.log
SlurmdLogFile=$state/log/slurmd.log
SlurmctldPort=${SLURMCTLD_PORT:-6817}
SlurmdPort=${SLURMD_PORT:-6818}
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
JobAcctGatherType=jobacct_gather/none
AccountingStorageType=accounting_storage/none
JobCompType=jobcomp/none
MpiDefault=none
SchedulerType=sched/backfill
SelectType=select/cons_tres
SelectTypeParameters=CR_Core
ReturnToService=2
SlurmdTimeout=30
NodeName=$host CPUs=$(nproc) State=UNKNOWN
PartitionName=test Nodes=$host Default=YES MaxTime=INFINITE State=UP OverSubscribe=FORCE:4
CONF
    slurmctld -f "$conf"
    slurmd -f "$conf"
    for _ in $(seq 150); do
      if sinfo -h -o %T 2>/dev/null | grep -qx idle; then
        exit 0
      fi
      sleep 0.2
    done
    echo "slurm-local.sh: the node did not come up; logs:" >&2
    tail -n 20 "$state"/log/*.log >&2 || true
    stop
    exit 1
    ;;
  stop)
    stop
    ;;
  *)
    echo "usage: $0 start|stop STATE_DIR" >&2
    exit 2
    ;;
esac
