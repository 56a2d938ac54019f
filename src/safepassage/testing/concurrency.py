"""Threads released at the same moment, for tests of races."""

from __future__ import annotations


def run_together(count: int, work) -> list:
    """Run ``work(n)`` in ``count`` threads released at the same moment (each with its own
    database connection); returns the results in order, re-raising the first error a thread met."""
    import threading

    from django.db import connection

    start = threading.Barrier(count)
    results: list = [None] * count
    errors: list[BaseException] = []

    def run(n: int) -> None:
        try:
            start.wait()
            results[n] = work(n)
        except BaseException as error:  # reported in the test's own thread
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(n,)) for n in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    if errors:
        raise errors[0]
    return results
