{#- The refresh that built this warehouse, in one row: the as-of date every figure is computed as
    of. Dashboards show it ("as of ..."), and the summary and the drift checks pick the run's own
    date out of the drift history with it, reading the published file only. -#}

with as_of as (

    select * from {{ ref('stg_run__as_of_date') }}

),

final as (

    select as_of_date
    from as_of

)

select * from final
