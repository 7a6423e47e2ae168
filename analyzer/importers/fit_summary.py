"""The summary messages of a FIT file (fit_layout.OTHER_MESGS: file_id, session, lap,
activity, ..., the wellness messages and the developer-field descriptions) read
without fitparse, exactly as ``fit_messages.read_messages`` reads them from the small
file of those messages (``fit_layout.Layout.others``).

``read`` walks the messages the layout noted (``Layout.summary``, in file order): a
definition gets its plan (``fit_plan.py``: compiled once per distinct definition and
kept; a definition with developer fields is compiled for its file, with the
descriptions fitparse would hold at that point), a data message is unpacked with one
struct and given fitparse's values. developer_data_id and field_description messages
build the developer-field descriptions as ``fitparse.records.add_dev_data_id`` and
``add_dev_field_description`` do (fitparse's DevField and base types), so the record
decoder (fastfit._record_layout) reads them as it reads fitparse's DEV_TYPES.

Where fitparse would raise on these messages, ``read`` raises fit_layout.Fallback (a
developer field not described when it is defined, a description of an unknown
developer or base type) and the whole file goes to fitparse, as before. Where it
cannot be sure of giving fitparse's values exactly (the cases listed in
``fit_plan.py``, a date_time array, a time of day past midnight, a component of an
array with a missing element), it raises ``Unsupported`` and the caller reads the
summary messages with fitparse (``read_messages(layout.others)``), still decoding the
records with numpy.
"""

from __future__ import annotations

from fitparse.records import BASE_TYPE_BYTE, DevField, parse_string
from fitparse.records import BASE_TYPES as FITPARSE_BASE_TYPES

from .fit_layout import Fallback, Layout
from .fit_messages import by_number
from .fit_plan import ARRAY, DEV_ID, KEPT, SCALAR, STRING, WELLNESS, Plan, Unsupported, compile_plan
from .fit_profile import WELLNESS_MESGS

__all__ = ["Unsupported", "read"]

#: Plans kept by definition bytes; cleared when this many (heavylegs convention: a
#: device writes a few dozen distinct summary definitions; a squad's devices a few
#: hundred).
PLAN_CACHE_MAX = 4096
_PLANS: dict[bytes, Plan] = {}


def read(data: bytes, layout: Layout) -> tuple[dict[str, list[dict]], dict]:
    """(others, dev_types): the summary messages as ``read_messages`` gives them
    ({message name: [{field name: value}]}) and the developer-field descriptions as
    fitparse's DEV_TYPES holds them at the end of the file. Raises Fallback where
    fitparse would fail, Unsupported where fitparse must read the summary messages."""
    others: dict[str, list[dict]] = {}
    dev_types: dict = {}
    plans: dict[int, Plan] = {}
    for d, body in layout.summary:
        if body < 0:
            plans[id(d)] = _plan(d, dev_types)
            continue
        plan = plans[id(d)]
        if plan.unsupported:
            raise Unsupported(plan.unsupported)
        raws = _raws(plan, data, body)
        if plan.role == KEPT:
            others.setdefault(plan.name, []).append(_values(plan, raws))
        elif plan.role == WELLNESS:
            others.setdefault(plan.name, []).append(_wellness(plan, raws))
        elif plan.role == DEV_ID:
            _add_dev_data_id(dev_types, plan, raws)
        else:
            _add_dev_field_description(dev_types, plan, raws)
    return others, dev_types


def _plan(d, dev_types: dict) -> Plan:
    """The plan of a definition message, as fitparse reads it at this point of the file."""
    if d.dev_fields or not d.key:
        return compile_plan(d, _described(d, dev_types))
    plan = _PLANS.get(d.key)
    if plan is None:
        if len(_PLANS) >= PLAN_CACHE_MAX:
            _PLANS.clear()
        plan = _PLANS[d.key] = compile_plan(d, [])
    return plan


def _described(d, dev_types: dict) -> list:
    """The descriptions of a definition's developer fields, as fitparse's get_dev_type
    finds them (it raises when one is missing: so does this)."""
    out = []
    for num, _size, index, _off in d.dev_fields:
        if index not in dev_types:
            raise Fallback(f"developer data index {index} is not described when it is used (fitparse refuses it)")
        fields = dev_types[index]["fields"]
        if num not in fields:
            raise Fallback(f"developer field {index}/{num} is not described when it is used (fitparse refuses it)")
        out.append(fields[num])
    return out


def _raws(plan: Plan, data: bytes, body: int) -> list:
    """Each field's raw value as fitparse's base types parse it (None when invalid)."""
    flat = plan.unpack(data, body)
    slots = [None if v == invalid else v for v, invalid in zip(flat, plan.slots, strict=True)]
    for s in plan.floats:
        v = slots[s]
        if v != v:  # NaN: a float's invalid value
            slots[s] = None
    if plan.spans is None:
        return slots
    raws = []
    for kind, a, b in plan.spans:
        if kind == SCALAR:
            raws.append(slots[a])
        elif kind == ARRAY:
            raws.append(tuple(slots[a:b]))
        elif kind == STRING:
            raws.append(parse_string(flat[a]))
        else:
            raws.append(BASE_TYPE_BYTE.parse(flat[a:b]))
    return raws


