"""Ctrl-C in a terminal reaches every process of ``--dask local``: the local
cluster's workers ignore it (they would each print a traceback), and the
command, interrupted, closes the cluster. The command's own process keeps
its handler (Python's, or SIG_IGN when started in the background by a
shell without job control)."""

import signal

import skmultimodal.distributed as distributed


def _sigint_handler():
    return str(signal.getsignal(signal.SIGINT))


def test_local_cluster_workers_ignore_sigint(tmp_path, monkeypatch):
    seen = {}

    def predict_partitions(model_path, input_path, output, *, client, **kwargs):
        seen.update(client.run(_sigint_handler))
        return {}

    monkeypatch.setattr(distributed, "predict_partitions", predict_partitions)
    before = signal.getsignal(signal.SIGINT)
    distributed.run_on_dask(
        tmp_path / "model.skops", tmp_path / "in.csv", tmp_path / "out", n_workers=2
    )
    assert len(seen) == 2
    assert set(seen.values()) == {str(signal.SIG_IGN)}
    assert signal.getsignal(signal.SIGINT) is before
