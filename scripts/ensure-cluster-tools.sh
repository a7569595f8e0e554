#!/usr/bin/env bash
# Makes sure the tools of the cluster tests are there: Slurm's daemons and client with munge (a
# single-node cluster is started by tests/cluster/slurm-local.sh) and kubectl (the Indexed Job
# manifest is parsed offline). Prints nothing when present.
set -euo pipefail
missing=()
for tool in slurmctld slurmd sbatch; do
  command -v "$tool" >/dev/null 2>&1 || { missing+=(slurmctld slurmd slurm-client); break; }
done
command -v munged >/dev/null 2>&1 || missing+=(munge)
command -v kubectl >/dev/null 2>&1 || missing+=(kubernetes-client)
if [ ${#missing[@]} -eq 0 ]; then
  exit 0
fi
exec "$(dirname "${BASH_SOURCE[0]}")/apt-install.sh" "the cluster tests need Slurm, munge and kubectl" "${missing[@]}"
