#!/usr/bin/env bash
# Aggregated serving: an OpenAI-compatible frontend on :18000 and one SGLang worker.
# GPUs: 1
#
# The real deployment runs `python -m dynamo.frontend --http-port 18000` and
# `python -m dynamo.sglang --model-path Qwen/Qwen3-0.6B`. This example starts the stub server
# (launch/stub_server.py) in their place, so `compatlint walk` needs no SGLang, model or
# GPU to run it (README.md says what it does need).
set -euo pipefail

MODEL="${MODEL:-Qwen/Qwen3-0.6B}"

# Like the real frontend, this one detaches itself (new session, re-parented to PID 1), so
# killing this script's process group misses it; compatlint walk finds it by its marker.
( setsid python3 "$(dirname "$0")/stub_server.py" --port 18000 --name frontend \
    --model "$MODEL" --ready-after 1 --noise-interval 5 & )

# The worker stays in the foreground until it is stopped.
python3 "$(dirname "$0")/stub_server.py" --worker --name "sglang worker" --model "$MODEL"
