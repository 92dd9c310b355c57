"""Entry point of the ``skmultimodal`` group: registers ``"lbp"``."""

from skmultimodal.plugins import hookimpl


@hookimpl
def skmultimodal_register_image_features(register):
    from ._lbp import LBPFeatures

    register("lbp", LBPFeatures)
