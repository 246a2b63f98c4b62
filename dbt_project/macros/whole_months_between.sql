{# Whole months elapsed from one date to another, as the spec counts them: 2024-01-10 to 2024-03-09 is
   1 month, to 2024-03-10 is 2; from the 31st, a shorter month's last day completes the month.
   Calendar arithmetic on date parts, so every engine agrees; cast because the engines disagree on
   the integer type that extract returns (DuckDB bigint, Spark int). #}
{% macro whole_months_between(start_expr, end_expr) -%}
    cast(
        (extract(year from cast({{ end_expr }} as date)) - extract(year from cast({{ start_expr }} as date))) * 12
        + extract(month from cast({{ end_expr }} as date)) - extract(month from cast({{ start_expr }} as date))
        - case
            when extract(day from cast({{ end_expr }} as date)) < extract(day from cast({{ start_expr }} as date))
                and cast({{ end_expr }} as date) <> cast({{ dbt.last_day('cast(' ~ end_expr ~ ' as date)', 'month') }} as date)
            then 1
            else 0
        end
    as {{ dbt.type_bigint() }})
{%- endmacro %}
