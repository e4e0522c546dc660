"""`make run`: starts all five services on localhost:50051-50055 with SQLite under ./data, loads
the demo data, prints how to call them, and runs until Ctrl-C (then stops them cleanly).

`make run DB=postgres` (`--db postgres`): the same on a throwaway local PostgreSQL, two replicas of
each service whose store runs on it behind the same ports (scripts/postgres_run.py); the keys stay
in data/keys, the rest under data/postgres (new every run, as the cluster is).
`--data-dir`, `--free-ports` (any free ports instead of 50051-50055 and 8080) and `--bin` are for
tests."""

import argparse
import os
import shutil
import signal
import subprocess
import sys
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, os.path.join(ROOT, "Tests", "Python"))
sys.path.insert(0, os.path.join(ROOT, "scripts"))

import suite  # noqa: E402


def main(args=None, runner=suite):
    """Runs the suite until Ctrl-C; `runner` starts and stops it (`suite`, or a
    postgres_run.PostgresSuite)."""
    args = args or parse_arguments([])
    bin_dir = args.bin or subprocess.check_output(["swift", "build", "--show-bin-path"], cwd=ROOT, text=True).strip()
    data_dir = args.data_dir if runner is suite else os.path.join(args.data_dir, "postgres")
    fixed_ports = None if args.free_ports else suite.PORTS
    console_port = suite.free_port() if args.free_ports else CONSOLE_PORT
    import demo_history
    print("the demo history of the last three weeks (loaded once per data directory)...", flush=True)
    try:  # the weeks before today, each with the suite's clock set back (--dev-clock-offset)
        demo_history.backfill(bin_dir, data_dir, log_dir=os.path.join(data_dir, "logs"), pace=0.5,
                              start=runner.start, stop=runner.stop)
        backfilled = None
    except Exception as error:  # noqa: BLE001 - the suite runs without it
        backfilled = f"demo history not loaded ({type(error).__name__}: {error})"
    died = None
    processes, ports, keys = runner.start(bin_dir, data_dir, ports=fixed_ports,
                                                      log_dir=os.path.join(data_dir, "logs"))
    where = getattr(runner, "where", "logs in data/logs, databases in data/<service>")
    try:
        import demo_data
        loaded = demo_data.load(ports, bin_dir, keys.identity_provider)
        try:
            history = backfilled or demo_history.load(ports, bin_dir, keys.identity_provider, pace=0.5)
        except Exception as error:  # noqa: BLE001 - the suite runs without it
            history = f"demo history not loaded ({type(error).__name__}: {error})"
        console = start_console(bin_dir, ports, keys, os.path.join(data_dir, "logs"), port=console_port)
        processes["console"] = console
        supportctl = os.path.join(bin_dir, "supportctl")
        # On ports other than supportctl's defaults (--free-ports), the commands say where.
        at = "" if ports == suite.PORTS else "".join(
            f" --address {name}=127.0.0.1:{port}" for name, port in sorted(ports.items()))
        print(f"""
The support platform is running ({where}):
  orders     127.0.0.1:{ports['orders']}      returns    127.0.0.1:{ports['returns']}
  refunds    127.0.0.1:{ports['refunds']}      inquiries  127.0.0.1:{ports['inquiries']}
  oversight  127.0.0.1:{ports['oversight']}
Demo data: {loaded} orders of 8 customers (ana, ben, chen, dia, emre, fatima, gita, hugo), a catalog, a rate table.
{history} (agents agent-1, agent-2; auditor audit-1).

Try:
  {supportctl} health{at}
  {supportctl} order status DEMO-ANA-1 --as ana:customer{at}
  {supportctl} return eligibility DEMO-ANA-1 --as ana:customer{at}
  {supportctl} refund list --order DEMO-DIA-1 --as agent-1:agent{at}
  {supportctl} ask "If I buy this in EUR and return it after 45 days, what do I get back and when?" --as ana:customer{at}
  {supportctl} convert 4999 EUR JPY --as agent-1:agent{at}
  {supportctl} oversight report --days 30 --as audit-1:auditor{at}
  {supportctl} oversight agents --days 30 --as audit-1:auditor{at}
  {supportctl} oversight sample --seed 42 --size 10 --as audit-1:auditor{at}
  {supportctl} oversight verify --as audit-1:auditor{at}
  {supportctl} token mint --key data/keys/identity-provider.pem --subject ana --role customer
(--as mints a token with data/keys/identity-provider.pem, the local identity provider's key; each
service signs its own calls with its own key in data/keys, and all trust data/keys/jwks.json.
Add --json for machine-readable output.)
The oversight console: http://127.0.0.1:{console_port}/ (development sign-in: pick a staff id and a role)
Press Ctrl-C to stop.""", flush=True)
        died = first_exited(processes)
        print(f"\n{died[0]} exited (code {died[1]}; its log: {os.path.join(data_dir, 'logs', died[0] + '.log')}): "
              "stopping the others", flush=True)
    except KeyboardInterrupt:
        pass
    finally:
        print("\nstopping...", flush=True)
        console = processes.pop("console", None)
        if console is not None:
            console.terminate()
            try:
                console.wait(timeout=20)
            except subprocess.TimeoutExpired:
                console.kill()
        codes = runner.stop(processes)
        print("stopped: " + ", ".join(f"{name} exit {code}" for name, code in codes.items()))
    sys.exit(suite_exit_status(died))


