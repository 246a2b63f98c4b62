{#- Rows read, accepted and rejected per raw table, with the rejections by reason code. Nothing
    vanishes: rows_read = rows_accepted + rows_rejected for every table (tested). rows_read counts
    the raw input directly, rows_accepted the staging model, so a lost row shows as a difference. -#}

with counts as (

    {%- for source_name, table_name, table in icp.raw_tables() %}
    select
        '{{ table }}' as source_table,
        (select count(*) as n from {{ source(source_name, table_name) }}) as rows_read,
        (
            select count(*) as n from {{ ref('stg_' ~ source_name ~ '__' ~ table_name) }}
        ) as rows_accepted
    {{- '\n    union all' if not loop.last }}
    {%- endfor %}

),

rejected as (

    select * from {{ ref('rejected_rows') }}

),

by_reason as (

    select
        source_table,
        reason_code,
        count(*) as rows_rejected
    from rejected
    group by source_table, reason_code

),

rejected_totals as (

    select
        by_reason.source_table,
        sum(rows_rejected) as rows_rejected,
        {{ icp.ordered_list_agg(
            dbt.concat(['reason_code', "': '", 'cast(rows_rejected as ' ~ dbt.type_string() ~ ')']),
            ['-rows_rejected', 'reason_code']
        ) }} as rejected_by_reason
    from by_reason
    group by by_reason.source_table

),

final as (

    select
        counts.source_table,
        counts.rows_read,
        counts.rows_accepted,
        cast(coalesce(rejected_totals.rows_rejected, 0) as bigint) as rows_rejected,
        rejected_totals.rejected_by_reason,
        case
            when counts.rows_read > 0
                then cast(coalesce(rejected_totals.rows_rejected, 0) as double) / counts.rows_read
        end as rejected_share
    from counts
    left join rejected_totals
        on counts.source_table = rejected_totals.source_table

)

select * from final
