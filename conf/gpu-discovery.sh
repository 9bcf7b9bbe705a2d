#!/bin/sh
# Spark resource discovery script for NVIDIA GPUs: prints the GPU addresses Spark may hand to tasks, as
#   {"name": "gpu", "addresses": ["0", "1"]}
# Addresses are the CUDA device ordinals the executor process will see, which ND4J's affinity manager
# takes: nvidia-smi's indices, or 0..n-1 when CUDA_VISIBLE_DEVICES restricts the process to n devices.
set -eu
if ! command -v nvidia-smi >/dev/null 2>&1; then
  echo "gpu-discovery.sh: nvidia-smi not found" >&2
  exit 1
fi
indices=$(nvidia-smi --query-gpu=index --format=csv,noheader | tr -d ' ')
if [ -n "${CUDA_VISIBLE_DEVICES:-}" ]; then
  n=$(echo "$CUDA_VISIBLE_DEVICES" | tr ',' '\n' | sed '/^$/d' | wc -l)
  indices=$(seq 0 $((n - 1)))
fi
addresses=$(echo "$indices" | sed '/^$/d; s/.*/"&"/' | paste -sd, -)
echo "{\"name\": \"gpu\", \"addresses\": [$addresses]}"