def suite_exit_status(died):
    """`make run`'s exit status once the suite stopped, given the first service that exited on its
    own ((name, exit code), or None after Ctrl-C): 1 when that service failed, else 0. A service
    that stopped cleanly (code 0) is not a failure: a terminal's Ctrl-C reaches the services too,
    and one may stop before this script hears of it."""
    return 1 if died is not None and died[1] != 0 else 0


def first_exited(processes, interval=1.0):
    """Waits until one of `processes` ({name: Popen}) exits; returns (name, exit code)."""
    while True:
        for name, process in processes.items():
            if process.poll() is not None:
                return name, process.returncode
        time.sleep(interval)


CONSOLE_PORT = 8080


def start_console(bin_dir, ports, keys, log_dir, port=CONSOLE_PORT):
    """The oversight console on `port` (8080) with the development sign-in (tokens minted with the local
    identity provider's key), reading from every service."""
    arguments = [os.path.join(bin_dir, "console"), "--port", str(port), "--token-keys", keys.jwks,
                 "--dev-sign-in", "--dev-sign-in-key", keys.identity_provider]
    for name, service_port in ports.items():
        arguments += ["--peer", f"{name}=127.0.0.1:{service_port}"]
    os.makedirs(log_dir, exist_ok=True)
    process = subprocess.Popen(arguments, stdout=subprocess.PIPE, stderr=open(os.path.join(log_dir, "console.log"), "ab"),
                               text=True)
    if suite.support_stubs.wait_for_port(process) is None:
        raise SystemExit(f"the console did not start (is port {port} taken? see {log_dir}/console.log)")
    return process


def interrupted(signum, frame):
    raise KeyboardInterrupt


def parse_arguments(argv):
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--db", choices=["sqlite", "postgres"], default="sqlite")
    parser.add_argument("--data-dir", default=os.path.join(ROOT, "data"))
    parser.add_argument("--free-ports", action="store_true")
    parser.add_argument("--bin")
    return parser.parse_args(argv)


def main_postgres(args):
    """`--db postgres`: a local PostgreSQL and the suite on it, both gone when the suite stops."""
    import postgres_run
    shutil.rmtree(os.path.join(args.data_dir, "postgres"), ignore_errors=True)  # its databases are new too
    print("starting a local PostgreSQL 15 (scripts/postgres.sh)...", flush=True)
    runner = postgres_run.PostgresSuite(os.path.join(args.data_dir, "keys"))
    try:
        main(args, runner)
    finally:
        runner.close()
        print("PostgreSQL stopped and removed.", flush=True)


if __name__ == "__main__":
    signal.signal(signal.SIGTERM, interrupted)
    arguments = parse_arguments(sys.argv[1:])
    if arguments.db == "postgres":
        main_postgres(arguments)
    else:
        main(arguments)
