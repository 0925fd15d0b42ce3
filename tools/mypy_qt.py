"""A mypy plugin for one gap in PySide6's type stubs: inherited Qt properties as keywords.

At run time every QObject constructor takes its class's Qt properties as keyword arguments,
the inherited ones included: `QLabel("text", objectName="name")` sets the object name. The
stubs list each class's own properties only, so every `objectName=` reads as an error. This
plugin adds `objectName: str` to the constructors of QObject subclasses (and to their
`__init__`, for `super().__init__(..., objectName=...)`); everything else is checked as the
stubs say.
"""

from __future__ import annotations

from collections.abc import Callable

from mypy.nodes import ARG_NAMED_OPT, ARG_STAR2
from mypy.plugin import CheckerPluginInterface, FunctionSigContext, MethodSigContext, Plugin
from mypy.types import CallableType, FunctionLike, Instance, Overloaded, Type, get_proper_type

_QOBJECT = "PySide6.QtCore.QObject"
_KEYWORD = "objectName"


def _with_object_name(
    signature: FunctionLike, owner: Type, api: CheckerPluginInterface
) -> FunctionLike:
    cls = get_proper_type(owner)
    if not isinstance(cls, Instance) or not cls.type.has_base(_QOBJECT):
        return signature
    str_type = api.named_generic_type("builtins.str", [])
    if isinstance(signature, Overloaded):
        return Overloaded([_add_keyword(item, str_type) for item in signature.items])
    if isinstance(signature, CallableType):
        return _add_keyword(signature, str_type)
    return signature


def _add_keyword(item: CallableType, str_type: Instance) -> CallableType:
    if _KEYWORD in item.arg_names or ARG_STAR2 in item.arg_kinds:
        return item
    return item.copy_modified(
        arg_types=[*item.arg_types, str_type],
        arg_kinds=[*item.arg_kinds, ARG_NAMED_OPT],
        arg_names=[*item.arg_names, _KEYWORD],
    )


def _constructor(ctx: FunctionSigContext) -> FunctionLike:
    return _with_object_name(ctx.default_signature, ctx.default_signature.ret_type, ctx.api)


def _init(ctx: MethodSigContext) -> FunctionLike:
    return _with_object_name(ctx.default_signature, ctx.type, ctx.api)


class QtPropertiesPlugin(Plugin):
    def get_function_signature_hook(
        self, fullname: str
    ) -> Callable[[FunctionSigContext], FunctionLike] | None:
        return _constructor  # a class's fullname: the check for QObject is in the hook

    def get_method_signature_hook(
        self, fullname: str
    ) -> Callable[[MethodSigContext], FunctionLike] | None:
        return _init if fullname.endswith(".__init__") else None


def plugin(version: str) -> type[Plugin]:
    return QtPropertiesPlugin
