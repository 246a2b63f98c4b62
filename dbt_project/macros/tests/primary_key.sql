{# The column is the model's key: on every row, and on one row only. dbt's `unique` and
   `not_null` in one query, so one dbt node and one Dagster check instead of two per key. A row
   it returns is a key value that is null or repeated, with how many rows hold it. #}
{% test primary_key(model, column_name) %}
    select {{ column_name }} as key_value, count(*) as rows_with_key
    from {{ model }}
    group by {{ column_name }}
    having count(*) > 1 or {{ column_name }} is null
{% endtest %}
