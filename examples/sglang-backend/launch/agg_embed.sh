#!/usr/bin/env bash
# Aggregated embedding serving: the frontend on :18000 and one embedding worker.
# 1 GPU
#
# The real deployment serves Qwen/Qwen3-Embedding-0.6B (1024-dimensional vectors) with
# `python -m dynamo.sglang --embedding-worker`; the stub answers /v1/embeddings in its place.
set -euo pipefail

MODEL="${MODEL:-Qwen/Qwen3-Embedding-0.6B}"

( setsid python3 "$(dirname "$0")/stub_server.py" --port 18000 --name frontend \
    --model "$MODEL" --dimension 1024 --ready-after 1 --noise-interval 5 & )

python3 "$(dirname "$0")/stub_server.py" --worker --name "embedding worker" --model "$MODEL"
