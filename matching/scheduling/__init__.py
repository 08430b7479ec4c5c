"""The matching-session scheduler: pure Python (no Django), so the command, the task and the benchmark share it."""
