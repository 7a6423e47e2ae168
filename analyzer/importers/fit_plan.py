"""How to read the data messages of one summary definition exactly as fitparse does:
a plan compiled once per distinct definition message (``fit_summary.py`` runs it).

A plan holds one ``struct.Struct`` for the whole message body, the base type's
invalid value of every unpacked number, and what fitparse does to each field after
reading it (fitparse 1.2, ``FitFile._parse_data_message`` and the default
``FitFileDataProcessor``), in fitparse's order of writing:

* the raw value: a number (``None`` when it is the base type's invalid value, NaN for
  floats), a tuple of them for an array, the text before the first NUL for a string
  (``fitparse.records.parse_string``), a tuple of bytes for a byte field or a field of
  an unknown base type (``None`` when every byte is 0xFF);
* a sub-field replaces the field when a reference field holds its value (file_id
  product -> garmin_product, session avg_cadence -> avg_running_cadence, ...);
* each component is written before its field (session avg_speed ->
  enhanced_avg_speed): its bits of the raw value, its own scale and offset, named by
  the profile's field (and sub-field) it expands into;
* then the field's value: named by its type's values (enums), then ``raw / scale -
  offset`` (on each element of a tuple);
* then the processors of the default FitFileDataProcessor, by type name: bool,
  date_time (a naive UTC datetime from 0x10000000 on), local_date_time,
  localtime_into_day.

A definition the plan cannot reproduce exactly gets ``unsupported`` (the reason), and
its file's summary messages are read by fitparse (``fit_summary.Unsupported``): a field
of size 0 (fitparse raises), a developer field whose size is not a multiple of its
base type's or whose name or units are not text, a sub-field with components, an
accumulated component or a component into a field the profile lacks, developer fields
on field_description / developer_data_id, a message fitparse's path does not keep.

Profile and base types: FIT SDK (Profile.xlsx, fit.h), as in fitparse/profile.py and
fitparse/records.py, which this module reads (``MESSAGE_TYPES``, ``BASE_TYPES``).
"""

from __future__ import annotations

import datetime as dt
import struct
from dataclasses import dataclass, field

from fitparse.profile import MESSAGE_TYPES
from fitparse.records import BASE_TYPE_BYTE
from fitparse.records import BASE_TYPES as FITPARSE_BASE_TYPES

from .fit_messages import MESSAGES_KEPT
from .fit_profile import BASE_TYPES, WELLNESS_MESGS

#: What a data message of a definition is for (fit_messages.read_messages): kept in
#: ``others`` by fitparse's name, kept by field number (wellness), or a developer
#: description (developer_data_id 207, field_description 206: FIT profile mesg_num).
KEPT, WELLNESS, DEV_ID, DEV_DESC = range(4)
DEV_ID_MESG, DEV_DESC_MESG = 207, 206
#: Field kinds: one number, an array of numbers, a string, bytes (fitparse's readings).
SCALAR, ARRAY, STRING, BYTES = range(4)
#: fitparse's processors.UTC_REFERENCE: the FIT epoch in Unix seconds (FIT profile, date_time).
UTC_REFERENCE = 631065600
#: date_time values from here on are absolute (FIT profile, date_time "min").
DATE_TIME_MIN = 0x10000000


class Unsupported(Exception):
    """These summary messages are read by fitparse instead; the text says why."""


class _Never:
    """An invalid value no raw value equals (strings, bytes, floats: checked otherwise)."""

    __slots__ = ()

    def __eq__(self, other) -> bool:
        return False

    __hash__ = object.__hash__


NEVER = _Never()


def _utc(value):
    try:
        return dt.datetime.utcfromtimestamp(UTC_REFERENCE + value)
    except (TypeError, ValueError, OverflowError, OSError) as err:
        raise Unsupported(f"a date_time fitparse cannot convert ({value!r}: {err})") from None


def _date_time(value):
    try:
        absolute = value >= DATE_TIME_MIN
    except TypeError:
        raise Unsupported(f"a date_time of {type(value).__name__} (fitparse raises)") from None
    return _utc(value) if absolute else value


