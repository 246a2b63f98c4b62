{# The exact median of a group (the mean of the two middle values for an even count): DuckDB's
   median, Spark's percentile at 0.5 (both interpolate the same way). #}
{% macro median(expr) -%}
    {{ return(adapter.dispatch('median', 'icp')(expr)) }}
{%- endmacro %}

{% macro default__median(expr) -%}
    median({{ expr }})
{%- endmacro %}

{% macro spark__median(expr) -%}
    percentile({{ expr }}, 0.5)
{%- endmacro %}
