#!/usr/bin/env bash
# Writes the runtime's inputs of scripts/reference/neuron_ig.py into OUT (default .devref/kn): the world facts'
# token ids, and for dense and moe_deep an edited checkpoint (NeuronEditor.writeEdited, as privacy-neurons writes it)
# with the run-time intervention's logits. usage: scripts/reference/neuron_ig_inputs.sh [OUT]
set -euo pipefail
out="$(realpath -m "${1:-.devref/kn}")"
source "$(dirname "$0")/../bench/lib.sh"
bench_java core NeuronIgInputs "$out"
