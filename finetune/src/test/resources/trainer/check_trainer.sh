#!/usr/bin/env bash
# An external trainer for the finetune stage's tests. It trains nothing: it checks what curator
# rendered (the trainer config names the weight column; every subset row carries it) and writes
# an adapter_config.json and a summary into the output directory, printing log lines as it goes.
# Usage: check_trainer.sh CONFIG OUTPUT_DIR SUBSET
# TRAINER_MODE: ok (default) | fail (exit 7) | sleep (waits on a grandchild, whose pid goes to
# $SLEEPER_PID_FILE) | nothing (writes nothing)
set -euo pipefail
config="$1"; out="$2"; subset="$3"
echo "reading config $config"
grep -q '"weight_column" : "sample_weight"' "$config" || { echo "config lacks weight_column" >&2; exit 3; }
[ "$(grep -o '"output_dir" : "[^"]*"' "$config")" = "\"output_dir\" : \"$out\"" ] || { echo "output_dir differs" >&2; exit 3; }
rows=$(wc -l < "$subset")
missing=$(grep -vc '"sample_weight":' "$subset" || true)
if [ "$missing" != "0" ]; then echo "$missing rows lack sample_weight" >&2; exit 4; fi
case "${TRAINER_MODE:-ok}" in
  fail) echo "step 1: loss nan"; echo "error: CUDA out of memory" >&2; exit 7 ;;
  sleep) echo "sleeping"; sleep 300 & echo $! > "$SLEEPER_PID_FILE"; wait ;;
  nothing) exit 0 ;;
esac
echo "epoch 1: $rows rows, seed $4"
r=$(grep -o '"r" : [0-9]*' "$config" | grep -o '[0-9]*$')
printf '{"peft_type": "LORA", "r": %s, "base_model_name_or_path": "%s"}\n' "$r" "$5" > "$out/adapter_config.json"
echo "$rows" > "$out/rows.txt"
echo "done"
