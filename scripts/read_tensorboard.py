#!/usr/bin/env python3
"""Reads a `digits train` run folder with TensorBoard's own event reader and prints every scalar
tag with its count and its first and last (step, value).

    python3 scripts/read_tensorboard.py RUN_DIR

It fails (exit status 1) when a record of any event file has a bad length or data checksum or is
cut short, and when a (tag, step) is left twice after TensorBoard's purge of orphaned data: the
view `tensorboard --logdir` gives with its Python loader (--load_fast=false), where a resumed
session's SessionLog START drops the events of earlier files at its step and after. Needs only
the `tensorboard` package (no TensorFlow: it uses TensorBoard's stub record reader, which checks
both CRCs).
"""

import collections
import glob
import os
import sys

from tensorboard.backend.event_processing import event_accumulator
from tensorboard.compat.proto import event_pb2
from tensorboard.compat.tensorflow_stub import errors, pywrap_tensorflow


def check_records(path):
    """Reads every record of one event file strictly; returns the number of records and the
    steps of its SessionLog START events."""
    reader = pywrap_tensorflow.PyRecordReader_New(path.encode())
    count, starts = 0, []
    while True:
        try:
            reader.GetNext()
        except errors.OutOfRangeError:
            return count, starts
        # The stub reader raises DataLossError on a bad checksum or a truncated record.
        event = event_pb2.Event.FromString(reader.record())
        count += 1
        if event.HasField("session_log") and event.session_log.status == event_pb2.SessionLog.START:
            starts.append(event.step)


def main():
    if len(sys.argv) != 2:
        sys.exit("usage: read_tensorboard.py RUN_DIR")
    run_dir = sys.argv[1]
    files = sorted(glob.glob(os.path.join(run_dir, "events.out.tfevents.*")))
    if not files:
        sys.exit(f"{run_dir}: no events.out.tfevents.* file")
    try:
        for path in files:
            count, starts = check_records(path)
            print(f"{os.path.basename(path)}: {count} records, SessionLog START at steps {starts}")
    except errors.DataLossError as error:
        sys.exit(f"data loss: {error.message}")

    # size_guidance 0 keeps every point rather than a reservoir sample.
    accumulator = event_accumulator.EventAccumulator(
        run_dir, size_guidance={event_accumulator.SCALARS: 0}, purge_orphaned_data=True
    )
    accumulator.Reload()
    failed = False
    for tag in sorted(accumulator.Tags()["scalars"]):
        points = accumulator.Scalars(tag)
        first, last = points[0], points[-1]
        print(
            f"{tag:22} {len(points):5}  first ({first.step}, {first.value:.6g})"
            f"  last ({last.step}, {last.value:.6g})"
        )
        twice = [step for step, n in collections.Counter(p.step for p in points).items() if n > 1]
        if twice:
            print(f"  {tag}: steps written twice after the purge: {twice[:10]}", file=sys.stderr)
            failed = True
    sys.exit(1 if failed else 0)


if __name__ == "__main__":
    main()
