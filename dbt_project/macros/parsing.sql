{# Text-to-type parsing used by the base models. Every raw column arrives as text; these return null
   when the text does not parse, so the caller can quarantine the row with the raw value in the reason.
   Engine-specific syntax stays here, dispatched per adapter. #}

{% macro clean_text(expr) -%}
    nullif(trim(cast({{ expr }} as {{ dbt.type_string() }})), '')
{%- endmacro %}

{% macro parse_timestamp(expr) -%}
    {{ return(adapter.dispatch('parse_timestamp', 'icp')(expr)) }}
{%- endmacro %}

{# ISO 8601 with or without time, with `Z` or an offset; the result is a UTC timestamp without zone
   (the session time zone is UTC, set in the profile). #}
{% macro default__parse_timestamp(expr) -%}
    cast(try_cast({{ expr }} as timestamptz) as timestamp)
{%- endmacro %}

{% macro spark__parse_timestamp(expr) -%}
    to_utc_timestamp(try_to_timestamp({{ expr }}), 'UTC')
{%- endmacro %}

{% macro parse_date(expr) -%}
    cast({{ icp.parse_timestamp(expr) }} as date)
{%- endmacro %}

{% macro parse_decimal(expr) -%}
    {{ return(adapter.dispatch('parse_decimal', 'icp')(expr)) }}
{%- endmacro %}

{# Amounts are decimals with a dot. They are parsed as decimal, which rejects `1,200.00`, `12,5O`,
   `inf` and `nan`, then carried as double so sums and ratios behave alike on every engine. #}
{% macro default__parse_decimal(expr) -%}
    cast(try_cast({{ expr }} as decimal(38, 10)) as double)
{%- endmacro %}

{% macro spark__parse_decimal(expr) -%}
    cast(try_cast({{ expr }} as decimal(38, 10)) as double)
{%- endmacro %}

{% macro parse_integer(expr) -%}
    {{ return(adapter.dispatch('parse_integer', 'icp')(expr)) }}
{%- endmacro %}

{% macro default__parse_integer(expr) -%}
    try_cast({{ expr }} as bigint)
{%- endmacro %}

{% macro spark__parse_integer(expr) -%}
    try_cast({{ expr }} as bigint)
{%- endmacro %}

{# A web domain compared as the contract says: lowercase, without scheme, `www.` or path. #}
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

{% macro spark__regex_replace(expr, pattern, replacement) -%}
    regexp_replace({{ expr }}, '{{ pattern }}', '{{ replacement }}')
{%- endmacro %}

{% macro regex_matches(expr, pattern) -%}
    {{ return(adapter.dispatch('regex_matches', 'icp')(expr, pattern)) }}
{%- endmacro %}

{% macro default__regex_matches(expr, pattern) -%}
    regexp_matches({{ expr }}, {{ pattern }})
{%- endmacro %}

{% macro spark__regex_matches(expr, pattern) -%}
    ({{ expr }} rlike {{ pattern }})
{%- endmacro %}
