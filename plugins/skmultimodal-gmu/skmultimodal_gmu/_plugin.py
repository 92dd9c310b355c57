"""Entry point of the ``skmultimodal`` group: registers ``"gmu"``."""

from skmultimodal.plugins import hookimpl


@hookimpl
def skmultimodal_register_fusion_methods(register):
    from ._gmu import GatedMultimodalUnit

    register("gmu", GatedMultimodalUnit)