def _time_of_day(value):
    try:
        m, s = divmod(value, 60)
        h, m = divmod(m, 60)
        return dt.time(h, m, s)
    except (TypeError, ValueError) as err:
        raise Unsupported(f"a localtime_into_day fitparse cannot convert ({value!r}: {err})") from None


#: FitFileDataProcessor.process_type_<name>: the only processors of the default processor.
PROCESSORS = {"bool": bool, "date_time": _date_time, "local_date_time": _utc, "localtime_into_day": _time_of_day}


def _treatment(f) -> tuple:
    """(name, type values or None, scale, offset, processor or None) of a profile field or sub-field."""
    return f.name, f.type.values or None, f.scale, f.offset, PROCESSORS.get(f.type.name)


@dataclass(eq=False)
class Plan:
    """How to read the data messages of one definition (see the module docstring).

    slots : per unpacked value, the base type's invalid value (NEVER: none to compare)
    floats : the unpacked values that are floats (NaN is invalid)
    spans : per field (kind, first slot, end slot), or None when every field is one number
    names, src : per value written, fitparse's name and the field it comes from
    simple : (field, position, type values, scale, offset, processor) for a field
        without sub-fields or components whose value is not its raw value
    complex : (field, position, sub-fields, own treatment, components) for the rest;
        sub-fields as [(conditions, treatment)], conditions [(field, raw value)];
        components as [(position, component, sub-fields, treatment)]
    numbers : (field, field number) of every non-developer field (wellness)
    lookups : fitparse's name -> the first field of that name (developer descriptions)
    """

    mesg: int
    role: int
    name: str
    unpack: object = None
    slots: list = field(default_factory=list)
    floats: list[int] = field(default_factory=list)
    spans: list[tuple[int, int, int]] | None = None
    names: list[str] = field(default_factory=list)
    src: list[int] = field(default_factory=list)
    simple: list[tuple] = field(default_factory=list)
    complex: list[tuple] = field(default_factory=list)
    dynamic_names: bool = False
    numbers: list[tuple[int, int]] = field(default_factory=list)
    lookups: dict[str, int] = field(default_factory=dict)
    unsupported: str = ""


def _role(mesg: int) -> tuple[int, str] | None:
    """What fit_messages.read_messages does with a message (in its order of tests)."""
    mesg_type = MESSAGE_TYPES.get(mesg)
    name = mesg_type.name if mesg_type else f"unknown_{mesg}"
    if name in MESSAGES_KEPT:
        return KEPT, name
    if mesg in WELLNESS_MESGS:
        return WELLNESS, WELLNESS_MESGS[mesg][0]
    if name == "developer_data_id":
        return DEV_ID, name
    if name == "field_description":
        return DEV_DESC, name
    return None


def compile_plan(d, dev_fields: list) -> Plan:
    """The plan of definition ``d`` (fit_layout.Definition) whose developer fields are
    described by ``dev_fields`` (fitparse DevFields, in the definition's order)."""
    role = _role(d.mesg)
    if role is None:
        return Plan(d.mesg, KEPT, "", unsupported=f"message {d.mesg} is not one fitparse's path keeps")
    plan = Plan(d.mesg, *role)
    try:
        _layout(plan, d, dev_fields)
        _outputs(plan, d, dev_fields)
    except Unsupported as why:
        plan.unsupported = str(why)
    return plan


