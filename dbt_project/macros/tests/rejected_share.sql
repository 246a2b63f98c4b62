{# The rejected-row limits of every quarantine model, in one place: the rejected rows of each
   contract table that lost more than `max_share` of its rows (so the failure count is how many
   rows those tables lost), with the table's name. Two singular tests use it, one per limit:
   tests/rejected_share_warn.sql (max_rejected_share, warns) and tests/rejected_share_error.sql
   (max_rejected_share_error, stops the refresh before publishing). Both are Dagster checks of
   marts.rejected_rows and depend on every base model, so a failing error limit skips everything
   downstream of the quarantine.
   Every reason counts, rows dated after the as-of date too: an export whose every invoice is dated
   2099 is broken, and must not replace a good warehouse with one of 0 customers. Only the past
   as-of dates of `icp backfill-drift` (var `backfill` = 1) leave those rows out: there they are
   simply not due yet, and the backfill's final refresh at the present date counts them all. #}
{% macro rejected_share_over(max_share) %}
with
{%- for source_name, table_name, table in icp.raw_tables() %}
{%- set model = ref('base_' ~ source_name ~ '__' ~ table_name) %}

lost_{{ table }} as (
    select _row_key, _rejection_reason from {{ model }}
    where _rejection_reason is not null
    {%- if var('backfill', 0) %} and _rejection_code <> 'after_as_of_date'{% endif %}
),

share_{{ table }} as (
    select (select count(*) from lost_{{ table }}) * 1.0 / nullif(count(*), 0) as rejected_share
    from {{ model }}
),
{%- endfor %}

final as (
    {%- for source_name, table_name, table in icp.raw_tables() %}
    {% if not loop.first %}union all{% endif %}
    select
        '{{ table }}' as source_table,
        lost_{{ table }}._row_key,
        lost_{{ table }}._rejection_reason
    from lost_{{ table }}
    cross join share_{{ table }}
    where share_{{ table }}.rejected_share > {{ max_share }}
    {%- endfor %}
)

select * from final
{% endmacro %}
