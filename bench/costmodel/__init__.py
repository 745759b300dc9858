"""The AWS cost and wall-time model of a sync at 1M, 100M and 1B objects (bench/cost.py prints it).

assumptions: prices, the module's defaults (from variables.tf), assumed latencies, Setup and Cpu.
measured: the handlers' CPU per listed key, per copied object and per planner page, from runs.
statemachine: state transitions per run, round and invocation, counted from the ASL.
planner: PlanRanges' LIST pages and seconds, as keyspace.split_range takes them.
window: one SyncRange window's pages and seconds; copy threads sharing one vCPU.
scale: a whole run, round by round: invocations, transitions, requests, GB-s, wall, bill.
tables, text, verdicts, sample2017: what goes into docs/BENCHMARKS.md.
continuous: continuous sync a month (the consumer's requests, batches, SQS, EventBridge, Lambda).
alternatives: S3 Replication and an hourly DataSync task for the same changes.
continuous_text: what goes into docs/CONTINUOUS.md's "Cost" (bench/cost.py --continuous).
"""
