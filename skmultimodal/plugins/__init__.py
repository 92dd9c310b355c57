"""Plugin system: pluggy hook specifications, the plugin manager and the
registries of fusion methods and feature extractors.

Plugin authors import :data:`hookimpl` and implement one or more of the
``skmultimodal_register_*`` hooks; see ``docs/plugins.md``.
"""

from ._hookspecs import (
    ENTRY_POINT_GROUP,
    PROJECT_NAME,
    RegisterCallback,
    hookimpl,
    hookspec,
    skmultimodal_register_fusion_methods,
    skmultimodal_register_image_features,
    skmultimodal_register_text_features,
)
from ._interfaces import (
    PluginInterfaceError,
    validate_feature_extractor,
    validate_fusion_method,
)
from ._manager import (
    DISABLE_AUTOLOAD_ENV,
    DISABLE_PLUGINS_ENV,
    KINDS,
    DuplicateNameError,
    PluginFailure,
    PluginWarning,
    Registry,
    RegistryEntry,
    autoload_disabled,
    disable_plugins,
    format_plugins_table,
    get_plugin_manager,
    get_registry,
    list_plugins,
    register_plugin,
    unregister_plugin,
)

__all__ = [
    "DISABLE_AUTOLOAD_ENV",
    "DISABLE_PLUGINS_ENV",
    "ENTRY_POINT_GROUP",
    "KINDS",
    "PROJECT_NAME",
    "DuplicateNameError",
    "PluginFailure",
    "PluginInterfaceError",
    "PluginWarning",
    "RegisterCallback",
    "Registry",
    "RegistryEntry",
    "autoload_disabled",
    "disable_plugins",
    "format_plugins_table",
    "get_plugin_manager",
    "get_registry",
    "hookimpl",
    "hookspec",
    "list_plugins",
    "register_plugin",
    "skmultimodal_register_fusion_methods",
    "skmultimodal_register_image_features",
    "skmultimodal_register_text_features",
    "unregister_plugin",
    "validate_feature_extractor",
    "validate_fusion_method",
]
