{# The as-of date of the run as a SQL expression. Every model that needs it calls this, so the
   default (the latest event date in the input) is computed in exactly one model. #}
{% macro as_of_date() -%}
    (select as_of_date from {{ ref('stg_run__as_of_date') }})
{%- endmacro %}

{# The as_of_date var, validated: it reaches SQL as a literal, so only YYYY-MM-DD is accepted. #}
{% macro as_of_date_var() -%}
    {%- set value = var('as_of_date', none) -%}
    {%- if value is none or value | string | trim == '' -%}
        {{ return(none) }}
    {%- endif -%}
    {%- set text = value | string | trim -%}
    {%- if not modules.re.fullmatch('[0-9]{4}-[0-9]{2}-[0-9]{2}', text) -%}
        {{ exceptions.raise_compiler_error("as_of_date must be a date written YYYY-MM-DD, got: " ~ text) }}
    {%- endif -%}
    {{ return(text) }}
{%- endmacro %}
