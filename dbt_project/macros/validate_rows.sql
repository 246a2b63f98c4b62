{#
  The quarantine: one mechanism for every raw table.

  Reads the raw table (every column text), casts each column as its source contract says
  (`data_type` and `config.meta` in the staging `_<source>__sources.yml`), and gives every row
  `_rejection_reason`: null when the row is accepted, else the first rule it breaks, in words a
  person can act on ("billing_invoices.amount: not a number: '12,5O'"), with a stable
  `_rejection_code`. Rules, in order: missing required value, value that does not parse, unknown
  enum value, out-of-range value (wrong sign), event after the as-of date, currency with no fx
  rate, extra table rules, repeated key (the first row in file order is kept), ref with no match
  among the accepted rows of the parent table.
  Materialized as a table: the accepted rows, rejected_rows and the load audit all read it.

  Arguments:
    source_name, table_name: the dbt source table.
    refs: {column: relation of the parent's accepted rows (a stg_ model)}; parent key = same name.
    fx_rates: relation of accepted fx rates, for tables that carry a currency.
    checks: extra row rules, [{'when': sql condition on typed columns, 'reason': sql text,
      'code': rejection code}].
#}
{% macro validate_rows(source_name, table_name, refs={}, fx_rates=none, checks=[]) %}
{{- config(materialized='table') -}}
{%- set source_relation = icp.raw_relation(source_name, table_name) -%}
{%- set as_of = icp.as_of_date() -%}
{%- if not execute -%}
select 1 as _parse_only
{%- else -%}
{%- set contract = icp.source_contract(source_name, table_name) -%}
{%- set table = contract.table -%}
{%- set key_columns = contract.key -%}
{%- set row_rules = [] -%}
{%- for column in contract.columns -%}
    {%- do row_rules.extend(icp.column_rules(table, column, as_of, contract.event_timestamp)) -%}
    {%- if column.meta.get('currency_month') -%}
        {%- do row_rules.append(icp.fx_rule(table, column, as_of)) -%}
    {%- endif -%}
{%- endfor -%}
{%- for check in checks -%}
    {%- do row_rules.append({
        'when': check.when,
        'reason': dbt.concat(["'" ~ table ~ ": '", check.reason]),
        'code': check.get('code', 'invalid_value')}) -%}
{%- endfor -%}
{%- set table_rules = icp.key_and_ref_rules(table, key_columns, refs) -%}
{%- set identifiers = key_columns + (refs | list) -%}

with source as (

    select * from {{ source_relation }}

),

{% if fx_rates is not none %}
fx_first_month as (

    select currency as fx_currency, min(month) as first_rate_month
    from {{ fx_rates }}
    group by currency

),
{% endif %}

cleaned as (

    select
        _row_number,
        {%- for column in contract.columns %}
        {{ icp.clean_text(column.name) }} as _raw__{{ column.name }}{{ ',' if not loop.last }}
        {%- endfor %}
    from source

),

typed as (

    select
        cleaned.*,
        {%- for column in contract.columns %}
        {{ icp.typed_value(column, identifiers, icp.date_format(table)) }} as {{ column.name }}{{ ',' if not loop.last }}
        {%- endfor %}
    from cleaned

),

row_checked as (

    select
        typed.*,
        {{ icp.first_failing(row_rules, 'reason') }} as _row_reason,
        {{ icp.first_failing(row_rules, 'code') }} as _row_code
    from typed
    {%- for column in contract.columns if column.meta.get('currency_month') %}
    left join fx_first_month as fx
        on typed.{{ column.name }} = fx.fx_currency
    {%- endfor %}

),

key_checked as (

    select
        row_checked.*,
        {%- if key_columns %}
        count(*) over (partition by {{ key_columns | join(', ') }}) as _key_rows,
        row_number() over (
            partition by {{ key_columns | join(', ') }} order by _row_number
        ) as _key_position
        {%- else %}
        1 as _key_rows,
        1 as _key_position
        {%- endif %}
    from row_checked

),

{%- for column, parent in refs.items() %}

parent_{{ column }} as (

    select distinct {{ column }} as parent_key from {{ parent }}

),
{%- endfor %}

final as (

    select
        key_checked._row_number,
        coalesce(
            {% if key_columns -%}
            nullif({{ dbt.concat(icp.join_list(key_columns, "'|'")) }}, ''),
            {% endif -%}
            {{ dbt.concat(["'row '", "cast(key_checked._row_number as " ~ dbt.type_string() ~ ")"]) }}
        ) as _row_key,
        {#- The raw row is only ever shown for a rejected row; building and masking it for every
            accepted one cost a third of the largest base models' time at a million accounts. #}
        case
            when coalesce(key_checked._row_code, {{ icp.first_failing(table_rules, 'code') }}) is not null
            then {{ icp.mask_personal(dbt.concat(icp.raw_row_parts(contract.columns))) }}
        end as _raw_row,
        {#- A reason quotes the raw value: masked like the raw row. -#}
        {{ icp.mask_personal(
            'coalesce(key_checked._row_reason, ' ~ icp.first_failing(table_rules, 'reason') ~ ')'
        ) }} as _rejection_reason,
        coalesce(
            key_checked._row_code, {{ icp.first_failing(table_rules, 'code') }}
        ) as _rejection_code,
        {%- for column in contract.columns %}
        key_checked.{{ column.name }}{{ ',' if not loop.last }}
        {%- endfor %}
    from key_checked
    {%- for column in refs %}
    left join parent_{{ column }}
        on key_checked.{{ column }} = parent_{{ column }}.parent_key
    {%- endfor %}

)

select * from final
{%- endif %}
{% endmacro %}


{# The `field` ('reason' or 'code') of the first rule whose condition holds, else null. #}
{% macro first_failing(rules, field) -%}
    {%- if rules | length == 0 -%}
        cast(null as {{ dbt.type_string() }})
    {%- else -%}
    case
        {%- for rule in rules %}
        when {{ rule.when }} then {{ rule.reason if field == 'reason' else "'" ~ rule.code ~ "'" }}
        {%- endfor %}
    end
    {%- endif -%}
{%- endmacro %}


{# The contract of one source table, read from the source's YAML. #}
{% macro source_contract(source_name, table_name) %}
    {%- set matches = graph.sources.values()
        | selectattr('source_name', 'equalto', source_name)
        | selectattr('name', 'equalto', table_name)
        | list -%}
    {%- if matches | length != 1 -%}
        {{ exceptions.raise_compiler_error('no source ' ~ source_name ~ '.' ~ table_name) }}
    {%- endif -%}
    {%- set node = matches[0] -%}
    {%- set columns = [] -%}
    {%- for name, column in node.columns.items() -%}
        {%- set meta = column.get('config', {}).get('meta', {}) or column.get('meta', {}) -%}
        {%- do columns.append({'name': name, 'data_type': column.data_type, 'meta': meta}) -%}
    {%- endfor -%}
    {%- set table_meta = node.get('config', {}).get('meta', {}) or node.get('meta', {}) -%}
    {%- set key = table_meta.get('key') -%}
    {%- if key is string -%}{%- set key = [key] -%}{%- endif -%}
    {{ return({
        'table': node.identifier,
        'key': key or [],
        'event_timestamp': table_meta.get('event_timestamp'),
        'columns': columns,
    }) }}
{% endmacro %}


{# A cleaned text column (`_raw__<name>`) as the type its contract names, cleaned as the meta says;
   free text masked and personal identifiers hashed (macros/personal.sql). #}
{% macro typed_value(column, identifiers=[], date_format='iso') %}
    {%- set raw = '_raw__' ~ column.name -%}
    {%- set kind = column.data_type -%}
    {%- if kind == 'timestamp' -%}{{ icp.parse_timestamp(raw, date_format) }}
    {%- elif kind == 'date' -%}{{ icp.parse_date(raw, date_format) }}
    {%- elif kind == 'decimal' -%}{{ icp.parse_decimal(raw) }}
    {%- elif kind == 'integer' -%}{{ icp.parse_integer(raw) }}
    {%- else -%}
        {%- set normalize = column.meta.get('normalize') -%}
        {%- set text = icp.normalize_domain(raw) if normalize == 'domain'
            else icp.normalize_enum(raw) if normalize == 'enum'
            else icp.text_case(column, raw) -%}
        {%- if column.name in identifiers -%}{{ icp.identifier_value(text) }}
        {%- elif column.meta.get('personal') or column.meta.get('accepted_values') -%}{{ text }}
        {%- else -%}{{ icp.mask_personal(text) }}
        {%- endif -%}
    {%- endif -%}
{% endmacro %}

{% macro text_case(column, expr) -%}
    {%- if column.meta.get('case') == 'lower' -%}lower({{ expr }})
    {%- elif column.meta.get('case') == 'upper' -%}upper({{ expr }})
    {%- else -%}{{ expr }}
    {%- endif -%}
{%- endmacro %}


{#  The row rules of one column, as [{when, reason, code}] in the order they are reported.
    Only the table's event timestamp (`event_timestamp` in the source meta: when a CRM, billing or
    spend row came to exist) falls under "after the as-of date". Later secondary dates
    (canceled_at, closed_at) are read by the models as "not yet happened" instead. #}
{% macro column_rules(table, column, as_of, event_timestamp) %}
    {%- set name = column.name -%}
    {%- set raw = '_raw__' ~ name -%}
    {%- set prefix = "'" ~ table ~ "." ~ name ~ ": " -%}
    {%- set quoted_raw = [raw, "''''"] -%}
    {%- set rules = [] -%}
    {%- if column.meta.get('required') -%}
        {%- do rules.append({
            'when': raw ~ ' is null', 'reason': prefix ~ "missing'", 'code': 'missing_value'}) -%}
    {%- endif -%}
    {%- set kind_words = {
        'timestamp': 'not a timestamp', 'date': 'not a date',
        'decimal': 'not a number', 'integer': 'not a whole number'} -%}
    {%- if column.data_type == 'decimal' -%}
        {#- A number of the right shape is never "not a number": too large for the type, or at
            or beyond the money bound, it is out of range. -#}
        {%- do rules.append({
            'when': raw ~ ' is not null and not ' ~ icp.regex_matches(raw, icp.decimal_shape()),
            'reason': dbt.concat([prefix ~ "not a number: '''"] + quoted_raw),
            'code': 'not_a_number'}) -%}
        {%- do rules.append({
            'when': raw ~ ' is not null and (' ~ name ~ ' is null or abs(' ~ name ~ ') >= '
                ~ icp.money_bound() ~ ')',
            'reason': dbt.concat([prefix ~ "must be below 1e15 in absolute value: '''"] + quoted_raw),
            'code': 'out_of_range'}) -%}
    {%- elif column.data_type in kind_words -%}
        {%- set words = kind_words[column.data_type] -%}
        {%- do rules.append({
            'when': raw ~ ' is not null and ' ~ name ~ ' is null',
            'reason': dbt.concat([prefix ~ words ~ ": '''"] + quoted_raw),
            'code': words | replace(' ', '_')}) -%}
        {%- if column.data_type in ('timestamp', 'date') -%}
            {#- Year 0000 would be stored as 1 BC, 9999 is a placeholder: neither is an event. -#}
            {%- set year = 'extract(year from ' ~ name ~ ')' -%}
            {%- do rules.append({
                'when': year ~ ' < ' ~ var('min_event_year') ~ ' or ' ~ year ~ ' > ' ~ var('max_event_year'),
                'reason': dbt.concat([prefix ~ "year outside " ~ var('min_event_year') ~ "-"
                    ~ var('max_event_year') ~ ": '''"] + quoted_raw),
                'code': 'out_of_range'}) -%}
        {%- endif -%}
    {%- endif -%}
    {%- set accepted = column.meta.get('accepted_values') -%}
    {%- if accepted -%}
        {%- do rules.append({
            'when': name ~ " not in ('" ~ accepted | join("', '") ~ "')",
            'reason': dbt.concat([prefix ~ "unknown value '''", name,
                "''' (expected " ~ accepted | join(', ') ~ ")'"]),
            'code': 'unknown_value'}) -%}
    {%- endif -%}
    {%- for bound, operator in [('min', '<'), ('greater_than', '<=')] -%}
        {%- if column.meta.get(bound) is not none -%}
            {%- set limit = column.meta[bound] -%}
            {%- do rules.append({
                'when': name ~ ' ' ~ operator ~ ' ' ~ limit,
                'reason': dbt.concat(
                    [prefix ~ "must be " ~ ('>= ' if bound == 'min' else '> ') ~ limit ~ ": '''"]
                    + quoted_raw),
                'code': 'out_of_range'}) -%}
        {%- endif -%}
    {%- endfor -%}
    {%- if name == event_timestamp -%}
        {%- do rules.append({
            'when': 'cast(' ~ name ~ ' as date) > ' ~ as_of,
            'reason': dbt.concat([prefix ~ "after the as-of date '",
                "cast(" ~ as_of ~ " as " ~ dbt.type_string() ~ ")", "': '''"] + quoted_raw),
            'code': 'after_as_of_date'}) -%}
    {%- endif -%}
    {{ return(rules) }}
{% endmacro %}


{# A currency with no rate at or before the month its amount is converted in. #}
{% macro fx_rule(table, column, as_of) %}
    {%- set month = icp.conversion_month(column.meta['currency_month'], as_of) -%}
    {{ return({
        'when': column.name ~ " <> 'USD' and " ~ month ~ " is not null and "
            ~ "(fx.first_rate_month is null or fx.first_rate_month > " ~ month ~ ")",
        'reason': dbt.concat([
            "'" ~ table ~ "." ~ column.name ~ ": no fx rate for '''", column.name,
            "''' at or before '",
            "substr(cast(" ~ month ~ " as " ~ dbt.type_string() ~ "), 1, 7)"]),
        'code': 'no_fx_rate'}) }}
{% endmacro %}


{# Rules over the whole table: a repeated key (after the first row in file order), then refs. #}
{% macro key_and_ref_rules(table, key_columns, refs) %}
    {%- set rules = [] -%}
    {%- if key_columns -%}
        {%- do rules.append({
            'when': 'key_checked._key_position > 1',
            'reason': dbt.concat([
                "'" ~ table ~ "." ~ (key_columns | join('+')) ~ ": repeated ('",
                "cast(key_checked._key_rows as " ~ dbt.type_string() ~ ")", "' rows)'"]),
            'code': 'repeated_key'}) -%}
    {%- endif -%}
    {%- for column in refs -%}
        {%- do rules.append({
            'when': 'key_checked.' ~ column ~ ' is not null and parent_' ~ column
                ~ '.parent_key is null',
            'reason': dbt.concat([
                "'" ~ table ~ "." ~ column ~ ": no match in " ~ refs[column].identifier ~ " for '''",
                "key_checked." ~ column, "''''"]),
            'code': 'no_match'}) -%}
    {%- endfor -%}
    {{ return(rules) }}
{% endmacro %}


{# The month an amount is converted in: its own date's month, or the as-of month. #}
{% macro conversion_month(date_column, as_of) %}
    {%- set expr = as_of if date_column == 'as_of' else date_column -%}
    {{ return('cast(' ~ dbt.date_trunc('month', expr) ~ ' as date)') }}
{% endmacro %}


{# `a=1, b=x, ...` of the raw text values, personal columns redacted. #}
{% macro raw_row_parts(columns) %}
    {%- set parts = [] -%}
    {%- for column in columns -%}
        {%- set raw = 'key_checked._raw__' ~ column.name -%}
        {%- if column.meta.get('personal') -%}
            {%- set shown = "case when " ~ raw ~ " is null then '' else '<redacted>' end" -%}
        {%- elif column.meta.get('hashed') -%}
            {%- set shown = "coalesce(" ~ icp.pseudonym(raw) ~ ", '')" -%}
        {%- else -%}
            {%- set shown = "coalesce(" ~ raw ~ ", '')" -%}
        {%- endif -%}
        {%- do parts.append("'" ~ (', ' if not loop.first else '') ~ column.name ~ "='") -%}
        {%- do parts.append(shown) -%}
    {%- endfor -%}
    {{ return(parts) }}
{% endmacro %}


{# [a, b] -> [a, sep, b]: the parts of a composite key for dbt.concat. #}
{% macro join_list(items, separator) %}
    {%- set parts = [] -%}
    {%- for item in items -%}
        {%- if not loop.first %}{% do parts.append(separator) %}{% endif -%}
        {%- do parts.append('cast(key_checked.' ~ item ~ ' as ' ~ dbt.type_string() ~ ')') -%}
    {%- endfor -%}
    {{ return(parts) }}
{% endmacro %}
