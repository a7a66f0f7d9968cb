{#- Two-part "latest" orders packed into one unsigned integer, high part first, for
    argMax/argMin. With a tuple key argMax compares through generic values and was
    3-4x slower over millions of rows; the packed number orders the same way. -#}

{#- (timestamp, row id): the newest write, ties to the higher id. id is UInt64. -#}
{% macro ts_then_id(ts, id) -%}
(bitShiftLeft(toUInt128(toUnixTimestamp({{ ts }})), 64) + {{ id }})
{%- endmacro %}

{#- (date, timestamp): the latest day, then the row written last for that day. -#}
{% macro date_then_ts(date, ts) -%}
(bitShiftLeft(toUInt64({{ date }}), 32) + toUnixTimestamp({{ ts }}))
{%- endmacro %}
