#!/usr/bin/env python3
"""The median and tail of fsync'd SQLite commits on this disk, by the b-trees a commit writes:
one 400-byte row in one table against one row in each of 11 `WITHOUT ROWID` b-trees (about what
a ReportIssue writes), WAL, `synchronous = FULL`, SQLite's automatic checkpoint, commits of the
two kinds interleaved in blocks. No service involved: what the disk and SQLite alone do
(Benchmarks/service-profile.md, eleventh pass). `--page-size` sets the file's page size
(SQLite's default is 4096; the eighteenth pass compared 1024 and 512).

    python3 sqlite_commit_tail.py [--blocks 10] [--per-block 60] [--trees 11] [--page-size 4096]
        [--directory DIR]
"""
import argparse
import os
import sqlite3
import tempfile
import time


def open_database(path, trees, page_size):
    database = sqlite3.connect(path, isolation_level=None)
    database.execute(f"PRAGMA page_size = {int(page_size)}")
    database.execute("PRAGMA journal_mode = WAL")
    database.execute("PRAGMA synchronous = FULL")
    for tree in range(trees):
        database.execute(f"CREATE TABLE t{tree} (id TEXT PRIMARY KEY, v BLOB) WITHOUT ROWID")
    database.execute("CREATE TABLE bare (id INTEGER PRIMARY KEY, v BLOB)")
    return database


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--blocks", type=int, default=10)
    parser.add_argument("--per-block", type=int, default=60)
    parser.add_argument("--trees", type=int, default=11)
    parser.add_argument("--page-size", type=int, default=4096)
    parser.add_argument("--directory", default="")
    args = parser.parse_args()
    directory = args.directory or tempfile.mkdtemp(prefix="commit-tail-")
    database = open_database(os.path.join(directory, "tail.sqlite"), args.trees, args.page_size)
    sequence = 0
    latencies = {1: [], args.trees: []}
    for _ in range(args.blocks):
        for trees in latencies:
            for _ in range(args.per_block):
                sequence += 1
                start = time.perf_counter()
                database.execute("BEGIN")
                if trees == 1:
                    database.execute("INSERT INTO bare (v) VALUES (?)", (os.urandom(400),))
                else:
                    for tree in range(trees):
                        database.execute(f"INSERT INTO t{tree} VALUES (?, ?)", (f"{sequence:012d}", os.urandom(150)))
                database.execute("COMMIT")
                latencies[trees].append((time.perf_counter() - start) * 1e6)
    for trees, values in latencies.items():
        values.sort()
        print(f"{trees:2d} b-tree(s) per commit: median {values[len(values) // 2]:.0f} us, "
              f"p99 {values[int(len(values) * 0.99)]:.0f} us, worst {values[-1]:.0f} us ({len(values)} commits)")


if __name__ == "__main__":
    main()
