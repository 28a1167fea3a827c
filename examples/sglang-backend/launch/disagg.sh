#!/usr/bin/env bash
# Disaggregated serving: the frontend on :18000 with the KV-aware router, one prefill worker
# and one decode worker, each on its own GPU.
# GPUs: 2
#
# The router logs "Selected worker: <id>" for every request it routes; the walk's probe for
# this script sends a chat completion and waits for that line.
set -euo pipefail

MODEL="${MODEL:-Qwen/Qwen3-0.6B}"

( setsid python3 "$(dirname "$0")/stub_server.py" --port 18000 --name "frontend (kv router)" \
    --model "$MODEL" --log-selected-worker --ready-after 1 --noise-interval 5 & )

CUDA_VISIBLE_DEVICES=0 python3 "$(dirname "$0")/stub_server.py" --worker \
  --name "prefill worker" --model "$MODEL" &

CUDA_VISIBLE_DEVICES=1 python3 "$(dirname "$0")/stub_server.py" --worker \
  --name "decode worker" --model "$MODEL"
