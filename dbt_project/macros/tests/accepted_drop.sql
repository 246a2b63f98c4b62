{# A table whose accepted rows fell by more than `max_drop` (a share) against the warehouse
   published before is a broken or truncated export: the refresh stops before publishing it. The
   published counts are carried into the working file as `raw.published_load_audit` when a refresh
   starts (orchestration/limits.py); without a published warehouse (the first refresh, or Spark)
   there is nothing to compare and the test passes. Skipped at the past dates of a backfill
   (var `backfill`), which see fewer rows by design. Fails with one row per table that fell. #}
{% test accepted_drop(model, max_drop) %}
    {%- set previous = adapter.get_relation(
        database=model.database, schema='raw', identifier='published_load_audit') -%}
    {%- if previous is none or var('backfill', 0) %}
    select source_table from {{ model }} where 1 = 0
    {%- else %}
    select
        built.source_table,
        published.rows_accepted as published_rows_accepted,
        built.rows_accepted
    from {{ model }} as built
    inner join {{ previous }} as published
        on built.source_table = published.source_table
    where published.rows_accepted > 0
        and built.rows_accepted < published.rows_accepted * (1 - {{ max_drop }})
    {%- endif %}
{% endtest %}
