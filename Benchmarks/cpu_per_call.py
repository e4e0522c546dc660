"""CPU per call of one held service, by thread: drives a fixed number of calls through h2load (one
connection, 64 streams, pinned to core 1) and prints the CPU time (user + system, from
/proc/PID/task/*/stat) each of the process's threads spent per call, summed by thread name, with
the total. Hold a suite first (`service_bench.py --bin DIR --echo PATH --hold` prints the ports,
pids, a customer's token and the directory of the request bodies), then for example:

  python3 cpu_per_call.py --pid 1234 --url http://127.0.0.1:PORT/support.orders.v1.Orders/GetOrder \
      --body BODIES/GetOrder.bin --token TOKEN --calls 100000

(--token - sends no authorization header.) The clock ticks are 10 ms, so use enough calls for a
second or more of work. h2load's own summary line is printed first: every call must have
succeeded (it reads HTTP status only; the service's /metrics say whether they answered OK).
"""

import argparse
import collections
import os
import subprocess

LOAD_CORE = 1


def cpu_by_thread(pid):
    """Seconds of CPU (user + system) each thread name of `pid` has used so far."""
    tick = os.sysconf("SC_CLK_TCK")
    used = collections.Counter()
    for task in os.listdir(f"/proc/{pid}/task"):
        try:
            with open(f"/proc/{pid}/task/{task}/stat") as stat:
                text = stat.read()
        except FileNotFoundError:
            continue  # the thread ended between the listing and the read
        name = text[text.index("(") + 1 : text.rindex(")")]
        fields = text.rsplit(")", 1)[1].split()
        used[name] += (int(fields[11]) + int(fields[12])) / tick
    return used


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--pid", type=int, required=True, help="the service's process id")
    parser.add_argument("--url", required=True, help="http://HOST:PORT/package.Service/Method")
    parser.add_argument("--body", required=True, help="a file holding one gRPC-framed request")
    parser.add_argument("--token", required=True, help="a bearer token, or - for none")
    parser.add_argument("--calls", type=int, default=100_000)
    args = parser.parse_args()
    headers = ["-H", "content-type: application/grpc", "-H", "te: trailers"]
    if args.token != "-":
        headers += ["-H", f"authorization: Bearer {args.token}"]
    before = cpu_by_thread(args.pid)
    command = ["h2load", "-n", str(args.calls), "-c", "1", "-m", "64", "-d", args.body, *headers, args.url]
    output = subprocess.run(
        ["taskset", "-c", str(LOAD_CORE), *command], capture_output=True, text=True, check=True
    ).stdout
    after = cpu_by_thread(args.pid)
    print(next((line for line in output.splitlines() if line.startswith("requests:")), "h2load printed no summary"))
    total = 0.0
    for name in sorted(after):
        spent = after[name] - before.get(name, 0)
        total += spent
        if spent:
            print(f"{name:24s} {spent / args.calls * 1e6:7.1f} us per call")
    print(f"{'all threads':24s} {total / args.calls * 1e6:7.1f} us per call")


if __name__ == "__main__":
    main()
