"""Run two writer threads against one reader thread (atomic-write tests)."""

import threading


def race(writer, reader, done):
    """Start ``reader()``, run ``writer("a")`` and ``writer("b")`` in two
    threads until both return, then set ``done`` and wait for the reader."""
    threads = [threading.Thread(target=writer, args=(w,)) for w in "ab"]
    watcher = threading.Thread(target=reader)
    watcher.start()
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    done.set()
    watcher.join()
