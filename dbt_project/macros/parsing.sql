{# Text-to-type parsing used by the base models. Every raw column arrives as text; these return null
   when the text does not parse, so the caller can quarantine the row with the raw value in the reason.
   Engine-specific syntax stays here, dispatched per adapter. #}

{# Text as every rule sees it: Unicode NFC (a title typed with decomposed accents is the same title
   as one precomposed, for the persona rules and for key comparison), control characters other
   than tab and line breaks removed (a NUL byte alone is no lead source), spaces trimmed, empty as
   null. #}
{% macro clean_text(expr) -%}
    nullif({{ icp.strip_controls_and_trim(icp.unicode_nfc('cast(' ~ expr ~ ' as ' ~ dbt.type_string() ~ ')')) }}, '')
{%- endmacro %}

{# The control characters clean_text removes (a regex character class's contents). #}
{% macro control_characters() -%}\x00-\x08\x0b\x0c\x0e-\x1f\x7f{%- endmacro %}

{% macro strip_controls_and_trim(expr) -%}
    {{ return(adapter.dispatch('strip_controls_and_trim', 'icp')(expr)) }}
{%- endmacro %}

{#- DuckDB: one regex pass instead of the regex and `trim` after it. `trim` removes the Unicode
    space separators (`\p{Zs}`: U+0020, U+00A0, U+3000, ...) from both ends, so removing the
    controls, then those spaces at the ends, is removing a leading and a trailing run of both and
    every control between. Same text for every code point at the start, middle and end of a value
    (checked against the two-step form on 7.8M strings). The eight columns of the 7.1M invoices at
    1M accounts: 6.9 and 7.4 -> 5.3 and 6.3 CPU s (docs/performance.md). -#}
{% macro default__strip_controls_and_trim(expr) -%}
    {%- set edge = '[\\p{Zs}' ~ icp.control_characters() ~ ']+' -%}
    {{ icp.regex_replace(expr, '^' ~ edge ~ '|' ~ edge ~ '$|[' ~ icp.control_characters() ~ ']+', '') }}
{%- endmacro %}

{% macro spark__strip_controls_and_trim(expr) -%}
    trim({{ icp.regex_replace(expr, '[' ~ icp.control_characters() ~ ']', '') }})
{%- endmacro %}

{% macro unicode_nfc(expr) -%}
    {{ return(adapter.dispatch('unicode_nfc', 'icp')(expr)) }}
{%- endmacro %}

{% macro default__unicode_nfc(expr) -%}
    nfc_normalize({{ expr }})
{%- endmacro %}

{#- Spark SQL has no Unicode normalization function: text is compared as it arrives there
    (docs/decisions.md). -#}
{% macro spark__unicode_nfc(expr) -%}
    {{ expr }}
{%- endmacro %}

{# The shapes the contract documents, checked before any engine parses: each engine's parser
   accepts its own extras (DuckDB `infinity`, `1_000`, hour 24, `12.5` as a bigint; Spark `2024`,
   `2024-01`, a space before the offset), so only these shapes reach it and every engine accepts and
   rejects the same values. Written without backslashes: engines escape them differently. A UTC
   offset is at most 14 hours either way (the world's widest: +14:00 Kiribati, -12:00), so `-99:00`
   is not a timestamp rather than a time moved by four days. #}
{% macro timestamp_shape() -%}
    '^[0-9]{4}-[0-9]{2}-[0-9]{2}([T ]([01][0-9]|2[0-3]):[0-5][0-9](:[0-5][0-9]([.][0-9]+)?)?(Z|[+-]((0[0-9]|1[0-3])(:?[0-5][0-9])?|14(:?00)?))?)?$'
{%- endmacro %}

{# ISO 8601 with or without time, with `Z` or an offset; the result is a UTC timestamp without zone
   (the session time zone is UTC, set in the profile). A table whose export writes dates another
   way declares it in the var `date_formats` (`{crm_accounts: day_first}`): `day_first` reads
   `25/6/2024` or `25/06/2024 14:05[:30]`, `month_first` reads `6/25/2024 ...`, both as UTC. #}
{% macro parse_timestamp(expr, date_format='iso') -%}
    {%- if date_format == 'iso' -%}
    case when {{ icp.regex_matches(expr, icp.timestamp_shape()) }}
        then {{ adapter.dispatch('parse_timestamp', 'icp')(expr) }}
    end
    {%- else -%}
    case when {{ icp.regex_matches(expr, "'^[0-9]{1,2}/[0-9]{1,2}/[0-9]{4}( ([01]?[0-9]|2[0-3]):[0-5][0-9](:[0-5][0-9])?)?$'") }}
        then {{ adapter.dispatch('parse_slashed_date', 'icp')(expr, date_format == 'day_first') }}
    end
    {%- endif -%}
{%- endmacro %}

{# The names of the date formats parse_timestamp reads: the one list of them (`icp refresh
   --date-format` reads it from the manifest, orchestration/date_formats.py). #}
{% macro date_format_names() -%}
    {{ return(['iso', 'day_first', 'month_first']) }}
{%- endmacro %}

{# The date format a raw table is read with: `iso` unless the var `date_formats` names another. #}
{% macro date_format(table) -%}
    {%- set chosen = (var('date_formats', {}) or {}).get(table, 'iso') -%}
    {%- if chosen not in icp.date_format_names() -%}
        {{ exceptions.raise_compiler_error(
            "date_formats: '" ~ chosen ~ "' for " ~ table ~ " is not one of "
            ~ icp.date_format_names() | join(', ')) }}
    {%- endif -%}
    {{ return(chosen) }}
{%- endmacro %}

{% macro default__parse_slashed_date(expr, day_first) -%}
    {%- set dm = '%d/%m' if day_first else '%m/%d' -%}
    try_strptime({{ expr }}, ['{{ dm }}/%Y %H:%M:%S', '{{ dm }}/%Y %H:%M', '{{ dm }}/%Y'])
{%- endmacro %}

{% macro spark__parse_slashed_date(expr, day_first) -%}
    {%- set dm = 'd/M' if day_first else 'M/d' -%}
    coalesce(
        try_to_timestamp({{ expr }}, '{{ dm }}/yyyy H:mm:ss'),
        try_to_timestamp({{ expr }}, '{{ dm }}/yyyy H:mm'),
        try_to_timestamp({{ expr }}, '{{ dm }}/yyyy')
    )
{%- endmacro %}

{% macro default__parse_timestamp(expr) -%}
    cast(try_cast({{ expr }} as timestamptz) as timestamp)
{%- endmacro %}

{% macro spark__parse_timestamp(expr) -%}
    to_utc_timestamp(try_to_timestamp({{ expr }}), 'UTC')
{%- endmacro %}

{% macro parse_date(expr, date_format='iso') -%}
    cast({{ icp.parse_timestamp(expr, date_format) }} as date)
{%- endmacro %}

{# Amounts are decimals with a dot, optionally in scientific notation (`1.0101437e+10`: what
   spreadsheets and a double column of a Parquet export turn into). They are parsed as decimal
   (macros/money.sql), which rejects `1,200.00`, `12,5O`, `inf` and `nan`, and stay decimal to the
   marts. A number of the right shape too large for the type is null here and `out_of_range` in the
   quarantine, like any amount at or beyond the money bound. #}
{% macro decimal_shape() -%}
    '^ *[+-]?([0-9]+([.][0-9]*)?|[.][0-9]+)([eE][+-]?[0-9]+)? *$'
{%- endmacro %}

{% macro parse_decimal(expr) -%}
    case when {{ icp.regex_matches(expr, icp.decimal_shape()) }}
        then try_cast(trim({{ expr }}) as {{ icp.decimal_type() }})
    end
{%- endmacro %}

{# Whole numbers, `12.0` included (spreadsheets write it); `12.5` is not one. #}
{% macro parse_integer(expr) -%}
    case when {{ icp.regex_matches(expr, "'^ *[+-]?[0-9]+([.]0+)? *$'") }}
        then try_cast(try_cast(trim({{ expr }}) as decimal(38, 0)) as bigint)
    end
{%- endmacro %}

{% macro normalize_domain(expr) -%}
    nullif(
        {{ icp.regex_replace(
            icp.regex_replace('lower(trim(' ~ expr ~ '))', '^[a-z]+://', ''),
            '^www\\.|[/?#].*$', ''
        ) }},
        ''
    )
{%- endmacro %}

{% macro regex_replace(expr, pattern, replacement) -%}
    {{ return(adapter.dispatch('regex_replace', 'icp')(expr, pattern, replacement)) }}
{%- endmacro %}

{% macro default__regex_replace(expr, pattern, replacement) -%}
    regexp_replace({{ expr }}, '{{ pattern }}', '{{ replacement }}', 'g')
{%- endmacro %}

{#- Spark string literals treat a backslash as an escape (DuckDB's do not), and Java regex writes a
    group reference as $1 where RE2 writes \1: both translated here so callers write one pattern. -#}
{% macro spark_literal_pattern(text) -%}
    {{ text | replace('\\', '\\\\') }}
{%- endmacro %}

{% macro spark__regex_replace(expr, pattern, replacement) -%}
    {%- set java_replacement = modules.re.sub('\\\\([0-9])', '$\\1', replacement) -%}
    regexp_replace({{ expr }}, '{{ icp.spark_literal_pattern(pattern) }}', '{{ icp.spark_literal_pattern(java_replacement) }}')
{%- endmacro %}

{% macro regex_matches(expr, pattern) -%}
    {{ return(adapter.dispatch('regex_matches', 'icp')(expr, pattern)) }}
{%- endmacro %}

{% macro default__regex_matches(expr, pattern) -%}
    regexp_matches({{ expr }}, {{ pattern }})
{%- endmacro %}

{% macro spark__regex_matches(expr, pattern) -%}
    ({{ expr }} rlike {{ icp.spark_literal_pattern(pattern) }})
{%- endmacro %}
