import random
import statistics

random.seed(7)

# 1,000 simulated request durations in milliseconds: most are quick,
# but 3% hit a slow path (a cold cache, a lock, a garbage-collection pause).
durations = [random.gauss(80, 15) for _ in range(970)]
durations += [random.uniform(900, 2500) for _ in range(30)]

cuts = statistics.quantiles(durations, n=100)  # 99 cut points: p1 .. p99
print(f"mean  {statistics.fmean(durations):7.1f} ms")
print(f"p50   {cuts[49]:7.1f} ms")
print(f"p95   {cuts[94]:7.1f} ms")
print(f"p99   {cuts[98]:7.1f} ms")
print(f"max   {max(durations):7.1f} ms")