def _layout(plan: Plan, d, dev_fields: list) -> None:
    """The body's struct and each field's slots (fitparse reads size / base size of its base type)."""
    fmts: list[str] = []
    spans: list[tuple[int, int, int]] = []
    types = [FITPARSE_BASE_TYPES.get(base, BASE_TYPE_BYTE) for _num, _size, base, _off in d.fields]
    sizes = [size for _num, size, _base, _off in d.fields]
    if dev_fields and plan.role in (DEV_ID, DEV_DESC):
        raise Unsupported("developer fields on a developer description")
    for dev, (num, size, index, _off) in zip(dev_fields, d.dev_fields, strict=True):
        if not isinstance(dev.name, str) or not isinstance(dev.units, (str, type(None))):
            raise Unsupported(f"developer field {index}/{num}: its name or units are not text")
        types.append(dev.type)
        sizes.append(size)
    for base_type, size in zip(types, sizes, strict=True):
        if size == 0 or size % base_type.size:
            raise Unsupported(f"a field of {size} bytes of base type {base_type.name}")
        count = size // base_type.size
        start = len(plan.slots)
        if base_type.name == "string":
            fmts.append(f"{size}s")
            plan.slots.append(NEVER)
            spans.append((STRING, start, start + 1))
            continue
        if base_type.name == "byte":
            fmts.append(f"{size}B")
            plan.slots.extend([NEVER] * size)
            spans.append((BYTES, start, start + size))
            continue
        invalid = BASE_TYPES[base_type.identifier][2]
        if invalid is None:
            plan.floats.extend(range(start, start + count))
        fmts.append(f"{count}{base_type.fmt}")
        plan.slots.extend([NEVER if invalid is None else invalid] * count)
        spans.append((SCALAR if count == 1 else ARRAY, start, start + count))
    unpacker = struct.Struct((">" if d.big_endian else "<") + "".join(fmts))
    if unpacker.size != d.size:  # pragma: no cover - the walk's sizes are the fields' sizes
        raise Unsupported(f"definition of {d.size} bytes unpacked as {unpacker.size}")
    plan.unpack = unpacker.unpack_from
    plan.spans = None if all(kind == SCALAR for kind, _a, _b in spans) else spans  # None: slot i is field i


def _subfields(f, by_number: dict[int, list[int]]) -> list[tuple[list[tuple[int, object]], tuple]]:
    """A field's sub-fields in fitparse's order of trying: (conditions, treatment), a
    condition (field index, the reference field's raw value)."""
    out = []
    for sub in f.subfields or []:
        conditions = [(i, ref.raw_value) for ref in sub.ref_fields for i in by_number.get(ref.def_num, [])]
        out.append((conditions, _treatment(sub)))
    return out


def _outputs(plan: Plan, d, dev_fields: list) -> None:
    """What each field writes, in fitparse's order: names, sources, the work on values."""
    mesg_type = MESSAGE_TYPES.get(d.mesg)
    by_number: dict[int, list[int]] = {}
    for i, (num, *_rest) in enumerate(d.fields):
        by_number.setdefault(num, []).append(i)
        plan.numbers.append((i, num))
    for i, (num, *_rest) in enumerate(d.fields):
        f = mesg_type.fields.get(num) if mesg_type else None
        if f is None:
            plan.names.append(f"unknown_{num}")
            plan.src.append(i)
            continue
        plan.lookups.setdefault(f.name, i)
        subs = _subfields(f, by_number)
        if subs and (f.components or any(sub.components for sub in f.subfields)):
            raise Unsupported(f"field {f.name} has sub-fields and components")
        components = [_component(plan, mesg_type, c, i, by_number) for c in f.components or []]
        position = len(plan.names)
        plan.names.append(f.name)
        plan.src.append(i)
        treatment = _treatment(f)
        if subs or components:
            plan.complex.append((i, position, subs, treatment, components))
            plan.dynamic_names = plan.dynamic_names or bool(subs)
        elif any(treatment[1:]):
            plan.simple.append((i, position, *treatment[1:]))
    for j, dev in enumerate(dev_fields, start=len(d.fields)):
        plan.names.append(dev.name)  # a DevField: no scale, offset, values or processor
        plan.src.append(j)


def _component(plan: Plan, mesg_type, component, i: int, by_number: dict[int, list[int]]) -> tuple:
    """Add a component's place (before its field) and return (position, component,
    sub-fields of its target, the target's treatment)."""
    if component.accumulate:
        raise Unsupported(f"component {component.name} accumulates")
    target = mesg_type.fields.get(component.def_num)
    if target is None:
        raise Unsupported(f"component {component.name} of a field the profile lacks")
    subs = _subfields(target, by_number)
    plan.dynamic_names = plan.dynamic_names or bool(subs)
    position = len(plan.names)
    plan.names.append(target.name)
    plan.src.append(i)
    return position, component, subs, _treatment(target)
