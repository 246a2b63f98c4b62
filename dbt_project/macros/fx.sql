{# Joins the USD rate in force for `currency` in `month`: the rate of that month, else the latest
   earlier one (the month-fallback rule). The quarantine guarantees a rate exists for every accepted
   row, so an inner join loses nothing; the load audit's money tests check it. #}
{% macro join_usd_rate(alias, currency, month) -%}
    inner join {{ ref('int_fx__rate_periods') }} as {{ alias }}
        on {{ currency }} = {{ alias }}.currency
        and {{ month }} >= {{ alias }}.valid_from
        and ({{ alias }}.valid_to is null or {{ month }} < {{ alias }}.valid_to)
{%- endmacro %}

{% macro month_of(expr) -%}
    cast({{ dbt.date_trunc('month', expr) }} as date)
{%- endmacro %}
