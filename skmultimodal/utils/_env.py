"""Reading boolean switches from environment variables, by one rule."""

from __future__ import annotations

import os

#: Values (case-insensitive, surrounding blanks ignored) read as on / off.
TRUE_VALUES = ("1", "true", "yes", "on")
FALSE_VALUES = ("", "0", "false", "no", "off")


def env_flag(name: str, default: bool = False) -> bool:
    """The boolean value of the environment variable ``name``.

    ``1``, ``true``, ``yes`` and ``on`` are True; ``0``, ``false``, ``no``,
    ``off`` and the empty string are False (case-insensitive, surrounding
    blanks ignored); an unset variable gives ``default``.

    Parameters
    ----------
    name : str
        The environment variable's name.
    default : bool, default=False
        The value of an unset variable.

    Returns
    -------
    bool
        The variable's value.

    Raises
    ------
    ValueError
        For any other value, naming the variable and the accepted values
        (``SKMULTIMODAL_DEBUG=0`` must not mean "on" just because it is set).

    Examples
    --------
    >>> import os
    >>> from skmultimodal.utils import env_flag
    >>> os.environ["SKMULTIMODAL_EXAMPLE_FLAG"] = "Off"
    >>> env_flag("SKMULTIMODAL_EXAMPLE_FLAG")
    False
    >>> del os.environ["SKMULTIMODAL_EXAMPLE_FLAG"]
    >>> env_flag("SKMULTIMODAL_EXAMPLE_FLAG", default=True)
    True
    """
    raw = os.environ.get(name)
    if raw is None:
        return bool(default)
    value = raw.strip().lower()
    if value in TRUE_VALUES:
        return True
    if value in FALSE_VALUES:
        return False
    raise ValueError(
        f"environment variable {name}={raw!r} is not a boolean: use one of "
        f"{', '.join(TRUE_VALUES)} (on) or {', '.join(v for v in FALSE_VALUES if v)} "
        "or an empty value (off)"
    )
