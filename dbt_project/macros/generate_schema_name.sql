{# Layers land in schemas named after them (staging, intermediate, marts), not <target>_<layer>:
   `marts` is the interface BI tools query, so its name must not depend on the target. #}
{% macro generate_schema_name(custom_schema_name, node) -%}
    {%- if custom_schema_name is none -%}{{ target.schema }}{%- else -%}{{ custom_schema_name | trim }}{%- endif -%}
{%- endmacro %}
