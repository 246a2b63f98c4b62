{#- dbt-spark's dateadd goes through unix seconds and repeats its argument five times; with the as-of
    date (a scalar subquery) as that argument Spark runs every copy as its own job. Spark 3.3+ has
    the function itself, with the same calendar rule as DuckDB (Jan 31 + 1 month = Feb 29) and the
    same result type (a timestamp). -#}
{% macro spark__dateadd(datepart, interval, from_date_or_timestamp) %}
    timestampadd({{ datepart }}, {{ interval }}, {{ from_date_or_timestamp }})
{% endmacro %}
