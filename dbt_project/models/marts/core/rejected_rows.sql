{#- Every input row that broke the contract, with the reason a person can act on, the raw row as
    text (emails masked, personal columns redacted) so the source can be fixed, and the as-of date of
    the run. The rest of the pipeline ran on the accepted rows. -#}

with rejected as (

    {%- for source_name, table_name, table in icp.raw_tables() %}
    select
        '{{ table }}' as source_table,
        _row_number as row_number,
        _row_key as row_key,
        _rejection_code as reason_code,
        _rejection_reason as reason,
        _raw_row as raw_row
    from {{ ref('base_' ~ source_name ~ '__' ~ table_name) }}
    where _rejection_reason is not null
    {{- '\n    union all' if not loop.last }}
    {%- endfor %}

),

final as (

    select
        source_table,
        row_number,
        row_key,
        reason_code,
        reason,
        raw_row,
        {{ icp.as_of_date() }} as as_of_date
    from rejected

)

select * from final
