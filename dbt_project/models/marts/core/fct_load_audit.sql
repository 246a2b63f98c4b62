{#- Rows read, accepted, rejected and dropped per raw table, with the rejections and drops by
    reason. Nothing vanishes: rows_read = rows_accepted + rows_rejected + rows_dropped for every
    table (tested). rows_read counts the raw input directly (a file, a warehouse table, or the rows
    a connector's tables map to), rows_accepted the staging model, so a lost row shows as a
    difference. Dropped rows are connector rows that are not data: deleted in the source or
    superseded history rows. The connector tables that are only looked up (Stripe prices, items,
    charges, refunds) have a row each too: their rows are accepted or dropped. The country values
    the mapping could not read (not in reference/country_aliases.csv) are counted per table that
    has one: accepted rows, whose region is then null. -#}

with counts as (

    select
        cast(null as {{ dbt.type_string() }}) as source_table,
        cast(null as {{ dbt.type_string() }}) as read_from,
        cast(null as bigint) as rows_read,
        cast(null as bigint) as rows_accepted
    where 1 = 0

    {%- for source_name, table_name, table in icp.raw_tables() %}
    {%- set read = icp.raw_relation(source_name, table_name, with_dropped=true) %}
    union all
    select
        '{{ table }}' as source_table,
        '{{ icp.read_from(table) }}' as read_from,
        (select count(*) as n from {{ read }}) as rows_read,
        (
            select count(*) as n from {{ ref('stg_' ~ source_name ~ '__' ~ table_name) }}
        ) as rows_accepted
    {%- endfor %}
    {%- if execute %}
    {%- for node in icp.connector_lookup_tables() %}
    union all
    select
        '{{ node.source_name }}.{{ node.name }}' as source_table,
        '{{ node.source_name }}.{{ node.name }}' as read_from,
        (select count(*) as n from {{ source(node.source_name, node.name) }}) as rows_read,
        (
            select count(*) as n
            from {{ source(node.source_name, node.name) }} as lookup_rows
            where {{ icp.drop_reason(node.source_name, node.name, 'lookup_rows') }} is null
        ) as rows_accepted
    {%- endfor %}
    {%- endif %}

),

dropped_rows as (

    select
        cast(null as {{ dbt.type_string() }}) as source_table,
        cast(null as {{ dbt.type_string() }}) as reason_code
    where 1 = 0

    {%- for source_name, table_name, table in icp.raw_tables()
        if icp.system_of(table) in icp.connector_models().get(table, {}) %}
    union all
    select '{{ table }}' as source_table, _drop_reason as reason_code
    from {{ icp.raw_relation(source_name, table_name, with_dropped=true) }}
    where _drop_reason is not null
    {%- endfor %}
    {%- if execute %}
    {%- for node in icp.connector_lookup_tables() %}
    union all
    select
        '{{ node.source_name }}.{{ node.name }}' as source_table,
        {{ icp.drop_reason(node.source_name, node.name, 'lookup_rows') }} as reason_code
    from {{ source(node.source_name, node.name) }} as lookup_rows
    where {{ icp.drop_reason(node.source_name, node.name, 'lookup_rows') }} is not null
    {%- endfor %}
    {%- endif %}

),

rejected as (

    select * from {{ ref('rejected_rows') }}

),

countries as (

    select country_key from {{ ref('country_aliases') }}

),

unreadable_countries as (

    {%- for table, model, column in [
        ('crm_accounts', 'stg_crm__accounts', 'country_code'),
        ('enrichment_companies', 'stg_enrichment__companies', 'hq_country'),
    ] %}
    select '{{ table }}' as source_table, count(*) as unreadable_countries
    from {{ ref(model) }} as accepted
    left join countries
        on {{ icp.country_key('accepted.' ~ column) }} = countries.country_key
    where {{ icp.clean_text('accepted.' ~ column) }} is not null and countries.country_key is null
    {{- '\n    union all' if not loop.last }}
    {%- endfor %}

),

{%- for kind, relation in [('rejected', 'rejected'), ('dropped', 'dropped_rows')] %}

{{ kind }}_by_reason as (

    select
        source_table,
        reason_code,
        count(*) as rows_{{ kind }}
    from {{ relation }}
    group by source_table, reason_code

),

{{ kind }}_totals as (

    select
        {{ kind }}_by_reason.source_table,
        sum(rows_{{ kind }}) as rows_{{ kind }},
        {{ icp.ordered_list_agg(
            dbt.concat(['reason_code', "': '", 'cast(rows_' ~ kind ~ ' as ' ~ dbt.type_string() ~ ')']),
            ['-rows_' ~ kind, 'reason_code']
        ) }} as {{ kind }}_by_reason
    from {{ kind }}_by_reason
    group by {{ kind }}_by_reason.source_table

),
{%- endfor %}

final as (

    select
        counts.source_table,
        counts.read_from,
        cast(counts.rows_read as bigint) as rows_read,
        cast(counts.rows_accepted as bigint) as rows_accepted,
        cast(coalesce(rejected_totals.rows_rejected, 0) as bigint) as rows_rejected,
        cast(coalesce(dropped_totals.rows_dropped, 0) as bigint) as rows_dropped,
        rejected_totals.rejected_by_reason,
        dropped_totals.dropped_by_reason,
        cast(unreadable_countries.unreadable_countries as bigint) as unreadable_countries,
        case
            when counts.rows_read - coalesce(dropped_totals.rows_dropped, 0) > 0
                then
                    cast(coalesce(rejected_totals.rows_rejected, 0) as double)
                    / (counts.rows_read - coalesce(dropped_totals.rows_dropped, 0))
        end as rejected_share
    from counts
    left join rejected_totals
        on counts.source_table = rejected_totals.source_table
    left join dropped_totals
        on counts.source_table = dropped_totals.source_table
    left join unreadable_countries
        on counts.source_table = unreadable_countries.source_table

)

select * from final