def _scale_offset(value, scale, offset):
    """fitparse's FitFile._apply_scale_offset."""
    if isinstance(value, tuple):
        return tuple(_scale_offset(x, scale, offset) for x in value)
    if isinstance(value, (int, float)):
        if scale:
            value = float(value) / scale
        if offset:
            value = value - offset
    return value


def _values(plan: Plan, raws: list) -> dict:
    """{name: value} of a kept message, as ``{fd.name: fd.value for fd in msg.fields if
    fd.value is not None}`` gives it from fitparse."""
    values = [raws[k] for k in plan.src]
    names = list(plan.names) if plan.dynamic_names else plan.names
    for i, p, type_values, scale, offset, process in plan.simple:
        v = raws[i]
        if v is not None:
            values[p] = _render(v, type_values, scale, offset, process)
    for op in plan.complex:
        _complex(op, raws, values, names)
    return {n: v for n, v in zip(names, values, strict=True) if v is not None}


def _resolve(subs: list, raws: list, treatment: tuple) -> tuple:
    """The sub-field a reference field selects (fitparse's _resolve_subfield), else the field."""
    for conditions, sub in subs:
        for k, raw in conditions:
            if raw == raws[k]:
                return sub
    return treatment


def _complex(op: tuple, raws: list, values: list, names: list) -> None:
    """A field with sub-fields or components: its components' values, then its own."""
    i, p, subs, treatment, components = op
    raw = raws[i]
    if raw is None:
        return  # it and its components stay None (values holds raws[i] there)
    if subs:
        treatment = _resolve(subs, raws, treatment)
        names[p] = treatment[0]
    _name, type_values, scale, offset, process = treatment
    for q, component, component_subs, target in components:
        try:
            c = component.render(raw)
        except ValueError:  # fitparse skips the component
            values[q] = None
            continue
        except TypeError as err:
            raise Unsupported(f"component {component.name} of {raw!r}: {err}") from None
        c = _scale_offset(c, component.scale, component.offset)
        if component_subs:
            target = _resolve(component_subs, raws, target)
            names[q] = target[0]
        _name, target_values, _scale, _offset, target_process = target
        if target_values is not None and c in target_values:
            c = target_values[c]
        if target_process is not None and c is not None:
            c = target_process(c)
        values[q] = c
    values[p] = _render(raw, type_values, scale, offset, process)


def _render(v, type_values, scale, offset, process):
    """A field's value from its raw value, as fitparse renders it: the type's name for the
    value, then scale and offset, then the processor's conversion (date_time, bool, ...)."""
    if type_values is not None and v in type_values:
        v = type_values[v]
    if scale or offset:
        v = _scale_offset(v, scale, offset)
    if process is not None:
        v = process(v)
    return v


def _wellness(plan: Plan, raws: list) -> dict:
    """A wellness message by field number (fit_messages.by_number)."""
    try:
        return by_number(((num, raws[i]) for i, num in plan.numbers), WELLNESS_MESGS[plan.mesg][1])
    except (OverflowError, ValueError, TypeError) as err:
        raise Unsupported(f"a wellness timestamp fitparse's path cannot convert ({err})") from None


def _raw(plan: Plan, raws: list, name: str):
    """fitparse's DataMessage.get_raw_value: the first field of that name, else None."""
    i = plan.lookups.get(name)
    return None if i is None else raws[i]


def _add_dev_data_id(dev_types: dict, plan: Plan, raws: list) -> None:
    """fitparse.records.add_dev_data_id: a developer's fields start anew."""
    index = _raw(plan, raws, "developer_data_index")
    dev_types[index] = {"dev_data_index": index, "application_id": _raw(plan, raws, "application_id"), "fields": {}}


def _add_dev_field_description(dev_types: dict, plan: Plan, raws: list) -> None:
    """fitparse.records.add_dev_field_description, raising Fallback where it raises."""
    index = _raw(plan, raws, "developer_data_index")
    num = _raw(plan, raws, "field_definition_number")
    base_id = _raw(plan, raws, "fit_base_type_id")
    try:
        name = _raw(plan, raws, "field_name") or "unnamed_dev_field_%s" % num  # noqa: UP031 - as fitparse
        if index not in dev_types:
            raise KeyError(f"no developer_data_id for developer data index {index}")
        fields = dev_types[int(index)]["fields"]
        base_type = FITPARSE_BASE_TYPES[base_id]
    except (KeyError, TypeError, ValueError) as err:
        raise Fallback(f"fitparse refuses a developer field description ({err})") from None
    units, native = _raw(plan, raws, "units"), _raw(plan, raws, "native_field_num")
    fields[num] = DevField(
        dev_data_index=index, def_num=num, type=base_type, name=name, units=units, native_field_num=native
    )
